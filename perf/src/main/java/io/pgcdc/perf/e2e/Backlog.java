package io.pgcdc.perf.e2e;

/**
 * The WAL every backlog consumer drains: {@code batchedRows} rows in transactions of
 * {@code txnSize}, then {@code singleRows} single-row transactions, between {@code startLsn}
 * (before the first write) and {@code endLsn} ({@code pg_current_wal_lsn()} after the last);
 * {@code boundaryLsn} separates the two parts. {@code rowJsonBytes} is the mean
 * {@code to_json(row)} size (a message body holds the row twice, as {@code after} and
 * {@code diff}, plus the envelope). Immutable.
 */
record Backlog(long batchedRows, int txnSize, long singleRows, long startLsn, long boundaryLsn, long endLsn,
               double writeSeconds, double rowJsonBytes) {

  long events() {
    return batchedRows + singleRows;
  }

  long walBytes() {
    return endLsn - startLsn;
  }
}
