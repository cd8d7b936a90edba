package io.pgcdc.perf.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Writes the backlog into {@link BenchDatabase#TABLE}: first the big transactions (one
 * {@code INSERT ... SELECT generate_series} each), then the single-row transactions through a
 * procedure that COMMITs after every row (one round trip instead of one per transaction: the
 * writer is not what is measured). {@code synchronous_commit = off} for the same reason; the
 * walwriter flushes the tail within {@code wal_writer_delay}, long before a consumer reaches it.
 * A warm-up part ({@code --backlog-warm-up}) is the first whole big transactions; its end LSN is
 * taken after its last commit.
 * Runs on the caller's thread.
 */
final class BacklogWriter {

  private static final String PROCEDURE = "CREATE PROCEDURE bench_single(first bigint, n bigint)"
      + " LANGUAGE plpgsql AS $$ DECLARE g bigint; BEGIN"
      + " FOR g IN first .. first + n - 1 LOOP"
      + " INSERT INTO public." + BenchDatabase.TABLE + " (" + BenchDatabase.COLUMNS + ") SELECT " + BenchDatabase.ROW + ";"
      + " COMMIT; END LOOP; END $$";

  private final BenchDatabase db;

  BacklogWriter(BenchDatabase db) {
    this.db = db;
  }

  private static double rowJsonBytes(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT avg(octet_length(to_json(t)::text)) FROM (SELECT * FROM public."
        + BenchDatabase.TABLE + " LIMIT 10000) t")) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  Backlog write(long batchedRows, int txnSize, long singleRows) throws SQLException {
    return write(0, batchedRows, txnSize, singleRows);
  }

  /** {@code warmUpRows} rows in big transactions, then the backlog proper; see {@link Backlog}. */
  Backlog write(long warmUpRows, long batchedRows, int txnSize, long singleRows) throws SQLException {
    long start = db.currentWalLsn();
    long t0 = System.nanoTime();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("SET synchronous_commit = off");
      st.execute(PROCEDURE);
      insertBatched(st, 0, warmUpRows, txnSize);
      long warmUpEnd = warmUpRows > 0 ? db.currentWalLsn() : start;
      insertBatched(st, warmUpRows, warmUpRows + batchedRows, txnSize);
      long boundary = db.currentWalLsn();
      if (singleRows > 0) {
        st.execute("CALL bench_single(" + (warmUpRows + batchedRows + 1) + ", " + singleRows + ")");
      }
      st.execute("DROP PROCEDURE bench_single");
      long end = db.currentWalLsn();
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Backlog(warmUpRows + batchedRows, txnSize, singleRows, start, boundary, end, seconds,
          rowJsonBytes(st), warmUpRows, warmUpEnd);
    }
  }

  /** Rows {@code from + 1 .. to} in transactions of at most {@code txnSize} rows. */
  private static void insertBatched(Statement st, long from, long to, int txnSize) throws SQLException {
    for (long done = from; done < to; done += txnSize) {
      long n = Math.min(txnSize, to - done);
      st.execute("INSERT INTO public." + BenchDatabase.TABLE + " (" + BenchDatabase.COLUMNS + ") SELECT "
          + BenchDatabase.ROW + " FROM generate_series(" + (done + 1) + ", " + (done + n) + ") g");
    }
  }
}
