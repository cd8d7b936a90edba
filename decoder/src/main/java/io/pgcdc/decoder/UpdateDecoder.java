package io.pgcdc.decoder;

/**
 * Update ({@code 'U'}): {@code [Int32 xid in a stream] Int32 relid, ['K' TupleData | 'O' TupleData], 'N' TupleData}.
 * The old tuple is there only when the replica identity changed ({@code 'K'}: key columns, others
 * NULL) or under REPLICA IDENTITY FULL ({@code 'O'}: the whole old row). Flyweight, valid until
 * the next {@link PgOutputDecoder#wrap}.
 */
public final class UpdateDecoder {
  /** {@link #oldTupleKind()} when the key changed: the old tuple holds the key columns. */
  public static final char OLD_KEY = 'K';
  /** {@link #oldTupleKind()} under REPLICA IDENTITY FULL: the old tuple holds the whole row. */
  public static final char OLD_ROW = 'O';
  /** {@link #oldTupleKind()} when there is no old tuple. */
  public static final char NO_OLD = 0;

  private final TupleDecoder oldTuple = new TupleDecoder();
  private final TupleDecoder newTuple = new TupleDecoder();
  private Relation relation;
  private char oldTupleKind;

  /** Instances belong to a {@link PgOutputDecoder}. */
  UpdateDecoder() {
  }

  void decode(MessageCursor c, RelationCache cache) {
    relation = RowMessages.relation(c, cache);
    int markerAt = c.position();
    int marker = c.uint8("tuple marker");
    oldTupleKind = NO_OLD;
    if (marker == OLD_KEY || marker == OLD_ROW) {
      oldTuple.decode(c, relation.columnCount());
      oldTupleKind = (char) marker;
      markerAt = c.position();
      marker = c.uint8("tuple marker");
    }
    if (marker != 'N') {
      throw c.malformedAt("expected tuple marker 'K', 'O' or 'N', found 0x" + Integer.toHexString(marker), markerAt);
    }
    newTuple.decode(c, relation.columnCount());
  }

  public int relationId() {
    return relation.id();
  }

  public Relation relation() {
    return relation;
  }

  /** {@link #OLD_KEY}, {@link #OLD_ROW} or {@link #NO_OLD}. */
  public char oldTupleKind() {
    return oldTupleKind;
  }

  public boolean hasOldTuple() {
    return oldTupleKind != NO_OLD;
  }

  /** The old tuple; only meaningful when {@link #hasOldTuple()}. */
  public TupleDecoder oldTuple() {
    return oldTuple;
  }

  public TupleDecoder newTuple() {
    return newTuple;
  }
}
