package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;

/**
 * What the four two-phase messages (Begin Prepare, Prepare, Commit Prepared, Rollback Prepared)
 * share: fixed-width fields, then {@code Int32 xid, String gid}. Subclasses name the fixed fields;
 * this class reads and exposes the tail. Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
abstract class TwoPhaseDecoder {
  /** The message's bytes and where its first field starts; subclasses read their fields from here. */
  byte[] buffer;
  int offset;
  private int xidOffset;
  private int gidLength;

  /** Reads the {@code Int32 xid} and the NUL-terminated {@code gid} that end the message. */
  final void xidAndGid(MessageCursor c) {
    xidOffset = c.skip(4, "xid");
    gidLength = c.string("gid");
  }

  public final long xid() {
    return Bytes.int32(buffer, xidOffset) & 0xFFFF_FFFFL;
  }

  public final int gidOffset() {
    return xidOffset + 4;
  }

  public final int gidLength() {
    return gidLength;
  }

  /** The global transaction id given to PREPARE TRANSACTION (allocates). */
  public final String gid() {
    return new String(buffer, gidOffset(), gidLength, StandardCharsets.UTF_8);
  }
}
