package io.pgcdc.engine.source;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.config.TablePattern;
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
 * Source management of SPEC §4, run at every start before streaming: preflight checks, the
 * publication (created when absent, altered to the {@code tables:} patterns), the slot (created
 * when absent), and the slot checks the reader needs after a connection loss.
 *
 * <pre>
 *   connect -&gt; wal_level = logical? -&gt; REPLICATION privilege? -&gt; publication (create, SET tables)
 *           -&gt; slot (create; plugin pgoutput? same database? not invalidated?) -&gt; warn keyless tables
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

  public SourceSetup(ReplicationConnections connections) {
    this.connections = connections;
    this.config = connections.config();
  }

  /**
   * Runs the preflight and prepares publication and slot.
   *
   * @return the slot's {@code confirmed_flush_lsn}, where streaming will resume
   * @throws PipelineException one line: what is wrong and how to fix it
   */
  public long prepare() throws PipelineException {
    try (Connection c = connect()) {
      checkWalLevel(c);
      checkReplicationPrivilege(c);
      preparePublication(c);
      long confirmed = prepareSlot(c);
      warnKeylessTables(c);
      return confirmed;
    } catch (SQLException e) {
      throw new PipelineException("preparing the source failed on " + config.redactedUrl() + ": "
          + e.getMessage(), e);
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

  private static void checkWalLevel(Connection c) throws SQLException, PipelineException {
    String level = single(c, "SHOW wal_level");
    if (!"logical".equals(level)) {
      throw new PipelineException("wal_level is '" + level + "' but logical decoding needs 'logical': set"
          + " wal_level = logical in postgresql.conf (ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL");
    }
  }

  private void checkReplicationPrivilege(Connection c) throws SQLException, PipelineException {
    superuser = "on".equals(single(c, "SHOW is_superuser"));
    String ok = single(c, "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!"t".equals(ok) && !"true".equals(ok)) {
      throw new PipelineException("role '" + config.user() + "' lacks the REPLICATION privilege: run"
          + " ALTER ROLE " + ident(config.user()) + " REPLICATION; as a superuser");
    }
  }

  private void preparePublication(Connection c) throws SQLException, PipelineException {
    String publication = config.publication();
    Optional<Boolean> allTables = publicationAllTables(c, publication);
    if (allTables.isEmpty()) {
      if (!config.create()) {
        throw new PipelineException("publication '" + publication + "' does not exist in the source database:"
            + " create it (CREATE PUBLICATION " + ident(publication) + ") or set source.create=true");
      }
      execute(c, "CREATE PUBLICATION " + ident(publication));
      LOG.info("created publication {}", publication);
    } else if (allTables.get()) {
      LOG.info("publication {} is FOR ALL TABLES; source.tables is not applied to it", publication);
      return;
    }
    String objects = publicationObjects(c);
    execute(c, "ALTER PUBLICATION " + ident(publication) + " SET " + objects);
    LOG.info("publication {} set to {}", publication, objects);
  }

  private static Optional<Boolean> publicationAllTables(Connection c, String publication) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
      s.setString(1, publication);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getBoolean(1)) : Optional.empty();
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
      if (schemaObjects && "*".equals(p.table()) && p.schema().indexOf('*') < 0) {
        if (exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", p.schema())) {
          schemas.add(ident(p.schema()));
        }
      } else {
        tables.addAll(matchingTables(c, p));
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

  private static List<String> matchingTables(Connection c, TablePattern p) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
            + " AND n.nspname LIKE ? AND c.relname LIKE ? ORDER BY 1, 2")) {
      s.setString(1, p.schemaLike());
      s.setString(2, p.tableLike());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(ident(r.getString(1)) + "." + ident(r.getString(2)));
        }
      }
    }
    return out;
  }

  private long prepareSlot(Connection c) throws SQLException, PipelineException {
    Optional<SlotInfo> slot = slot(c);
    if (slot.isEmpty()) {
      if (!config.create()) {
        throw new PipelineException("replication slot '" + config.slot() + "' does not exist: create it with"
            + " 'pgcdc slot create' or set source.create=true");
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
    SlotInfo info = slot.get();
    if (!"pgoutput".equals(info.plugin())) {
      throw new PipelineException("replication slot '" + config.slot() + "' uses plugin '" + info.plugin()
          + "', pgcdc needs 'pgoutput': drop it (pgcdc slot drop) or choose another source.slot");
    }
    if (!info.sameDatabase()) {
      throw new PipelineException("replication slot '" + config.slot() + "' belongs to database '"
          + info.database() + "', not the one in source.url: choose another source.slot");
    }
    if (info.lost()) {
      throw lost(config.slot(), info.confirmedLsn(), "was invalidated (its WAL was removed)");
    }
    return info.confirmedLsn();
  }

  /**
   * Checks, after the replication connection failed, whether the slot is still usable.
   *
   * @throws PipelineException the SPEC §4 error when the slot was dropped or invalidated
   * @throws SQLException      when the server cannot be asked (it may be restarting: retry later)
   */
  public void checkSlot(long flushedLsn) throws SQLException, PipelineException {
    try (Connection c = connections.sql()) {
      Optional<SlotInfo> slot = slot(c);
      if (slot.isEmpty()) {
        throw lost(config.slot(), flushedLsn, "no longer exists (it was dropped)");
      }
      if (slot.get().lost()) {
        throw lost(config.slot(), flushedLsn, "was invalidated (its WAL was removed)");
      }
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

  private void warnKeylessTables(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT p.schemaname, p.tablename FROM pg_publication_tables p"
            + " JOIN pg_namespace n ON n.nspname = p.schemaname"
            + " JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename"
            + " WHERE p.pubname = ? AND c.relreplident = 'd'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)")) {
      s.setString(1, config.publication());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String table = ident(r.getString(1)) + "." + ident(r.getString(2));
          LOG.warn("table {} has no primary key and REPLICA IDENTITY DEFAULT: its updates and deletes carry no"
              + " key; fix with ALTER TABLE {} REPLICA IDENTITY FULL (or add a primary key)", table, table);
        }
      }
    }
  }

  private record SlotInfo(String plugin, String database, boolean sameDatabase, boolean lost, long confirmedLsn) {}

  private Optional<SlotInfo> slot(Connection c) throws SQLException {
    boolean walStatus = c.getMetaData().getDatabaseMajorVersion() >= 13;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT plugin, database, database = current_database(), "
            + (walStatus ? "wal_status = 'lost'" : "false") + ", confirmed_flush_lsn::text"
            + " FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, config.slot());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        String confirmed = r.getString(5);
        return Optional.of(new SlotInfo(r.getString(1), r.getString(2), r.getBoolean(3), r.getBoolean(4),
            confirmed == null ? 0 : Lsn.parse(confirmed)));
      }
    }
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
