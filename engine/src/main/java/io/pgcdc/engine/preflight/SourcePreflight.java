package io.pgcdc.engine.preflight;

import static io.pgcdc.engine.preflight.CheckResult.fail;
import static io.pgcdc.engine.preflight.CheckResult.ok;
import static io.pgcdc.engine.preflight.CheckResult.warn;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.config.TablePattern;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * SPEC §4 preflight of the source database, on an open connection: wal_level, REPLICATION
 * privilege, slot, publication, tables and their replica identity. Each query reads facts; each
 * static {@code *Verdict} method turns facts into a {@link CheckResult}, so the decisions are
 * unit-tested without a server.
 *
 * <p>Single-threaded; does not change the database.
 */
public final class SourcePreflight {
  private final Connection db;
  private final PgcdcConfig.Source source;

  public SourcePreflight(Connection db, PgcdcConfig.Source source) {
    this.db = db;
    this.source = source;
  }

  /** A matched table ({@code schema.table}, quoted where needed) and whether its updates and deletes carry a key. */
  public record TableInfo(String qualifiedName, char replicaIdentity, boolean hasPrimaryKey, boolean partitioned) {}

  /** An existing publication: how many tables, who owns it, which operations it publishes. */
  record PublicationInfo(int tables, String owner, boolean ownedByUser, String missingOperations) {}

  /** Every check, in the order an operator fixes them. */
  public List<CheckResult> run() throws SQLException {
    List<CheckResult> results = new ArrayList<>();
    results.add(walLevelVerdict(text("SHOW wal_level")));
    boolean superuser = bool("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    boolean replication = bool("SELECT rolreplication FROM pg_roles WHERE rolname = current_user");
    results.add(privilegeVerdict(source.user(), superuser, replication));
    results.add(walSendersVerdict(integer("SELECT current_setting('max_wal_senders')::int"),
        integer("SELECT count(*)::int FROM pg_stat_replication")));
    int freeSlots = integer("SELECT current_setting('max_replication_slots')::int - count(*)::int FROM pg_replication_slots");
    results.add(slotVerdict(source.slot(), SlotState.read(db, source.slot()), source.create(),
        source.snapshot() == PgcdcConfig.Source.Snapshot.INITIAL, freeSlots, text("SELECT current_database()")));
    boolean mayCreate = superuser || bool("SELECT has_database_privilege(current_database(), 'CREATE')");
    results.add(publicationVerdict(source.publication(), publication(), source.create(), superuser, mayCreate,
        source.user(), text("SELECT current_database()")));
    results.addAll(tableVerdicts());
    futureTablesVerdict(source.tables(), source.publication(), source.create(), coversEverything(),
        coveredSchemas(superuser && source.create())).ifPresent(results::add);
    return results;
  }

  /**
   * Tables created later under a wildcard pattern are published from their first row only when the
   * publication covers them by itself: FOR ALL TABLES, or TABLES IN SCHEMA for a {@code schema.*}
   * pattern (PostgreSQL 15+; only a superuser may set it). Otherwise pgcdc adds such a table at its
   * next start ({@code aligns}: {@code source.create}), or never (the publication's owner must), and
   * what was written to it before that is never decoded as published: a warning, as a new table in
   * a migration is how such changes get lost.
   */
  static Optional<CheckResult> futureTablesVerdict(List<TablePattern> patterns, String publication, boolean aligns,
      boolean allTables, Set<String> coveredSchemas) {
    if (allTables) {
      return Optional.empty();
    }
    List<TablePattern> uncovered = new ArrayList<>();
    for (TablePattern pattern : patterns) {
      if (!pattern.isExact() && !(pattern.isWholeSchema() && coveredSchemas.contains(pattern.schema()))) {
        uncovered.add(pattern);
      }
    }
    if (uncovered.isEmpty()) {
      return Optional.empty();
    }
    String schemas = uncovered.stream().filter(TablePattern::isWholeSchema)
        .map(t -> quoteIdent(t.schema())).distinct().collect(Collectors.joining(", "));
    String when = aligns ? "only at pgcdc's next start" : "only when its owner adds them (source.create: false)";
    return Optional.of(warn("tables created later that match source.tables " + uncovered + " join publication "
            + publication + " " + when + ": rows written to them before that never reach consumers",
        (schemas.isEmpty() ? "" : "have a superuser run ALTER PUBLICATION " + quoteIdent(publication)
            + " ADD TABLES IN SCHEMA " + schemas + "; (PostgreSQL 15+, pgcdc keeps it), or ")
            + (aligns ? "restart pgcdc after creating such a table and before writing to it"
                : "add each such table to the publication before writing to it")));
  }

  private boolean coversEverything() throws SQLException {
    try (PreparedStatement st = db.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
      st.setString(1, source.publication());
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * Schemas whose future tables the publication will cover: those it already holds as TABLES IN
   * SCHEMA, and those pgcdc adds that way itself (a superuser on PostgreSQL 15+, for {@code s.*}).
   */
  private Set<String> coveredSchemas(boolean superuser) throws SQLException {
    Set<String> schemas = new HashSet<>();
    if (db.getMetaData().getDatabaseMajorVersion() < 15) {
      return schemas;
    }
    if (superuser) {
      source.tables().stream().filter(TablePattern::isWholeSchema).forEach(t -> schemas.add(t.schema()));
    }
    try (PreparedStatement st = db.prepareStatement("SELECT n.nspname FROM pg_publication_namespace pn"
        + " JOIN pg_namespace n ON n.oid = pn.pnnspid JOIN pg_publication p ON p.oid = pn.pnpubid WHERE p.pubname = ?")) {
      st.setString(1, source.publication());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          schemas.add(rs.getString(1));
        }
      }
    }
    return schemas;
  }

  static CheckResult walLevelVerdict(String walLevel) {
    if ("logical".equals(walLevel)) {
      return ok("wal_level = logical");
    }
    return fail("wal_level = " + walLevel + ", logical decoding needs logical",
        "ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
  }

  static CheckResult privilegeVerdict(String user, boolean superuser, boolean replication) {
    if (superuser) {
      return ok("role " + user + " is a superuser (may replicate)");
    }
    if (replication) {
      return ok("role " + user + " has the REPLICATION privilege");
    }
    return fail("role " + user + " lacks the REPLICATION privilege",
        "ALTER ROLE " + quoteIdent(user) + " REPLICATION; (as a superuser)");
  }

  static CheckResult walSendersVerdict(int max, int inUse) {
    if (inUse < max) {
      return ok("max_wal_senders = " + max + ", " + (max - inUse) + " free for pgcdc's replication connection");
    }
    return fail("all " + max + " WAL senders (max_wal_senders) are in use: pgcdc cannot open its replication connection",
        "stop an unused replication client, or raise max_wal_senders and restart PostgreSQL");
  }

  static CheckResult slotVerdict(String name, Optional<SlotState> slot, boolean create, int freeSlots, String database) {
    return slotVerdict(name, slot, create, false, freeSlots, database);
  }

  /**
   * With {@code snapshot} ({@code source.snapshot: initial}) a missing slot needs two free slots: the
   * snapshot's temporary one is still there when the slot is created from it.
   */
  static CheckResult slotVerdict(String name, Optional<SlotState> slot, boolean create, boolean snapshot,
      int freeSlots, String database) {
    if (slot.isEmpty()) {
      if (!create) {
        return fail("slot " + name + " does not exist and source.create is false",
            "pgcdc slot create --config FILE, or set source.create: true");
      }
      if (freeSlots <= 0) {
        return fail("slot " + name + " does not exist and every replication slot is in use (max_replication_slots)",
            "drop an unused slot (pgcdc slot drop) or raise max_replication_slots and restart PostgreSQL");
      }
      if (snapshot && freeSlots < 2) {
        return fail("slot " + name + " does not exist and source.snapshot: initial needs two free replication slots"
            + " (a temporary one while the snapshot is read), " + freeSlots + " free (max_replication_slots)",
            "drop an unused slot (pgcdc slot drop) or raise max_replication_slots and restart PostgreSQL");
      }
      return ok("slot " + name + " does not exist yet; pgcdc creates it at start" + (snapshot
          ? ", after an initial snapshot of the published tables" : "") + " (" + freeSlots + " slots free)");
    }
    SlotState s = slot.get();
    if (!"logical".equals(s.slotType()) || !"pgoutput".equals(s.plugin())) {
      return fail("slot " + name + " is a " + s.slotType() + " slot with plugin " + s.plugin() + ", pgcdc needs pgoutput",
          "choose another source.slot, or drop this one if nothing uses it: pgcdc slot drop --config FILE");
    }
    if (!database.equals(s.database())) {
      return fail("slot " + name + " belongs to database " + s.database() + ", not " + database,
          "point source.url at database " + s.database() + " or choose another source.slot");
    }
    if (s.invalidated()) {
      return fail("slot " + name + " is invalidated (wal_status=" + s.walStatus()
              + (s.conflicting() ? ", conflicting" : "") + "): the WAL it needed is gone and events may have been lost",
          "pgcdc slot drop --config FILE, then resynchronise consumers and let pgcdc create the slot again");
    }
    if (s.twoPhase()) {
      return fail("slot " + name + " has two_phase = true: PostgreSQL decodes prepared transactions from it at PREPARE"
          + " TRANSACTION, which pgcdc does not support yet", twoPhaseFix(name, s.confirmedFlushLsn()));
    }
    String where = "slot " + name + " exists (pgoutput, confirmed_flush_lsn " + Lsn.format(s.confirmedFlushLsn())
        + ", lag " + s.lagBytes() + " bytes, wal_status " + s.walStatus() + ")";
    if (s.active()) {
      return warn(where + " and is in use by pid " + s.activePid(),
          "only one reader can use a slot: stop the other reader, or it is the running pgcdc leader");
    }
    return ok(where);
  }

  /**
   * How to leave a two_phase slot, for the preflight and for the reader that meets a prepared
   * transaction anyway. A new slot starts where the WAL is when it is created, so what was committed
   * after {@code deliveredUpTo} (this slot's position) and before then must be re-synced by hand.
   */
  public static String twoPhaseFix(String slot, long deliveredUpTo) {
    return "point source.slot at a new name (pgcdc creates that slot without two_phase at start, or run pgcdc slot"
        + " create), re-sync from the source tables what was committed after " + Lsn.format(deliveredUpTo)
        + " and before the new slot was created, then drop this one: SELECT pg_drop_replication_slot('" + slot + "');";
  }

  static CheckResult publicationVerdict(String name, Optional<PublicationInfo> publication, boolean create,
                                        boolean superuser, boolean mayCreate, String user, String database) {
    if (publication.isPresent()) {
      PublicationInfo p = publication.get();
      if (!p.missingOperations().isEmpty()) {
        return warn("publication " + name + " does not publish " + p.missingOperations() + ": those changes never reach pgcdc",
            "ALTER PUBLICATION " + quoteIdent(name) + " SET (publish = 'insert, update, delete, truncate');");
      }
      if (create && !superuser && !p.ownedByUser()) {
        return fail("publication " + name + " is owned by " + p.owner() + ": role " + user
                + " cannot align it with source.tables at start",
            "ALTER PUBLICATION " + quoteIdent(name) + " OWNER TO " + quoteIdent(user) + "; or set source.create: false");
      }
      return ok("publication " + name + " exists (" + p.tables() + " tables; "
          + (create ? "pgcdc aligns it with source.tables at start)" : "used as it is: source.create is false)"));
    }
    if (!create) {
      return fail("publication " + name + " does not exist and source.create is false",
          "CREATE PUBLICATION " + quoteIdent(name) + " FOR TABLE ...; or set source.create: true");
    }
    if (!mayCreate) {
      return fail("publication " + name + " does not exist and role " + user + " may not create it",
          "GRANT CREATE ON DATABASE " + quoteIdent(database) + " TO " + quoteIdent(user) + "; (and own the tables)");
    }
    return ok("publication " + name + " does not exist yet; pgcdc creates it at start");
  }

  /**
   * One verdict per pattern that matches nothing, one per table without a usable key, one per
   * partitioned table saying under which name its rows arrive, one summary.
   */
  static List<CheckResult> tableVerdicts(List<TablePattern> patterns, List<List<TableInfo>> matches, String database,
      boolean viaPartitionRoot) {
    List<CheckResult> results = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < patterns.size(); i++) {
      TablePattern pattern = patterns.get(i);
      List<TableInfo> tables = matches.get(i);
      total += tables.size();
      if (tables.isEmpty() && pattern.isExact()) {
        results.add(fail("table " + pattern + " (source.tables) does not exist in database " + database,
            "create it, or correct source.tables"));
      } else if (tables.isEmpty()) {
        results.add(warn("source.tables pattern " + pattern + " matches no table in database " + database + " yet",
            "create the tables, or correct source.tables"));
      }
      for (TableInfo t : tables) {
        if (t.replicaIdentity() == 'n' || (t.replicaIdentity() == 'd' && !t.hasPrimaryKey())) {
          String identity = t.replicaIdentity() == 'n' ? "REPLICA IDENTITY NOTHING" : "no primary key and REPLICA IDENTITY DEFAULT";
          results.add(warn("table " + t.qualifiedName() + " has " + identity
                  + ": its updates and deletes carry no key (and fail while it is published)",
              "ALTER TABLE " + t.qualifiedName() + " REPLICA IDENTITY FULL;"));
        }
        if (t.partitioned()) {
          results.add(partitionedVerdict(t.qualifiedName(), viaPartitionRoot));
        }
      }
    }
    if (total > 0) {
      results.add(0, ok(total + (total == 1 ? " table matches" : " tables match") + " source.tables " + patterns));
    }
    return results;
  }

  /** Not a problem either way; says which name a partitioned table's rows are published under. */
  static CheckResult partitionedVerdict(String table, boolean viaPartitionRoot) {
    return viaPartitionRoot
        ? ok("table " + table + " is partitioned: its rows are published as " + table
            + ", a TRUNCATE of a single partition is not published (source.publish_via_partition_root: true)")
        : ok("table " + table + " is partitioned: its rows are published as its partitions, each under its own name"
            + " (source.publish_via_partition_root: false)");
  }

  private List<CheckResult> tableVerdicts() throws SQLException {
    List<List<TableInfo>> matches = new ArrayList<>();
    for (TablePattern pattern : source.tables()) {
      matches.add(matchingTables(db, pattern));
    }
    return tableVerdicts(source.tables(), matches, text("SELECT current_database()"), source.publishViaPartitionRoot());
  }

  /**
   * The ordinary and partitioned tables (not partitions, not system schemas) that {@code pattern}
   * matches, by schema and name; also what {@code SourceSetup} puts in the publication.
   */
  public static List<TableInfo> matchingTables(Connection db, TablePattern pattern) throws SQLException {
    String sql = "SELECT format('%I.%I', n.nspname, c.relname), c.relreplident::text,"
        + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary), c.relkind = 'p'"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
        + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
        + " AND n.nspname LIKE ? AND c.relname LIKE ? ORDER BY n.nspname, c.relname";
    List<TableInfo> tables = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(sql)) {
      st.setString(1, pattern.schemaLike());
      st.setString(2, pattern.tableLike());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          tables.add(new TableInfo(rs.getString(1), rs.getString(2).charAt(0), rs.getBoolean(3), rs.getBoolean(4)));
        }
      }
    }
    return tables;
  }

  private Optional<PublicationInfo> publication() throws SQLException {
    String sql = "SELECT (SELECT count(*)::int FROM pg_publication_tables t WHERE t.pubname = p.pubname),"
        + " pg_get_userbyid(p.pubowner), p.pubowner = (SELECT oid FROM pg_roles WHERE rolname = current_user),"
        + " concat_ws(', ', CASE WHEN NOT p.pubinsert THEN 'insert' END, CASE WHEN NOT p.pubupdate THEN 'update' END,"
        + " CASE WHEN NOT p.pubdelete THEN 'delete' END, CASE WHEN NOT p.pubtruncate THEN 'truncate' END)"
        + " FROM pg_publication p WHERE p.pubname = ?";
    try (PreparedStatement st = db.prepareStatement(sql)) {
      st.setString(1, source.publication());
      try (ResultSet rs = st.executeQuery()) {
        return rs.next()
            ? Optional.of(new PublicationInfo(rs.getInt(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)))
            : Optional.empty();
      }
    }
  }

  private String text(String sql) throws SQLException {
    try (PreparedStatement st = db.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private boolean bool(String sql) throws SQLException {
    String value = text(sql);
    return "t".equals(value) || "true".equals(value);
  }

  private int integer(String sql) throws SQLException {
    return Integer.parseInt(text(sql));
  }

  /** Double-quotes an identifier when PostgreSQL would not read it back unchanged. */
  static String quoteIdent(String name) {
    return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
