package io.pgcdc.decoder;

/** Validation steps shared by Insert, Update and Delete. */
final class RowMessages {
  private RowMessages() {
  }

  /** Reads the relation id and resolves it, or fails with "unknown relation id". */
  static Relation relation(MessageCursor c, RelationCache cache) {
    int at = c.position();
    int id = c.int32("relation id");
    c.relationId(id);
    Relation relation = cache.relation(id);
    if (relation == null) {
      throw c.malformedAt("unknown relation id " + Integer.toUnsignedString(id)
          + " (no Relation message for it in this session)", at);
    }
    return relation;
  }

  static void expectMarker(MessageCursor c, char expected) {
    int at = c.position();
    int marker = c.uint8("tuple marker");
    if (marker != expected) {
      throw c.malformedAt("expected tuple marker '" + expected + "', found 0x" + Integer.toHexString(marker), at);
    }
  }
}
