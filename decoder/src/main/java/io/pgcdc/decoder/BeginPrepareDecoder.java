package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;

/**
 * Begin Prepare ({@code 'b'}, protocol 3+, slot created with {@code two_phase}):
 * {@code Int64 prepare_lsn, Int64 end_lsn, Int64 prepare_time, Int32 xid, String gid}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class BeginPrepareDecoder {
  private byte[] buffer;
  private int offset;
  private int gidLength;

  /** Instances belong to a {@link PgOutputDecoder}. */
  BeginPrepareDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(8, "prepare_lsn");
    c.skip(8, "end_lsn");
    c.skip(8, "prepare_time");
    c.skip(4, "xid");
    gidLength = c.string("gid");
  }

  public long prepareLsn() {
    return Bytes.int64(buffer, offset);
  }

  public long endLsn() {
    return Bytes.int64(buffer, offset + 8);
  }

  public long prepareTime() {
    return Bytes.int64(buffer, offset + 16);
  }

  public long xid() {
    return Bytes.int32(buffer, offset + 24) & 0xFFFF_FFFFL;
  }

  public int gidOffset() {
    return offset + 28;
  }

  public int gidLength() {
    return gidLength;
  }

  /** The global transaction id of PREPARE TRANSACTION (allocates). */
  public String gid() {
    return new String(buffer, gidOffset(), gidLength, StandardCharsets.UTF_8);
  }
}
