package io.pgcdc.tools.fault;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits single-row transactions into the fault table at a steady rate, on its own thread,
 * surviving database restarts and dropped connections.
 *
 * <pre>
 *   fault_rows(id bigserial PRIMARY KEY, k int, seq int, payload text, UNIQUE (k, seq))
 *   row i  ->  k = i % keys, seq = i / keys     (so per key: seq 0, 1, 2, ... in commit order)
 * </pre>
 *
 * <p>Each INSERT returns {@code pg_current_wal_insert_lsn()}, remembered per id (see
 * {@link CommittedRow#insertLsn()}). A failed INSERT is retried with {@code ON CONFLICT DO NOTHING}
 * until it is known committed, so a lost answer during a restart neither skips nor doubles a row,
 * and row {@code i + 1} never starts before row {@code i} committed: id order is commit order.
 *
 * <p>Threading: {@link #start()} runs one daemon thread; the other methods are thread-safe.
 */
public final class RowWriter implements AutoCloseable {
  /** The table every fault test writes; created by {@link #createTable(Connection)}. */
  public static final String TABLE = "fault_rows";

  private static final Logger LOG = LoggerFactory.getLogger(RowWriter.class);
  private static final String INSERT = "INSERT INTO " + TABLE + " (k, seq, payload) VALUES (?, ?, ?)"
      + " ON CONFLICT (k, seq) DO NOTHING RETURNING id, pg_current_wal_insert_lsn()::text";
  private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final PostgresServer postgres;
  private final String database;
  private final int rows;
  private final int keys;
  private final long nanosPerRow;
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final ConcurrentHashMap<Long, Long> insertLsnById = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean stopped;
  private volatile Throwable failure;
  /** Writer thread only. */
  private Connection connection;

  /**
   * @param rows how many rows to commit in all
   * @param keys how many distinct {@code k} values, used round-robin
   * @param rowsPerSecond target rate (0 = as fast as the database takes them)
   */
  public RowWriter(PostgresServer postgres, String database, int rows, int keys, int rowsPerSecond) {
    this.postgres = postgres;
    this.database = database;
    this.rows = rows;
    this.keys = keys;
    this.nanosPerRow = rowsPerSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rowsPerSecond;
    this.thread = new Thread(this::run, "fault-writer-" + database);
    this.thread.setDaemon(true);
  }

  /** Creates the fault table in {@code connection}'s database. */
  public static void createTable(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, k int NOT NULL, seq int NOT NULL,"
          + " payload text NOT NULL, UNIQUE (k, seq))");
    }
  }

  public RowWriter start() {
    thread.start();
    return this;
  }

  /** Rows known committed so far. */
  public long committed() {
    return committed.get();
  }

  /** INSERTs that failed and were retried (a database restart shows here). */
  public long retries() {
    return retries.get();
  }

  /** True once every row is committed, or the writer failed or was stopped. */
  public boolean isDone() {
    return !thread.isAlive();
  }

  /** The error that ended the writer early, if any. */
  public Throwable failure() {
    return failure;
  }

  /**
   * What the table holds, in commit (id) order, with the insert LSNs this writer saw. The
   * database is the oracle: a row is expected iff it is there.
   */
  public List<CommittedRow> committedRows() throws SQLException {
    List<CommittedRow> result = new ArrayList<>();
    try (Connection c = postgres.connect(database);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id, k, seq FROM " + TABLE + " ORDER BY id")) {
      while (rs.next()) {
        long id = rs.getLong(1);
        result.add(new CommittedRow(id, rs.getInt(2), rs.getInt(3), insertLsnById.getOrDefault(id, 0L)));
      }
    }
    return result;
  }

  /** Stops after the row in progress; waits for the thread. */
  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }

  private void run() {
    long next = System.nanoTime();
    try {
      for (int i = 0; i < rows && !stopped; i++) {
        if (nanosPerRow > 0) {
          next += nanosPerRow;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        if (insertUntilCommitted(i % keys, i / keys)) {
          committed.incrementAndGet();
        }
      }
    } catch (Throwable t) {
      failure = t;
      LOG.error("fault writer stopped after {} rows", committed.get(), t);
    } finally {
      closeQuietly(connection);
    }
  }

  /** Inserts one row, reconnecting and retrying until the database has it; false when stopped first. */
  private boolean insertUntilCommitted(int key, int seq) throws InterruptedException {
    String payload = "row k=" + key + " seq=" + seq;
    while (!stopped) {
      try {
        if (connection == null) {
          connection = postgres.connect(database);
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
          insert.setInt(1, key);
          insert.setInt(2, seq);
          insert.setString(3, payload);
          try (ResultSet rs = insert.executeQuery()) {
            if (rs.next()) {
              insertLsnById.put(rs.getLong(1), Lsn.parse(rs.getString(2)));
            }
          }
        }
        return true;
      } catch (SQLException e) {
        retries.incrementAndGet();
        LOG.info("fault writer: insert k={} seq={} failed ({}), retrying", key, seq, e.getMessage());
        closeQuietly(connection);
        connection = null;
        LockSupport.parkNanos(RETRY_PAUSE_NANOS);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    }
    return false;
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the connection is already broken; nothing to release
      }
    }
  }
}
