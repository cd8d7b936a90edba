package io.pgcdc.decoder;

/**
 * Stream Start ({@code 'S'}, protocol 2+): {@code Int32 xid, Int8 first_segment}. Until the
 * matching Stream Stop, data messages carry the (sub)transaction xid
 * ({@link PgOutputDecoder#streamXid()}). Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class StreamStartDecoder {
  private byte[] buffer;
  private int offset;

  /** Instances belong to a {@link PgOutputDecoder}. */
  StreamStartDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(4, "xid");
    c.skip(1, "first_segment");
  }

  /** The streamed top-level transaction. */
  public long xid() {
    return Bytes.int32(buffer, offset) & 0xFFFF_FFFFL;
  }

  /** True for the first segment of this transaction's stream. */
  public boolean firstSegment() {
    return Bytes.uint8(buffer, offset + 4) == 1;
  }
}
