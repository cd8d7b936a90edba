package io.pgcdc.decoder;

/**
 * Stream Abort ({@code 'A'}, protocol 2+): {@code Int32 xid, Int32 subxid}, and with protocol 4
 * and {@code streaming 'parallel'} also {@code Int64 abort_lsn, Int64 abort_time}. The decoder
 * tells the two forms apart by length. When {@code subXid == xid} the whole streamed transaction
 * is aborted, otherwise only that subtransaction. Flyweight, valid until the next
 * {@link PgOutputDecoder#wrap}.
 */
public final class StreamAbortDecoder {
  private byte[] buffer;
  private int offset;
  private boolean hasAbortLsn;

  /** Instances belong to a {@link PgOutputDecoder}. */
  StreamAbortDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(4, "xid");
    c.skip(4, "subxid");
    hasAbortLsn = c.remaining() > 0;
    if (hasAbortLsn) {
      c.skip(8, "abort_lsn");
      c.skip(8, "abort_time");
    }
  }

  public long xid() {
    return Bytes.int32(buffer, offset) & 0xFFFF_FFFFL;
  }

  public long subXid() {
    return Bytes.int32(buffer, offset + 4) & 0xFFFF_FFFFL;
  }

  /** True when the whole transaction aborts, false when only a subtransaction does. */
  public boolean wholeTransaction() {
    return xid() == subXid();
  }

  /** True when the v4 abort LSN and time are present. */
  public boolean hasAbortLsn() {
    return hasAbortLsn;
  }

  /** The abort record's LSN, {@link Lsn#INVALID} when absent. */
  public long abortLsn() {
    return hasAbortLsn ? Bytes.int64(buffer, offset + 8) : Lsn.INVALID;
  }

  /** Abort time (microseconds since 2000-01-01), 0 when absent. */
  public long abortTime() {
    return hasAbortLsn ? Bytes.int64(buffer, offset + 16) : 0L;
  }
}
