package io.pgcdc.decoder;

/**
 * Insert ({@code 'I'}): {@code [Int32 xid in a stream] Int32 relid, 'N', TupleData}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class InsertDecoder {
  private final TupleDecoder newTuple = new TupleDecoder();
  private Relation relation;

  /** Instances belong to a {@link PgOutputDecoder}. */
  InsertDecoder() {
  }

  void decode(MessageCursor c, RelationCache cache) {
    relation = RowMessages.relation(c, cache);
    RowMessages.expectMarker(c, 'N');
    newTuple.decode(c, relation.columnCount());
  }

  public int relationId() {
    return relation.id();
  }

  /** The relation from the cache, as of this message. */
  public Relation relation() {
    return relation;
  }

  public TupleDecoder newTuple() {
    return newTuple;
  }
}
