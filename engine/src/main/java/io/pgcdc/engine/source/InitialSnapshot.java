package io.pgcdc.engine.source;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.PgTimestamp;
import io.pgcdc.engine.PipelineException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code source.snapshot: initial}: publishes the rows already in the published tables, read in
 * exactly the snapshot the slot starts at, before the slot's first change, and creates the slot
 * only once every one of them is journaled and confirmed by the broker.
 *
 * <pre>
 *   begin()   replication connection: CREATE_REPLICATION_SLOT pgcdc_snapshot_&lt;random&gt; TEMPORARY LOGICAL pgoutput
 *                                     -&gt; consistent point cp, exported snapshot name
 *             SQL connection:         BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT
 *   produce() pg_publication_tables, pg_attribute, pg_index        -&gt; one SnapshotTable each
 *             COPY (SELECT columns FROM [ONLY] table) TO STDOUT, table by table
 *             ring: Begin(cp - 1) { Relation Insert* }* Commit(cp - 1, end cp)    (the stages write op R)
 *   finish()  (every event released) SELECT pg_copy_logical_replication_slot(temporary, source.slot, false)
 *   close()   the replication connection ends; PostgreSQL drops the temporary slot
 * </pre>
 *
 * <p>Why a temporary slot and a copy: the slot's existence is the record that the snapshot was
 * delivered. A start that dies or stops mid-snapshot leaves no slot (the temporary one goes with
 * its connection), so the next start, on this node or another, snapshots again, and a slot that
 * exists is never snapshotted twice. The copy starts at the temporary slot's consistent point,
 * which is the exported snapshot's: nothing committed is both in the snapshot and streamed, and
 * nothing is in neither.
 *
 * <p>Why commit LSN cp - 1: the snapshot's events need ids that no streamed transaction has. A
 * transaction whose commit record starts right at cp is streamed with commit LSN cp; cp - 1 lies
 * inside the WAL record that ends at cp (a record is at least 24 bytes), where no record starts.
 * The snapshot's events also sort before every streamed one in the journal.
 *
 * <p>Threading: {@link #begin} on the caller's thread (pipeline start); {@link #produce},
 * {@link #finish} and {@link #close} on the slot reader's thread, which starts after it.
 */
public final class InitialSnapshot implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InitialSnapshot.class);
  private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long PROGRESS_MASK = 4095;

  /** Receives the snapshot's pgoutput messages (the slot reader's ring publication). */
  interface Sink {
    void publish(long start, long commitLsn, long txEndLsn, byte[] bytes, int length) throws SQLException;
  }

  private final ReplicationConnections connections;
  private final String temporarySlot;
  private final Connection replication;
  private final Connection sql;
  private final long consistentPoint;
  private final SnapshotMessages messages = new SnapshotMessages();
  /** Written by the reader thread only; volatile for the ops thread's progress reads. */
  private volatile long rows;
  private long nextProgressNanos = System.nanoTime() + PROGRESS_NANOS;

  private InitialSnapshot(ReplicationConnections connections, String temporarySlot, Connection replication,
      Connection sql, long consistentPoint) {
    this.connections = connections;
    this.temporarySlot = temporarySlot;
    this.replication = replication;
    this.sql = sql;
    this.consistentPoint = consistentPoint;
  }

  /**
   * Creates the temporary slot and opens a transaction in its exported snapshot.
   *
   * @throws SQLException when either connection or the slot cannot be made (nothing is left open)
   */
  static InitialSnapshot begin(ReplicationConnections connections) throws SQLException {
    String temporary = "pgcdc_snapshot_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    Connection replication = connections.replication();
    Connection sql = null;
    try {
      ReplicationSlotInfo info = replication.unwrap(PGConnection.class).getReplicationAPI()
          .createReplicationSlot().logical()
          .withSlotName(temporary)
          .withOutputPlugin("pgoutput")
          .withTemporaryOption()
          .make();
      sql = connections.sql();
      try (Statement s = sql.createStatement()) {
        // A role's or database's timeouts are meant for queries, not for reading whole tables at the
        // pace the broker confirms them.
        s.execute("SET statement_timeout = 0");
        s.execute("SET idle_in_transaction_session_timeout = 0");
        // As pg_dump: a table whose row-level security would hide rows from source.user fails the
        // snapshot with PostgreSQL's error, instead of leaving those rows out.
        s.execute("SET row_security = off");
      }
      sql.setAutoCommit(false);
      sql.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      sql.setReadOnly(true);
      try (Statement s = sql.createStatement()) {
        s.execute("SET TRANSACTION SNAPSHOT '" + info.getSnapshotName().replace("'", "''") + "'");
      }
      long cp = info.getConsistentPoint().asLong();
      LOG.info("initial snapshot: temporary slot {} at {}, snapshot {}", temporary, Lsn.format(cp),
          info.getSnapshotName());
      return new InitialSnapshot(connections, temporary, replication, sql, cp);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(sql);
      closeQuietly(replication);
      throw e;
    }
  }

  /**
   * True for a lost or refused connection (SQLSTATE class 08, or 57P01–57P03: the server shutting
   * down, terminating the backend, or not accepting connections yet), after which a new snapshot may
   * succeed; false for errors a new snapshot would repeat (privileges, row security, bad data).
   */
  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03"));
  }

  /** The LSN the slot will start at: the snapshot's. */
  public long consistentPoint() {
    return consistentPoint;
  }

  /** Rows produced so far; any thread. */
  public long rows() {
    return rows;
  }

  /**
   * Reads every published table in the snapshot and hands its rows to {@code sink} as one
   * transaction; ends the snapshot's transaction.
   *
   * @throws PipelineException when a table holds more rows than one transaction's ordinals can number
   */
  void produce(Sink sink) throws SQLException, PipelineException {
    long commitLsn = consistentPoint - 1;
    long micros;
    int xid;
    try (Statement s = sql.createStatement(); ResultSet r = s.executeQuery(
        "SELECT (extract(epoch FROM now()) * 1000000)::int8, txid_snapshot_xmin(txid_current_snapshot())")) {
      r.next();
      micros = r.getLong(1) - PgTimestamp.POSTGRES_EPOCH_MICROS;
      xid = (int) r.getLong(2);
    }
    List<SnapshotTable> tables = SnapshotTable.of(sql, connections.config().publication());
    messages.begin(commitLsn, micros, xid);
    sink.publish(commitLsn, commitLsn, 0, messages.bytes(), messages.length());
    for (SnapshotTable table : tables) {
      messages.relation(table);
      sink.publish(commitLsn, commitLsn, 0, messages.bytes(), messages.length());
      long before = rows;
      CopyOut copy = sql.unwrap(PGConnection.class).getCopyAPI().copyOut(table.copySql());
      byte[] line;
      while ((line = copy.readFromCopy()) != null) {
        if ((rows & PROGRESS_MASK) == 0 && System.nanoTime() - nextProgressNanos > 0) {
          nextProgressNanos = System.nanoTime() + PROGRESS_NANOS;
          LOG.info("initial snapshot: reading {}.{}, {} rows so far", table.schema(), table.name(), rows - before);
        }
        if (++rows >= Integer.MAX_VALUE) {
          copy.cancelCopy();
          throw new PipelineException("the initial snapshot holds more than " + (Integer.MAX_VALUE - 1)
              + " rows, more than one transaction's event ordinals can number: set source.snapshot: never and"
              + " load the tables another way");
        }
        messages.insert(table, line, line.length);
        sink.publish(commitLsn, commitLsn, 0, messages.bytes(), messages.length());
      }
      LOG.info("initial snapshot: {}.{} read, {} rows", table.schema(), table.name(), rows - before);
    }
    sql.commit();
    messages.commit(commitLsn, consistentPoint, micros);
    sink.publish(consistentPoint, commitLsn, consistentPoint, messages.bytes(), messages.length());
  }

  /**
   * Creates the slot as a copy of the temporary one, at the snapshot's consistent point. Call only
   * once every event of the snapshot is journaled and confirmed.
   */
  void finish() throws SQLException {
    String slot = connections.config().slot();
    try (Connection c = connections.sql(); PreparedStatement s = c.prepareStatement(
        "SELECT slot_name FROM pg_copy_logical_replication_slot(?, ?, false)")) {
      s.setString(1, temporarySlot);
      s.setString(2, slot);
      try (ResultSet r = s.executeQuery()) {
        r.next();
      }
    }
    LOG.info("initial snapshot delivered: {} rows; created replication slot {} at {}", rows, slot,
        Lsn.format(consistentPoint));
  }

  @Override
  public void close() {
    closeQuietly(sql);
    closeQuietly(replication);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Closing ends the snapshot's transaction or drops the temporary slot either way.
      }
    }
  }
}
