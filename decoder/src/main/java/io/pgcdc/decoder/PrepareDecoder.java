package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;

/**
 * Prepare ({@code 'P'}) and Stream Prepare ({@code 'p'}), protocol 3+:
 * {@code Int8 flags, Int64 prepare_lsn, Int64 end_lsn, Int64 prepare_time, Int32 xid, String gid}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class PrepareDecoder {
  private byte[] buffer;
  private int offset;
  private int gidLength;

  /** Instances belong to a {@link PgOutputDecoder}. */
  PrepareDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(1, "flags");
    c.skip(8, "prepare_lsn");
    c.skip(8, "end_lsn");
    c.skip(8, "prepare_time");
    c.skip(4, "xid");
    gidLength = c.string("gid");
  }

  public int flags() {
    return Bytes.uint8(buffer, offset);
  }

  public long prepareLsn() {
    return Bytes.int64(buffer, offset + 1);
  }

  public long endLsn() {
    return Bytes.int64(buffer, offset + 9);
  }

  public long prepareTime() {
    return Bytes.int64(buffer, offset + 17);
  }

  public long xid() {
    return Bytes.int32(buffer, offset + 25) & 0xFFFF_FFFFL;
  }

  public int gidOffset() {
    return offset + 29;
  }

  public int gidLength() {
    return gidLength;
  }

  /** The global transaction id (allocates). */
  public String gid() {
    return new String(buffer, gidOffset(), gidLength, StandardCharsets.UTF_8);
  }
}
