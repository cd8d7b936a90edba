package io.pgcdc.decoder;

/**
 * Begin Prepare ({@code 'b'}, protocol 3+, slot created with {@code two_phase}):
 * {@code Int64 prepare_lsn, Int64 end_lsn, Int64 prepare_time, Int32 xid, String gid}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class BeginPrepareDecoder extends TwoPhaseDecoder {
  /** Instances belong to a {@link PgOutputDecoder}. */
  BeginPrepareDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(8, "prepare_lsn");
    c.skip(8, "end_lsn");
    c.skip(8, "prepare_time");
    xidAndGid(c);
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
}
