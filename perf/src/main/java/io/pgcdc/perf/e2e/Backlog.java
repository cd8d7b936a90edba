package io.pgcdc.perf.e2e;

/**
 * The WAL every backlog consumer drains: {@code batchedRows} rows in transactions of
 * {@code txnSize}, then {@code singleRows} single-row transactions, between {@code startLsn}
 * (before the first write) and {@code endLsn} ({@code pg_current_wal_lsn()} after the last);
 * {@code boundaryLsn} separates the two parts. {@code rowJsonBytes} is the mean
 * {@code to_json(row)} size (a message body holds the row twice, as {@code after} and
 * {@code diff}, plus the envelope). Immutable.
 *
 * <p>{@code --backlog-warm-up}: the first {@code warmUpRows} of the batched rows (whole
 * transactions, same table) are a warm-up that ends at {@code warmUpLsn}; every consumer still
 * drains the whole backlog (the cold figure), and the rate over the rest ({@link #measuredEvents()},
 * from when the consumer passed {@code warmUpLsn}) is reported besides, as the steady rate of a
 * long-running process. 0 and {@code startLsn} without a warm-up.
 */
record Backlog(long batchedRows, int txnSize, long singleRows, long startLsn, long boundaryLsn, long endLsn,
               double writeSeconds, double rowJsonBytes, long warmUpRows, long warmUpLsn) {

  /** A backlog without a warm-up part. */
  Backlog(long batchedRows, int txnSize, long singleRows, long startLsn, long boundaryLsn, long endLsn,
          double writeSeconds, double rowJsonBytes) {
    this(batchedRows, txnSize, singleRows, startLsn, boundaryLsn, endLsn, writeSeconds, rowJsonBytes, 0, startLsn);
  }

  long events() {
    return batchedRows + singleRows;
  }

  long walBytes() {
    return endLsn - startLsn;
  }

  boolean hasWarmUp() {
    return warmUpRows > 0;
  }

  /** Events after the warm-up: what the steady rate is measured over. */
  long measuredEvents() {
    return events() - warmUpRows;
  }
}
