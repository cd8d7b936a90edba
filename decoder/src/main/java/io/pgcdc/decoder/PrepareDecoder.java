package io.pgcdc.decoder;

/**
 * Prepare ({@code 'P'}) and Stream Prepare ({@code 'p'}), protocol 3+:
 * {@code Int8 flags, Int64 prepare_lsn, Int64 end_lsn, Int64 prepare_time, Int32 xid, String gid}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class PrepareDecoder extends TwoPhaseDecoder {
  /** Instances belong to a {@link PgOutputDecoder}. */
  PrepareDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(1, "flags");
    c.skip(8, "prepare_lsn");
    c.skip(8, "end_lsn");
    c.skip(8, "prepare_time");
    xidAndGid(c);
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
}
