package io.pgcdc.decoder;

/**
 * Bounds-checked forward walk over one message, used while validating it. Every read names the
 * field it wants so that a {@link MalformedMessageException} says what was missing. After the
 * walk succeeds the flyweights read their fields unchecked.
 *
 * <p>Single-threaded; one instance per {@link PgOutputDecoder}, reused for every message.
 */
final class MessageCursor {
  private byte[] buffer;
  private int start;
  private int length;
  private int limit;
  private int position;
  private MessageType type;
  private int relationId;

  void reset(byte[] buffer, int offset, int length) {
    this.buffer = buffer;
    this.start = offset;
    this.length = length;
    this.limit = offset + length;
    this.position = offset;
    this.type = null;
    this.relationId = 0;
  }

  byte[] buffer() {
    return buffer;
  }

  int position() {
    return position;
  }

  int limit() {
    return limit;
  }

  /** Moves to {@code position}: for hot loops that walk with a local index and sync back. */
  void position(int position) {
    this.position = position;
  }

  int remaining() {
    return limit - position;
  }

  void type(MessageType type) {
    this.type = type;
  }

  /** Records the relation the message is about, for error context. */
  void relationId(int relationId) {
    this.relationId = relationId;
  }

  int uint8(String field) {
    need(1, field);
    return buffer[position++] & 0xFF;
  }

  int int16(String field) {
    need(2, field);
    int v = Bytes.int16(buffer, position);
    position += 2;
    return v;
  }

  int int32(String field) {
    need(4, field);
    int v = Bytes.int32(buffer, position);
    position += 4;
    return v;
  }

  long int64(String field) {
    need(8, field);
    long v = Bytes.int64(buffer, position);
    position += 8;
    return v;
  }

  /** Skips {@code n} bytes of a fixed-size field, returning the field's offset. */
  int skip(int n, String field) {
    need(n, field);
    int at = position;
    position += n;
    return at;
  }

  /** Reads an Int32 length that must not be negative. */
  int length(String field) {
    int at = position;
    int n = int32(field);
    if (n < 0) {
      throw malformedAt("negative length " + n + " for " + field, at);
    }
    return n;
  }

  /**
   * Skips a NUL-terminated string and returns its length in bytes (without the terminator); the
   * string starts at {@code position()} before the call.
   */
  int string(String field) {
    for (int i = position; i < limit; i++) {
      if (buffer[i] == 0) {
        int n = i - position;
        position = i + 1;
        return n;
      }
    }
    throw malformed("string without terminator: " + field);
  }

  void expectEnd() {
    if (position != limit) {
      throw malformed((limit - position) + " trailing bytes");
    }
  }

  private void need(int n, String field) {
    if (limit - position < n) {
      throw truncated(n, field);
    }
  }

  /** "need n bytes for field" at the current position. */
  MalformedMessageException truncated(int n, String field) {
    return malformed("truncated: need " + n + " bytes for " + field + ", " + (limit - position) + " left");
  }

  MalformedMessageException malformed(String reason) {
    return malformedAt(reason, position);
  }

  MalformedMessageException malformedAt(String reason, int at) {
    return new MalformedMessageException(reason, type, start, length, relationId, at);
  }
}
