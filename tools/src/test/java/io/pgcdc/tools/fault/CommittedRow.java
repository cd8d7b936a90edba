package io.pgcdc.tools.fault;

/**
 * A row the writer committed, as the database holds it after the run (the oracle).
 *
 * @param id bigserial primary key; with one sequential writer, id order is commit order
 * @param key the {@code k} column
 * @param seq the {@code seq} column (per key: 0, 1, 2, ...)
 * @param insertLsn {@code pg_current_wal_insert_lsn()} returned by the row's own INSERT: a lower
 *     bound of this row's commit LSN and an upper bound of the previous row's; 0 when the writer
 *     never saw it (the INSERT was retried after a lost answer)
 */
public record CommittedRow(long id, int key, int seq, long insertLsn) {

  public long row() {
    return RowId.of(key, seq);
  }
}
