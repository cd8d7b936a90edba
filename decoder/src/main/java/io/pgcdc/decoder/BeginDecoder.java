package io.pgcdc.decoder;

/**
 * Begin ({@code 'B'}): {@code Int64 final_lsn, Int64 commit_time, Int32 xid}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class BeginDecoder {
  private byte[] buffer;
  private int offset;

  /** Instances belong to a {@link PgOutputDecoder}. */
  BeginDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(8, "final_lsn");
    c.skip(8, "commit_time");
    c.skip(4, "xid");
  }

  /** LSN of the transaction's commit record. */
  public long finalLsn() {
    return Bytes.int64(buffer, offset);
  }

  /** Commit time, microseconds since 2000-01-01 UTC ({@link PgTimestamp}). */
  public long commitTime() {
    return Bytes.int64(buffer, offset + 8);
  }

  /** Transaction id (unsigned 32-bit). */
  public long xid() {
    return Bytes.int32(buffer, offset + 16) & 0xFFFF_FFFFL;
  }
}
