package io.pgcdc.decoder;

/**
 * Truncate ({@code 'T'}): {@code [Int32 xid in a stream] Int32 nrels, Int8 options, Int32[nrels] relids}.
 * Options bit 1: CASCADE, bit 2: RESTART IDENTITY. Every relation id must be in the cache
 * (pgoutput announces each one first). Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class TruncateDecoder {
  public static final int CASCADE = 1;
  public static final int RESTART_IDENTITY = 2;

  private RelationCache cache;
  private byte[] buffer;
  private int offset;
  private int relationCount;

  /** Instances belong to a {@link PgOutputDecoder}. */
  TruncateDecoder() {
  }

  void decode(MessageCursor c, RelationCache cache) {
    int countAt = c.position();
    int n = c.int32("relation count");
    if (n < 0) {
      throw c.malformedAt("negative relation count " + n, countAt);
    }
    c.skip(1, "options");
    int ids = c.position();
    for (int i = 0; i < n; i++) {
      int at = c.position();
      int id = c.int32("relation id");
      if (cache.relation(id) == null) {
        c.relationId(id);
        throw c.malformedAt("unknown relation id " + Integer.toUnsignedString(id) + " (relation " + i + " of " + n + ")", at);
      }
    }
    this.cache = cache;
    this.buffer = c.buffer();
    this.offset = ids;
    this.relationCount = n;
  }

  public int relationCount() {
    return relationCount;
  }

  public int relationId(int index) {
    java.util.Objects.checkIndex(index, relationCount);
    return Bytes.int32(buffer, offset + 4 * index);
  }

  /** The cached relation of the {@code index}-th truncated table. */
  public Relation relation(int index) {
    return cache.relation(relationId(index));
  }

  public int options() {
    return Bytes.uint8(buffer, offset - 1);
  }

  public boolean cascade() {
    return (options() & CASCADE) != 0;
  }

  public boolean restartIdentity() {
    return (options() & RESTART_IDENTITY) != 0;
  }
}
