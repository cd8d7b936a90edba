package io.pgcdc.decoder;

/**
 * Delete ({@code 'D'}): {@code [Int32 xid in a stream] Int32 relid, 'K'|'O', TupleData}.
 * {@code 'K'}: the replica identity columns (others NULL); {@code 'O'}: the whole row
 * (REPLICA IDENTITY FULL). Tables with REPLICA IDENTITY NOTHING (or DEFAULT without a primary
 * key) publish no deletes. Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class DeleteDecoder {
  private final TupleDecoder oldTuple = new TupleDecoder();
  private Relation relation;
  private char oldTupleKind;

  /** Instances belong to a {@link PgOutputDecoder}. */
  DeleteDecoder() {
  }

  void decode(MessageCursor c, RelationCache cache) {
    relation = RowMessages.relation(c, cache);
    int markerAt = c.position();
    int marker = c.uint8("tuple marker");
    if (marker != UpdateDecoder.OLD_KEY && marker != UpdateDecoder.OLD_ROW) {
      throw c.malformedAt("expected tuple marker 'K' or 'O', found 0x" + Integer.toHexString(marker), markerAt);
    }
    oldTuple.decode(c, relation.columnCount());
    oldTupleKind = (char) marker;
  }

  public int relationId() {
    return relation.id();
  }

  public Relation relation() {
    return relation;
  }

  /** {@link UpdateDecoder#OLD_KEY} or {@link UpdateDecoder#OLD_ROW}. */
  public char oldTupleKind() {
    return oldTupleKind;
  }

  public TupleDecoder oldTuple() {
    return oldTuple;
  }
}
