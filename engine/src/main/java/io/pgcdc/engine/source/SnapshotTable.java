package io.pgcdc.engine.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of the publication as pgoutput would describe it in a Relation message: the columns
 * pgoutput sends (not dropped, not generated) in {@code attnum} order, flagged as key the way
 * pgoutput flags them (every column under REPLICA IDENTITY FULL, the primary key's under DEFAULT,
 * the index's under USING INDEX, none under NOTHING). Read inside the snapshot's transaction, so
 * the columns are those of the snapshot.
 *
 * <p>No column lists or row filters (PostgreSQL 15 publications): pgcdc snapshots only when it
 * manages the publication ({@code source.create}), and the table lists it sets have neither.
 */
record SnapshotTable(int oid, String schema, String name, boolean partitioned, byte replicaIdentity,
                     List<Column> columns) {

  /** One column of the Relation message. */
  record Column(String name, int typeOid, int typmod, boolean key) {}

  /** The tables {@code publication} publishes (as pgoutput names them: roots or leaves), by name. */
  static List<SnapshotTable> of(Connection c, String publication) throws SQLException {
    String sql = "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relreplident"
        + " FROM pg_publication_tables pt JOIN pg_namespace n ON n.nspname = pt.schemaname"
        + " JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename"
        + " WHERE pt.pubname = ? ORDER BY n.nspname, c.relname";
    List<SnapshotTable> tables = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, publication);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          byte identity = (byte) r.getString(5).charAt(0);
          tables.add(new SnapshotTable(r.getInt(1), r.getString(2), r.getString(3), "p".equals(r.getString(4)),
              identity, List.of()).withColumns(c));
        }
      }
    }
    return tables;
  }

  private SnapshotTable withColumns(Connection c) throws SQLException {
    String sql = "SELECT a.attname, a.atttypid, a.atttypmod, EXISTS (SELECT 1 FROM pg_index i"
        + " WHERE i.indrelid = a.attrelid AND a.attnum = ANY (i.indkey)"
        + " AND CASE ? WHEN 'd' THEN i.indisprimary WHEN 'i' THEN i.indisreplident ELSE false END)"
        + " FROM pg_attribute a WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped"
        + (c.getMetaData().getDatabaseMajorVersion() >= 12 ? " AND a.attgenerated = ''" : "")
        + " ORDER BY a.attnum";
    List<Column> list = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, String.valueOf((char) replicaIdentity));
      s.setInt(2, oid);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          list.add(new Column(r.getString(1), r.getInt(2), r.getInt(3), replicaIdentity == 'f' || r.getBoolean(4)));
        }
      }
    }
    return new SnapshotTable(oid, schema, name, partitioned, replicaIdentity, List.copyOf(list));
  }

  /**
   * The COPY that reads the table's rows as pgoutput would send them: its columns' text output, from
   * the table alone ({@code ONLY}: an inheritance child is a table of its own), or from all partitions
   * of a partitioned table published as its root.
   */
  String copySql() {
    StringBuilder sql = new StringBuilder("COPY (SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(SourceSetup.ident(columns.get(i).name()));
    }
    sql.append(" FROM ").append(partitioned ? "" : "ONLY ").append(SourceSetup.ident(schema)).append('.')
        .append(SourceSetup.ident(name));
    return sql.append(") TO STDOUT").toString();
  }

  @Override
  public String toString() {
    return schema + "." + name + Arrays.toString(columns.stream().map(Column::name).toArray());
  }
}
