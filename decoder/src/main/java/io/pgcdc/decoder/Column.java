package io.pgcdc.decoder;

/**
 * One column of a {@link Relation}, as the Relation message describes it.
 *
 * @param name column name
 * @param typeOid the column's type OID (look non-builtin ones up with {@link RelationCache#type(int)})
 * @param typeModifier {@code atttypmod}, -1 when none
 * @param key part of the replica identity (flag bit 1 on the wire)
 */
public record Column(String name, int typeOid, int typeModifier, boolean key) {
}
