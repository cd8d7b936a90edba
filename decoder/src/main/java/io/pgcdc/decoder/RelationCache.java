package io.pgcdc.decoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Relations and types announced in the current replication session, keyed by OID. pgoutput
 * sends a Relation before the first change of a table in a session and again whenever the table's
 * definition changes, so the cache must be {@link #clear() cleared} when a new session starts.
 *
 * <p>Not thread-safe: owned by one {@link PgOutputDecoder}. The {@link Relation} and
 * {@link PgTypeInfo} values are immutable and may be shared.
 */
public final class RelationCache {
  private final IntObjectMap<Relation> relations = new IntObjectMap<>(64);
  private final IntObjectMap<PgTypeInfo> types = new IntObjectMap<>(16);

  /** The relation with this OID, or {@code null} when none was announced. Allocation-free. */
  public Relation relation(int relationId) {
    return relations.get(relationId);
  }

  /** The type announced with this OID, or {@code null} (builtin types are never announced). */
  public PgTypeInfo type(int oid) {
    return types.get(oid);
  }

  /**
   * Stores a relation, replacing the entry with the same id.
   *
   * @return true when the relation is new or differs from the entry it replaces
   */
  public boolean put(Relation relation) {
    Relation old = relations.put(relation.id(), relation);
    return old == null || old != relation && !old.equals(relation);
  }

  /** Stores a type, replacing the entry with the same OID. */
  public void put(PgTypeInfo type) {
    types.put(type.oid(), type);
  }

  public int relationCount() {
    return relations.size();
  }

  /** A snapshot of the cached relations (allocates; for tools and status). */
  public List<Relation> relations() {
    List<Relation> list = new ArrayList<>(relations.size());
    relations.forEachValue(list::add);
    return list;
  }

  /** Forgets everything: call when a new replication session starts. */
  public void clear() {
    relations.clear();
    types.clear();
  }
}
