package io.pgcdc.decoder;

import java.util.Arrays;
import java.util.List;

/**
 * A table as the last Relation ({@code 'R'}) message described it. Immutable, so it may be handed
 * to other threads (e.g. through a ring buffer) and kept after the decoder moves on.
 *
 * <pre>
 * Relation: Int32 relid, String namespace, String relname, Int8 replident,
 *           Int16 ncols, ncols x (Int8 flags, String name, Int32 typoid, Int32 typmod)
 * </pre>
 */
public final class Relation {
  /** REPLICA IDENTITY DEFAULT (the primary key, if any). */
  public static final char IDENTITY_DEFAULT = 'd';
  /** REPLICA IDENTITY NOTHING. */
  public static final char IDENTITY_NOTHING = 'n';
  /** REPLICA IDENTITY FULL. */
  public static final char IDENTITY_FULL = 'f';
  /** REPLICA IDENTITY USING INDEX. */
  public static final char IDENTITY_INDEX = 'i';

  private final int id;
  private final String namespace;
  private final String name;
  private final char replicaIdentity;
  private final Column[] columns;
  private final int keyColumnCount;
  /** The message body after the relation id, to tell an identical re-announcement without parsing. */
  private final byte[] wire;

  Relation(int id, String namespace, String name, char replicaIdentity, Column[] columns, byte[] wire) {
    this.id = id;
    this.namespace = namespace;
    this.name = name;
    this.replicaIdentity = replicaIdentity;
    this.columns = columns;
    this.wire = wire;
    int keys = 0;
    for (Column c : columns) {
      keys += c.key() ? 1 : 0;
    }
    this.keyColumnCount = keys;
  }

  /** Creates a relation by hand (tests, tools); decoded ones come from {@link PgOutputDecoder}. */
  public static Relation of(int id, String namespace, String name, char replicaIdentity, List<Column> columns) {
    return new Relation(id, namespace, name, replicaIdentity, columns.toArray(new Column[0]), null);
  }

  /** The relation OID (unsigned on the wire). */
  public int id() {
    return id;
  }

  /** Schema name; pgoutput sends {@code ""} for {@code pg_catalog}. */
  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  /** {@link #IDENTITY_DEFAULT}, {@link #IDENTITY_NOTHING}, {@link #IDENTITY_FULL} or {@link #IDENTITY_INDEX}. */
  public char replicaIdentity() {
    return replicaIdentity;
  }

  public int columnCount() {
    return columns.length;
  }

  public Column column(int index) {
    return columns[index];
  }

  /** An unmodifiable view of the columns. */
  public List<Column> columns() {
    return List.of(columns);
  }

  /** How many columns form the replica identity (0 for a table without key under DEFAULT or NOTHING). */
  public int keyColumnCount() {
    return keyColumnCount;
  }

  boolean sameWire(byte[] buffer, int from, int to) {
    return wire != null && Arrays.equals(wire, 0, wire.length, buffer, from, to);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Relation r && id == r.id && replicaIdentity == r.replicaIdentity
        && namespace.equals(r.namespace) && name.equals(r.name) && Arrays.equals(columns, r.columns);
  }

  @Override
  public int hashCode() {
    return id * 31 + name.hashCode();
  }

  @Override
  public String toString() {
    return "Relation{id=" + Integer.toUnsignedString(id) + ", " + namespace + "." + name
        + ", identity=" + replicaIdentity + ", columns=" + Arrays.toString(columns) + "}";
  }
}
