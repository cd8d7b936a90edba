package io.pgcdc.engine.source;

import io.pgcdc.engine.config.PgcdcConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * Opens the two kinds of connections pgcdc needs to its source: a replication connection
 * streaming pgoutput from the slot, and a plain SQL connection for setup and slot checks.
 *
 * <p>The replication session runs with {@code TimeZone=UTC}, {@code DateStyle=ISO},
 * {@code IntervalStyle=postgres}, {@code extra_float_digits=3} and {@code bytea_output=hex}: pgoutput
 * sends values in text, formatted by these settings, and the value renderer relies on exactly these
 * formats (a server or role default of {@code bytea_output=escape} would otherwise change bytea text).
 * {@code TimeZone} is also set after connecting: pgjdbc sends the JVM's default zone as a startup
 * parameter of its own, which the server applies after {@code options}, so in a JVM outside UTC a
 * {@code timestamptz} would arrive with that zone's offset.
 *
 * <p>Threading: stateless apart from the immutable config; each call opens a new connection.
 */
public final class ReplicationConnections {
  /**
   * pgoutput protocol v2 with {@code streaming 'on'} from PostgreSQL 14 (large in-progress
   * transactions arrive in chunks and wait in the reader's spool, instead of being spilled by the
   * server and sent only after commit); v1 before.
   */
  private static final int STREAMING_SINCE_MAJOR = 14;
  /**
   * Protocol v4 with {@code streaming 'parallel'} from PostgreSQL 16: the same messages as v2 but a
   * Stream Abort that also carries the abort's LSN and time (for a subscriber's parallel apply;
   * the reader reads only its xids). v3 (two-phase) is never asked for: see README "Choices".
   */
  private static final int PARALLEL_STREAMING_SINCE_MAJOR = 16;
  static final String SESSION_OPTIONS =
      "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex";
  private static final int CONNECT_TIMEOUT_SECONDS = 10;
  /** pgoutput's {@code messages} option (logical decoding messages) exists from PostgreSQL 14. */
  private static final int MESSAGES_SINCE_MAJOR = 14;

  private final PgcdcConfig.Source config;

  public ReplicationConnections(PgcdcConfig.Source config) {
    this.config = config;
  }

  public PgcdcConfig.Source config() {
    return config;
  }

  /** A plain SQL connection to the source database (session in UTC). */
  public Connection sql() throws SQLException {
    Properties p = base();
    return inUtc(DriverManager.getConnection(config.url(), p));
  }

  /** A replication connection ({@code replication=database}, simple query mode). */
  public Connection replication() throws SQLException {
    Properties p = base();
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    return inUtc(DriverManager.getConnection(config.url(), p));
  }

  /** {@code SET TimeZone} on {@code c} (see the class comment); closes it when that fails. */
  private static Connection inUtc(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone TO 'UTC'");
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The pgoutput {@code proto_version} pgcdc asks a server of this major version for: 1, 2 or 4. */
  static int protocolVersion(int major) {
    return major >= PARALLEL_STREAMING_SINCE_MAJOR ? 4 : major >= STREAMING_SINCE_MAJOR ? 2 : 1;
  }

  /**
   * Starts streaming the slot from its confirmed position (start LSN 0/0 lets the server choose
   * {@code confirmed_flush_lsn}); automatic flush is off: only the confirm tracker moves it.
   */
  public PGReplicationStream stream(Connection replication) throws SQLException {
    int major = replication.getMetaData().getDatabaseMajorVersion();
    ChainedLogicalStreamBuilder builder = replication.unwrap(PGConnection.class).getReplicationAPI()
        .replicationStream()
        .logical()
        .withSlotName(config.slot())
        .withSlotOption("publication_names", SourceSetup.ident(config.publication()));
    builder = builder.withSlotOption("proto_version", protocolVersion(major));
    if (major >= STREAMING_SINCE_MAJOR) {
      builder = builder.withSlotOption("streaming", major >= PARALLEL_STREAMING_SINCE_MAJOR ? "parallel" : "on");
    }
    if (major >= MESSAGES_SINCE_MAJOR) {
      builder = builder.withSlotOption("messages", true);
    }
    return builder
        .withStatusInterval((int) config.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
        .withAutomaticFlush(false)
        .start();
  }

  private Properties base() {
    Properties p = config.connectionProperties();
    PGProperty.OPTIONS.set(p, SESSION_OPTIONS);
    PGProperty.CONNECT_TIMEOUT.set(p, CONNECT_TIMEOUT_SECONDS);
    PGProperty.APPLICATION_NAME.set(p, "pgcdc");
    return p;
  }
}
