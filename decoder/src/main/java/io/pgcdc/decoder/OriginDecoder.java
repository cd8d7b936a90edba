package io.pgcdc.decoder;

/**
 * Origin ({@code 'O'}): {@code Int64 origin_commit_lsn, String name}; sent after Begin for
 * transactions replicated from another node. Flyweight, valid until the next
 * {@link PgOutputDecoder#wrap}.
 */
public final class OriginDecoder {
  private final StringCache names;
  private byte[] buffer;
  private int offset;
  private int nameLength;

  OriginDecoder(StringCache names) {
    this.names = names;
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(8, "origin commit_lsn");
    nameLength = c.string("origin name");
  }

  /** Commit LSN on the origin server. */
  public long originLsn() {
    return Bytes.int64(buffer, offset);
  }

  public int nameOffset() {
    return offset + 8;
  }

  public int nameLength() {
    return nameLength;
  }

  /** The origin name; repeated names come from a small cache instead of a new String. */
  public String name() {
    return names.get(buffer, offset + 8, nameLength);
  }
}
