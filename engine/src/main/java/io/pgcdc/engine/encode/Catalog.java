package io.pgcdc.engine.encode;

import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.json.TypeCatalog;
import io.pgcdc.decoder.json.TypeRegistry;
import io.pgcdc.engine.source.ReplicationConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catalog facts pgoutput does not carry: non-builtin types (enums, domains, composites, ranges)
 * for the value renderer, and per table the primary key and NOT NULL columns for keys and schema
 * events. Asked only when a relation is new or changed, or an unknown type OID appears.
 *
 * <p>The catalog is read as of now, not as of the change being decoded; after a later ALTER TABLE
 * a schema event can show nullability one step ahead. A lookup that fails is logged and the
 * defaults apply (no key override, all nullable): metadata never stops the stream.
 *
 * <p>{@link #offline()} never connects (the pipeline benchmark, tests): built-in types only, the key
 * as pgoutput flags it, no NOT NULL facts.
 *
 * <p>Threading: encode thread only; keeps one SQL connection, reopened after a failure.
 */
final class Catalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
  /** pg_class.relreplident of REPLICA IDENTITY USING INDEX, as the Relation message carries it. */
  private static final char REPLICA_IDENTITY_INDEX = 'i';

  /** Null for an {@link #offline()} catalog. */
  private final ReplicationConnections connections;
  private Connection connection;

  Catalog(ReplicationConnections connections) {
    this.connections = connections;
  }

  /** A catalog without a database: every lookup answers with what pgoutput sent. */
  static Catalog offline() {
    return new Catalog(null);
  }

  /**
   * Loads every non-builtin type into {@code types}: true when one was new or changed, false when
   * none was or the catalog could not be read.
   */
  boolean loadTypes(TypeRegistry types) {
    if (connections == null) {
      return false;
    }
    try {
      return types.registerAll(query(c -> {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(TypeCatalog.QUERY)) {
          return TypeCatalog.read(r);
        }
      }));
    } catch (SQLException e) {
      failed("reading pg_type", e);
      return false;
    }
  }

  /**
   * Column facts of a relation: NOT NULL, and the key: pgoutput's replica-identity flags, except
   * under REPLICA IDENTITY FULL (pgoutput flags every column) or NOTHING (none), where the primary
   * key, if any, names the row better. Under USING INDEX the flags name that index's columns, the
   * only ones a delete's old tuple carries, so they stay even when the table has a different
   * primary key.
   */
  ColumnFacts columns(Relation relation) {
    int n = relation.columnCount();
    boolean[] key = new boolean[n];
    boolean[] notNull = new boolean[n];
    for (int i = 0; i < n; i++) {
      key[i] = relation.column(i).key();
    }
    if (connections == null) {
      return new ColumnFacts(key, notNull);
    }
    Map<String, boolean[]> byName = new HashMap<>();
    try {
      byName = query(c -> {
        Map<String, boolean[]> facts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
            "SELECT a.attname, a.attnotnull, COALESCE(a.attnum = ANY(i.indkey), false)"
                + " FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary"
                + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
          s.setLong(1, Integer.toUnsignedLong(relation.id()));
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              facts.put(r.getString(1), new boolean[] {r.getBoolean(2), r.getBoolean(3)});
            }
          }
        }
        return facts;
      });
    } catch (SQLException e) {
      failed("reading pg_attribute of " + relation.namespace() + "." + relation.name(), e);
    }
    boolean usePrimaryKey = relation.replicaIdentity() != REPLICA_IDENTITY_INDEX
        && byName.values().stream().anyMatch(f -> f[1]);
    for (int i = 0; i < n; i++) {
      boolean[] facts = byName.get(relation.column(i).name());
      if (facts != null) {
        notNull[i] = facts[0];
        if (usePrimaryKey) {
          key[i] = facts[1];
        }
      }
    }
    return new ColumnFacts(key, notNull);
  }

  record ColumnFacts(boolean[] key, boolean[] notNull) {}

  /** A catalog query; the connection's own work, so it may throw what JDBC throws. */
  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code query} on the kept connection, and once more on a new one when that fails: the
   * server may have ended the idle connection since its last use ({@code idle_session_timeout}, a
   * restart, a pooler), which only shows when it is used. Without the retry the relation's key and
   * NOT NULL facts silently fell back to pgoutput's flags (under REPLICA IDENTITY FULL: the whole
   * row as the key).
   */
  private <T> T query(Query<T> query) throws SQLException {
    boolean reused = connection != null;
    try {
      return query.run(connection());
    } catch (SQLException e) {
      if (!reused) {
        throw e;
      }
      LOG.debug("catalog connection failed ({}); reconnecting once", e.getMessage());
      close();
      return query.run(connection());
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = connections.sql();
    }
    return connection;
  }

  private void failed(String what, SQLException e) {
    LOG.warn("{} failed ({}); continuing with what pgoutput sent", what, e.getMessage());
    close();
  }

  @Override
  public void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // Closing a catalog connection that already failed.
    }
    connection = null;
  }
}
