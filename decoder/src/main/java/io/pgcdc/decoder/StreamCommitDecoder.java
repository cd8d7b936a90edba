package io.pgcdc.decoder;

/**
 * Stream Commit ({@code 'c'}, protocol 2+): {@code Int32 xid}, then the {@link CommitDecoder}
 * fields. Publish the streamed transaction with this xid now. Flyweight, valid until the next
 * {@link PgOutputDecoder#wrap}.
 */
public final class StreamCommitDecoder extends CommitDecoder {
  private int xidOffset;

  /** Instances belong to a {@link PgOutputDecoder}. */
  StreamCommitDecoder() {
  }

  @Override
  void decode(MessageCursor c) {
    xidOffset = c.skip(4, "xid");
    super.decode(c);
  }

  /** The top-level transaction id that was streamed. */
  public long xid() {
    return Bytes.int32(buffer, xidOffset) & 0xFFFF_FFFFL;
  }
}
