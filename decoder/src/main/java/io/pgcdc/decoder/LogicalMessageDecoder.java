package io.pgcdc.decoder;

/**
 * Message ({@code 'M'}, from {@code pg_logical_emit_message}; needs pgoutput option
 * {@code messages 'true'}): {@code [Int32 xid in a stream] Int8 flags, Int64 lsn, String prefix,
 * Int32 length, Byte[length] content}. Flags bit 1: transactional. Non-transactional messages
 * arrive outside any Begin/Commit. Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class LogicalMessageDecoder {
  private final StringCache prefixes;
  private byte[] buffer;
  private int offset;
  private int prefixLength;
  private int contentOffset;
  private int contentLength;

  LogicalMessageDecoder(StringCache prefixes) {
    this.prefixes = prefixes;
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(1, "flags");
    c.skip(8, "lsn");
    prefixLength = c.string("prefix");
    contentLength = c.length("content length");
    contentOffset = c.skip(contentLength, "content");
  }

  public int flags() {
    return Bytes.uint8(buffer, offset);
  }

  public boolean transactional() {
    return (flags() & 1) != 0;
  }

  /** LSN of the message. */
  public long lsn() {
    return Bytes.int64(buffer, offset + 1);
  }

  public byte[] buffer() {
    return buffer;
  }

  public int prefixOffset() {
    return offset + 9;
  }

  public int prefixLength() {
    return prefixLength;
  }

  /** The prefix; repeated prefixes come from a small cache instead of a new String. */
  public String prefix() {
    return prefixes.get(buffer, offset + 9, prefixLength);
  }

  public int contentOffset() {
    return contentOffset;
  }

  public int contentLength() {
    return contentLength;
  }
}
