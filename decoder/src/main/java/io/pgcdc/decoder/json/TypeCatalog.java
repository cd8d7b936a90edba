package io.pgcdc.decoder.json;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalog query that describes every non-built-in type (enums, domains, composites and
 * table row types, ranges, extension types, and the arrays of all of them), and the reader
 * that turns its rows into {@link PgType}s for {@link TypeRegistry#registerAll}.
 *
 * <p>The decoder does no I/O: the engine runs {@link #QUERY} on an ordinary (non-replication)
 * JDBC connection to the source database and hands the {@link ResultSet} to {@link #read}.
 * It should do so at start, and again whenever a Relation or Type message names a type OID
 * that {@link TypeRegistry#knows} does not know (a type created while streaming); re-registering
 * a known type replaces it (e.g. after {@code ALTER TYPE ... ADD ATTRIBUTE}).
 *
 * <p>A table's row type is left out until some column uses it (or an array of it); the reload
 * on an unknown OID picks it up then. A Type message for a type already known means its
 * definition may have changed (pgoutput re-sends Type with the Relation after DDL): reloading
 * then too keeps composite attributes current; with stale attributes a composite value renders
 * as its text (see {@link ValueRenderer}), never wrong JSON.
 *
 * <p>The query works on PostgreSQL 10 and later. {@code oid >= 10000} includes the types
 * {@code initdb} creates outside {@code pg_catalog} (e.g. {@code information_schema}'s
 * domains), whose OIDs differ between installations.
 *
 * <p>Stateless; thread-safe.
 */
public final class TypeCatalog {

  /**
   * Describes every type with OID {@code >= 10000}, except the row types of tables, views and
   * the like that no column uses (every table has one, so in a large database they would be
   * most of the result for nothing); columns in {@link #read}'s order.
   */
  public static final String QUERY = """
      WITH used AS (
        SELECT DISTINCT atttypid AS oid FROM pg_attribute WHERE attnum > 0 AND NOT attisdropped)
      SELECT t.oid::int8 AS oid, n.nspname, t.typname, t.typtype, t.typcategory,
             CASE WHEN t.typlen = -1 THEN t.typelem ELSE 0 END::int8 AS element_oid,
             t.typbasetype::int8 AS base_oid, t.typdelim,
             ARRAY(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum) AS attribute_names,
             ARRAY(SELECT a.atttypid::int8 FROM pg_attribute a
                   WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum) AS attribute_types
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_class r ON r.oid = t.typrelid
      WHERE t.oid >= 10000 AND t.typtype IN ('b', 'c', 'd', 'e', 'r', 'm')
        AND (t.typtype <> 'c' OR r.relkind = 'c'
             OR t.oid IN (SELECT oid FROM used) OR t.typarray IN (SELECT oid FROM used))
      ORDER BY t.oid""";

  private TypeCatalog() {
  }

  /**
   * Reads every row of a result of {@link #QUERY}.
   *
   * @throws SQLException when the result set does (the caller owns and closes it)
   */
  public static List<PgType> read(ResultSet rows) throws SQLException {
    List<PgType> types = new ArrayList<>();
    while (rows.next()) {
      types.add(new PgType((int) rows.getLong(1), rows.getString(2), rows.getString(3),
          rows.getString(4).charAt(0), rows.getString(5).charAt(0), (int) rows.getLong(6),
          (int) rows.getLong(7), rows.getString(8).charAt(0),
          attributes(rows.getArray(9), rows.getArray(10))));
    }
    return types;
  }

  private static List<PgType.Attribute> attributes(Array names, Array types)
      throws SQLException {
    Object[] nameValues = (Object[]) names.getArray();
    Object[] typeValues = (Object[]) types.getArray();
    List<PgType.Attribute> attributes = new ArrayList<>(nameValues.length);
    for (int i = 0; i < nameValues.length; i++) {
      attributes.add(new PgType.Attribute((String) nameValues[i],
          ((Number) typeValues[i]).intValue()));
    }
    return attributes;
  }
}
