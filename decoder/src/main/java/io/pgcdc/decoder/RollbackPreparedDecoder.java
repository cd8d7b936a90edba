package io.pgcdc.decoder;

/**
 * Rollback Prepared ({@code 'r'}, protocol 3+): {@code Int8 flags, Int64 prepare_end_lsn,
 * Int64 rollback_end_lsn, Int64 prepare_time, Int64 rollback_time, Int32 xid, String gid}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class RollbackPreparedDecoder extends TwoPhaseDecoder {
  /** Instances belong to a {@link PgOutputDecoder}. */
  RollbackPreparedDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(1, "flags");
    c.skip(8, "prepare_end_lsn");
    c.skip(8, "rollback_end_lsn");
    c.skip(8, "prepare_time");
    c.skip(8, "rollback_time");
    xidAndGid(c);
  }

  public int flags() {
    return Bytes.uint8(buffer, offset);
  }

  public long prepareEndLsn() {
    return Bytes.int64(buffer, offset + 1);
  }

  public long rollbackEndLsn() {
    return Bytes.int64(buffer, offset + 9);
  }

  public long prepareTime() {
    return Bytes.int64(buffer, offset + 17);
  }

  public long rollbackTime() {
    return Bytes.int64(buffer, offset + 25);
  }
}
