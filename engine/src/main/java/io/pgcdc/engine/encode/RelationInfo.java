package io.pgcdc.engine.encode;

import com.fasterxml.jackson.core.io.SerializedString;
import io.pgcdc.decoder.Relation;

/**
 * What the encoder precomputes once per relation version: column names as pre-encoded JSON
 * names, which columns form the key, nullability, and the routing keys per op.
 *
 * <p>The key is what {@link Catalog#columns} says: the columns pgoutput flags as replica identity,
 * except under REPLICA IDENTITY FULL (every column flagged, which would make the whole row the
 * "key") or NOTHING, where the primary key is used when the table has one.
 *
 * <p>Immutable after construction but for {@link #schemaPending}; encode thread only.
 */
final class RelationInfo {
  private static final String OPS = "IUDTR";

  final Relation relation;
  final SerializedString[] names;
  final boolean[] key;
  final boolean[] notNull;
  final String schemaRoutingKey;
  private final String[] routingKeys = new String[OPS.length()];
  /** Set when this relation version arrived; cleared when its schema event is written before its first change. */
  boolean schemaPending;

  RelationInfo(Relation relation, boolean[] key, boolean[] notNull, RoutingKeyTemplate template) {
    this.relation = relation;
    this.key = key;
    this.notNull = notNull;
    int n = relation.columnCount();
    this.names = new SerializedString[n];
    for (int i = 0; i < n; i++) {
      names[i] = new SerializedString(relation.column(i).name());
    }
    for (int i = 0; i < OPS.length(); i++) {
      routingKeys[i] = template.expand(relation.namespace(), relation.name(), OPS.charAt(i));
    }
    this.schemaRoutingKey = RoutingKeyTemplate.schemaKey(relation.namespace(), relation.name());
  }

  /** Routing key for op {@code I}, {@code U}, {@code D}, {@code T} or {@code R}. */
  String routingKey(byte op) {
    return routingKeys[OPS.indexOf(op)];
  }
}
