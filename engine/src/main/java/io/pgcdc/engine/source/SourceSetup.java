package io.pgcdc.engine.source;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.config.TablePattern;
import io.pgcdc.engine.preflight.CheckResult;
import io.pgcdc.engine.preflight.SlotState;
import io.pgcdc.engine.preflight.SourcePreflight;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source management of SPEC §4, run at every start before streaming: the preflight (the same
 * {@link SourcePreflight} checks {@code pgcdc check} prints), the publication (created when absent;
 * with {@code source.create}, altered to the {@code tables:} patterns and
 * {@code publish_via_partition_root}), the slot (created when absent), and the slot checks the
 * reader needs after a connection loss.
 *
 * <pre>
 *   connect -&gt; SourcePreflight: warn -&gt; log, FAIL -&gt; one error listing every failure
 *           -&gt; publication (create, SET tables) -&gt; slot (create, or resume at confirmed_flush_lsn)
 * </pre>
 *
 * The publication is created before the slot: pgoutput looks the publication up in the catalog
 * as of each decoded change, so a slot older than its publication fails on its first change.
 *
 * <p>Threading: not thread-safe; each call opens its own SQL connection.
 */
public final class SourceSetup {
  private static final Logger LOG = LoggerFactory.getLogger(SourceSetup.class);

  private final ReplicationConnections connections;
  private final PgcdcConfig.Source config;
  private boolean superuser;
  private InitialSnapshot snapshot;

  public SourceSetup(ReplicationConnections connections) {
    this.connections = connections;
    this.config = connections.config();
  }

  /**
   * Runs the preflight and prepares publication and slot.
   *
   * @return the slot's {@code confirmed_flush_lsn}, where streaming will resume (with an initial
   *     snapshot: where the slot will start, see {@link #initialSnapshot})
   * @throws PipelineException one line: what is wrong and how to fix it
   */
  public long prepare() throws PipelineException {
    try (Connection c = connect()) {
      preflight(c);
      superuser = "on".equals(single(c, "SHOW is_superuser"));
      preparePublication(c);
      return prepareSlot(c);
    } catch (SQLException e) {
      throw new PipelineException("preparing the source failed on " + config.redactedUrl() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Runs the checks {@code pgcdc check} runs: warnings are logged one per line, and all failures
   * are reported together, so an operator fixes them in one round.
   */
  private void preflight(Connection c) throws SQLException, PipelineException {
    List<String> failures = new ArrayList<>();
    for (CheckResult r : new SourcePreflight(c, config).run()) {
      if (r.failed()) {
        failures.add(r.what() + " (fix: " + r.fix() + ")");
      } else if (r.status() == CheckResult.Status.WARN) {
        LOG.warn("preflight: {}; fix: {}", r.what(), r.fix());
      }
    }
    if (!failures.isEmpty()) {
      throw new PipelineException((failures.size() == 1 ? "source check failed: " : failures.size()
          + " source checks failed: ") + String.join("; ", failures));
    }
  }

  private Connection connect() throws PipelineException {
    try {
      return connections.sql();
    } catch (SQLException e) {
      throw new PipelineException("cannot connect to PostgreSQL at " + config.redactedUrl() + " as "
          + config.user() + ": " + e.getMessage()
          + "; check source.url, source.user, source.password and that the server runs", e);
    }
  }

  private void preparePublication(Connection c) throws SQLException, PipelineException {
    String publication = config.publication();
    Optional<PublicationOptions> existing = publicationOptions(c, publication);
    if (existing.isEmpty()) {
      createPublication(c, publication);
    } else if (!config.create()) {
      useAsItIs(publication, existing.get());
      return;
    } else {
      alignViaRoot(c, publication, existing.get());
      if (!tablesAlignable(c, publication, existing.get())) {
        return;
      }
    }
    String objects = publicationObjects(c);
    execute(c, "ALTER PUBLICATION " + ident(publication) + " SET " + objects);
    LOG.info("publication {} set to {}", publication, objects);
  }

  private void createPublication(Connection c, String publication) throws SQLException, PipelineException {
    if (!config.create()) {
      throw new PipelineException("publication '" + publication + "' does not exist in the source database:"
          + " create it (CREATE PUBLICATION " + ident(publication) + ") or set source.create=true");
    }
    // The option only when set: PostgreSQL before 13 does not know it.
    execute(c, "CREATE PUBLICATION " + ident(publication)
        + (config.publishViaPartitionRoot() ? " WITH (publish_via_partition_root = true)" : ""));
    LOG.info("created publication {}", publication);
  }

  /** The least-privilege setup: someone else owns the publication; pgcdc only streams through it. */
  private void useAsItIs(String publication, PublicationOptions existing) {
    if (existing.viaRoot() != config.publishViaPartitionRoot()) {
      LOG.warn("publication {} has publish_via_partition_root = {}, source.publish_via_partition_root = {};"
          + " with source.create: false pgcdc leaves the publication as it is", publication,
          existing.viaRoot(), config.publishViaPartitionRoot());
    }
    LOG.info("source.create is false: publication {} is used as it is (source.tables is not applied)", publication);
  }

  private void alignViaRoot(Connection c, String publication, PublicationOptions existing) throws SQLException {
    if (existing.viaRoot() != config.publishViaPartitionRoot()) {
      execute(c, "ALTER PUBLICATION " + ident(publication) + " SET (publish_via_partition_root = "
          + config.publishViaPartitionRoot() + ")");
      LOG.info("publication {}: publish_via_partition_root set to {} (source.publish_via_partition_root)",
          publication, config.publishViaPartitionRoot());
    }
  }

  /**
   * False when the publication's tables are not pgcdc's to set: FOR ALL TABLES, or TABLES IN SCHEMA
   * (a superuser set it so that new tables are published from their first row; only a superuser may
   * change it, and a table list in its place would lose exactly that).
   */
  private boolean tablesAlignable(Connection c, String publication, PublicationOptions existing) throws SQLException {
    if (existing.allTables()) {
      LOG.info("publication {} is FOR ALL TABLES; source.tables is not applied to it", publication);
      return false;
    }
    if (!superuser && hasSchemas(c, publication)) {
      LOG.info("publication {} holds TABLES IN SCHEMA, which only a superuser may change; source.tables is not"
          + " applied to it", publication);
      return false;
    }
    return true;
  }

  private static boolean hasSchemas(Connection c, String publication) throws SQLException {
    return c.getMetaData().getDatabaseMajorVersion() >= 15 && exists(c, "SELECT 1 FROM pg_publication_namespace pn"
        + " JOIN pg_publication p ON p.oid = pn.pnpubid WHERE p.pubname = ?", publication);
  }

  /** What pgcdc aligns of an existing publication besides its tables. */
  private record PublicationOptions(boolean allTables, boolean viaRoot) {}

  private static Optional<PublicationOptions> publicationOptions(Connection c, String publication) throws SQLException {
    // pubviaroot is PostgreSQL 13+; before it, partitions were always published as themselves.
    String viaRoot = c.getMetaData().getDatabaseMajorVersion() >= 13 ? "pubviaroot" : "false";
    try (PreparedStatement s = c.prepareStatement(
        "SELECT puballtables, " + viaRoot + " FROM pg_publication WHERE pubname = ?")) {
      s.setString(1, publication);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new PublicationOptions(r.getBoolean(1), r.getBoolean(2))) : Optional.empty();
      }
    }
  }

  /**
   * The publication objects matching {@code source.tables}: {@code TABLES IN SCHEMA s} for
   * {@code s.*} on PostgreSQL 15+ when pgcdc runs as a superuser (PostgreSQL requires that; tables
   * created later are then included too), otherwise the tables that exist now.
   */
  private String publicationObjects(Connection c) throws SQLException, PipelineException {
    boolean schemaObjects = superuser && c.getMetaData().getDatabaseMajorVersion() >= 15;
    Set<String> schemas = new LinkedHashSet<>();
    Set<String> tables = new LinkedHashSet<>();
    for (TablePattern p : config.tables()) {
      if (schemaObjects && p.isWholeSchema()) {
        if (exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", p.schema())) {
          schemas.add(ident(p.schema()));
        }
      } else {
        SourcePreflight.matchingTables(c, p).forEach(t -> tables.add(t.qualifiedName()));
      }
    }
    if (schemas.isEmpty() && tables.isEmpty()) {
      throw new PipelineException("source.tables " + config.tables() + " matches no table in the source"
          + " database: create the tables first or fix source.tables (e.g. [public.*])");
    }
    List<String> parts = new ArrayList<>();
    if (!schemas.isEmpty()) {
      parts.add("TABLES IN SCHEMA " + String.join(", ", schemas));
    }
    if (!tables.isEmpty()) {
      parts.add("TABLE " + String.join(", ", tables));
    }
    return String.join(", ", parts);
  }

  private long prepareSlot(Connection c) throws SQLException, PipelineException {
    Optional<SlotState> slot = SlotState.read(c, config.slot());
    if (slot.isEmpty()) {
      if (!config.create()) {
        throw new PipelineException("replication slot '" + config.slot() + "' does not exist: create it with"
            + " 'pgcdc slot create' or set source.create=true");
      }
      if (config.snapshot() == PgcdcConfig.Source.Snapshot.INITIAL) {
        snapshot = beginSnapshot();
        return snapshot.consistentPoint();
      }
      try (PreparedStatement s = c.prepareStatement(
          "SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
        s.setString(1, config.slot());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          long lsn = Lsn.parse(r.getString(1));
          LOG.info("created replication slot {} at {}", config.slot(), Lsn.format(lsn));
          return lsn;
        }
      }
    }
    if (config.snapshot() == PgcdcConfig.Source.Snapshot.INITIAL) {
      LOG.info("replication slot {} exists: no initial snapshot (source.snapshot: initial snapshots only when pgcdc"
          + " creates the slot)", config.slot());
    }
    // The preflight failed the start on a slot of another plugin, database, one invalidated or two_phase.
    return slot.get().confirmedFlushLsn();
  }

  /**
   * The initial snapshot {@link #prepare} began because it found no slot and {@code source.snapshot}
   * is {@code initial}; the slot is created when it is delivered ({@link InitialSnapshot}). Null
   * otherwise. The caller owns (closes) it.
   */
  public InitialSnapshot initialSnapshot() {
    return snapshot;
  }

  /** A new initial snapshot (its temporary slot and exported snapshot), e.g. after the last one lost its connection. */
  public InitialSnapshot beginSnapshot() throws SQLException {
    return InitialSnapshot.begin(connections);
  }

  /**
   * Checks, after the replication connection failed or once streaming started, whether the slot is
   * still usable.
   *
   * @return the slot's {@code confirmed_flush_lsn}
   * @throws PipelineException the SPEC §4 error when the slot was dropped or invalidated
   * @throws SQLException      when the server cannot be asked (it may be restarting: retry later)
   */
  public long checkSlot(long flushedLsn) throws SQLException, PipelineException {
    try (Connection c = connections.sql()) {
      Optional<SlotState> slot = SlotState.read(c, config.slot());
      if (slot.isEmpty()) {
        throw lost(config.slot(), flushedLsn, "no longer exists (it was dropped)");
      }
      if (slot.get().invalidated()) {
        throw lost(config.slot(), flushedLsn, "was invalidated (its WAL was removed)");
      }
      return slot.get().confirmedFlushLsn();
    }
  }

  /**
   * Terminates a walsender still holding the slot (a previous leader that lost its ZooKeeper
   * session but not its database connection). Returns the number of backends terminated.
   */
  public int terminateSlotHolder() throws SQLException {
    try (Connection c = connections.sql(); PreparedStatement s = c.prepareStatement(
        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
            + " WHERE slot_name = ? AND active_pid IS NOT NULL AND active_pid <> pg_backend_pid()")) {
      s.setString(1, config.slot());
      int n = 0;
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          n++;
        }
      }
      return n;
    }
  }

  static PipelineException lost(String slot, long flushedLsn, String what) {
    return new PipelineException("replication slot '" + slot + "' " + what + " while pgcdc was running:"
        + " changes committed after " + Lsn.format(flushedLsn) + " (the last flushed LSN) may have been lost and"
        + " pgcdc will not recreate the slot silently. To resume: create it again (pgcdc slot create), which"
        + " streams only changes made from then on, and re-sync what changed in between from the source"
        + " tables; events up to " + Lsn.format(flushedLsn) + " can be replayed with pgcdc replay");
  }

  private static boolean exists(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Quotes an SQL identifier the way {@code quote_ident} does for names that need it. */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
