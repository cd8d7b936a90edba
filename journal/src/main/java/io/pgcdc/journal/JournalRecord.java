package io.pgcdc.journal;

import io.pgcdc.decoder.Lsn;

/**
 * One journal entry: a reusable, mutable flyweight used both to append (the caller fills it and
 * hands it to {@link JournalAppender#append}) and to read ({@link JournalReader#next} fills it).
 *
 * <p><b>Writing.</b> Setters store references, they copy nothing: {@link #messageId(CharSequence)}
 * keeps the caller's {@code CharSequence}, {@link #body(byte[], int, int)} keeps the caller's
 * array. The referenced data must stay unchanged until {@code append} returns; after that the
 * record may be refilled. Call {@link #clearHeaders()} before adding the headers of the next entry.
 *
 * <p><b>Reading.</b> A reader copies the entry into buffers this record owns (growing them only
 * when an entry is larger than any seen before), so the values stay valid until the next
 * {@code next} call on the same record. {@code CharSequence} accessors then return the record's
 * own {@link StringBuilder}s: copy ({@code toString()}) to keep them.
 *
 * <p>Not thread-safe: one record per thread.
 */
public final class JournalRecord {

  /** Most AMQP headers one entry can carry; pgcdc publishes five. */
  public static final int MAX_HEADERS = 16;

  /**
   * Int header of a batched message (sink.rabbitmq.batch): how many events, with ordinals
   * {@link #ordinal()} .. {@link #lastOrdinal()}, its body's JSON array holds.
   */
  public static final String EVENTS_HEADER = "pgcdc-events";

  /** Header value kinds, as AMQP field-table types: long string, long-long, int. */
  public static final byte HEADER_STRING = 'S';
  public static final byte HEADER_LONG = 'l';
  public static final byte HEADER_INT = 'I';

  private long lsn;
  private long commitLsn;
  private long xid;
  private long epoch;
  private int ordinal;
  private long commitTimeMicros;
  private byte op;
  private CharSequence messageId = "";
  private CharSequence contentType = "";
  private CharSequence routingKey = "";
  private byte[] body = new byte[0];
  private int bodyOffset;
  private int bodyLength;
  private int headerCount;
  private final CharSequence[] headerNames = new CharSequence[MAX_HEADERS];
  private final byte[] headerTypes = new byte[MAX_HEADERS];
  private final CharSequence[] headerStrings = new CharSequence[MAX_HEADERS];
  private final long[] headerLongs = new long[MAX_HEADERS];

  // Owned buffers, used only when this record is filled by a reader.
  private final StringBuilder ownMessageId = new StringBuilder(64);
  private final StringBuilder ownContentType = new StringBuilder(32);
  private final StringBuilder ownRoutingKey = new StringBuilder(64);
  private final StringBuilder[] ownHeaderNames = new StringBuilder[MAX_HEADERS];
  private final StringBuilder[] ownHeaderStrings = new StringBuilder[MAX_HEADERS];
  private byte[] ownBody = new byte[256];

  /** WAL position of the change ({@code pgcdc-lsn}). */
  public long lsn() {
    return lsn;
  }

  public JournalRecord lsn(long lsn) {
    this.lsn = lsn;
    return this;
  }

  /** LSN of the commit record of the change's transaction ({@code pgcdc-commit-lsn}). */
  public long commitLsn() {
    return commitLsn;
  }

  public JournalRecord commitLsn(long commitLsn) {
    this.commitLsn = commitLsn;
    return this;
  }

  public long xid() {
    return xid;
  }

  public JournalRecord xid(long xid) {
    this.xid = xid;
    return this;
  }

  /** Leader epoch that published the message; 0 standalone. */
  public long epoch() {
    return epoch;
  }

  public JournalRecord epoch(long epoch) {
    this.epoch = epoch;
    return this;
  }

  /** Position of the event inside its transaction (the last part of the message-id). */
  public int ordinal() {
    return ordinal;
  }

  public JournalRecord ordinal(int ordinal) {
    this.ordinal = ordinal;
    return this;
  }

  /** Commit timestamp of the transaction, microseconds since 1970-01-01T00:00Z. */
  public long commitTimeMicros() {
    return commitTimeMicros;
  }

  public JournalRecord commitTimeMicros(long commitTimeMicros) {
    this.commitTimeMicros = commitTimeMicros;
    return this;
  }

  /** Operation letter: {@code I U D T M R} (SPEC §3), or a schema event's own letter. */
  public char op() {
    return (char) op;
  }

  public JournalRecord op(char op) {
    if (op > 0x7F) {
      throw new IllegalArgumentException("op=" + op + ": must be an ASCII letter");
    }
    this.op = (byte) op;
    return this;
  }

  public CharSequence messageId() {
    return messageId;
  }

  public JournalRecord messageId(CharSequence messageId) {
    this.messageId = messageId;
    return this;
  }

  public CharSequence contentType() {
    return contentType;
  }

  public JournalRecord contentType(CharSequence contentType) {
    this.contentType = contentType;
    return this;
  }

  public CharSequence routingKey() {
    return routingKey;
  }

  public JournalRecord routingKey(CharSequence routingKey) {
    this.routingKey = routingKey;
    return this;
  }

  /** Array holding the body; the body is {@code body()[bodyOffset() .. bodyOffset()+bodyLength())}. */
  public byte[] body() {
    return body;
  }

  public int bodyOffset() {
    return bodyOffset;
  }

  public int bodyLength() {
    return bodyLength;
  }

  public JournalRecord body(byte[] body, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > body.length) {
      throw new IndexOutOfBoundsException(
          "body offset=" + offset + " length=" + length + " array.length=" + body.length);
    }
    this.body = body;
    this.bodyOffset = offset;
    this.bodyLength = length;
    return this;
  }

  /** Copies the body into a new array (tests, tools; never on a hot path). */
  public byte[] bodyCopy() {
    return java.util.Arrays.copyOfRange(body, bodyOffset, bodyOffset + bodyLength);
  }

  public JournalRecord clearHeaders() {
    headerCount = 0;
    return this;
  }

  /** Adds a string-valued header (sent as an AMQP long string). */
  public JournalRecord header(CharSequence name, CharSequence value) {
    int i = nextHeader(name, HEADER_STRING);
    headerStrings[i] = value;
    return this;
  }

  /** Adds a long-valued header (AMQP {@code l}, Java {@code Long}). */
  public JournalRecord header(CharSequence name, long value) {
    headerLongs[nextHeader(name, HEADER_LONG)] = value;
    return this;
  }

  /** Adds an int-valued header (AMQP {@code I}, Java {@code Integer}). */
  public JournalRecord headerInt(CharSequence name, int value) {
    headerLongs[nextHeader(name, HEADER_INT)] = value;
    return this;
  }

  /**
   * Ordinal of the last event this entry carries: {@code ordinal + pgcdc-events - 1} for a batch
   * (message-id {@code <slot>/<commit LSN>/<first>-<last>}; a batch's ordinals are consecutive),
   * else {@link #ordinal()}. Looks the header up by name; allocates nothing.
   */
  public int lastOrdinal() {
    for (int i = 0; i < headerCount; i++) {
      if (headerTypes[i] == HEADER_INT && CharSequence.compare(headerNames[i], EVENTS_HEADER) == 0) {
        return headerLongs[i] > 1 ? ordinal + (int) headerLongs[i] - 1 : ordinal;
      }
    }
    return ordinal;
  }

  public int headerCount() {
    return headerCount;
  }

  public CharSequence headerName(int i) {
    checkHeader(i);
    return headerNames[i];
  }

  /** {@link #HEADER_STRING}, {@link #HEADER_LONG} or {@link #HEADER_INT}. */
  public byte headerType(int i) {
    checkHeader(i);
    return headerTypes[i];
  }

  public CharSequence headerString(int i) {
    checkHeader(i);
    return headerStrings[i];
  }

  public long headerLong(int i) {
    checkHeader(i);
    return headerLongs[i];
  }

  /** The headers as an AMQP header table ({@code String}, {@code Long} or {@code Integer} values). */
  public java.util.Map<String, Object> headersAsMap() {
    java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headerCount; i++) {
      Object value = switch (headerTypes[i]) {
        case HEADER_STRING -> headerStrings[i].toString();
        case HEADER_INT -> (int) headerLongs[i];
        default -> headerLongs[i];
      };
      map.put(headerNames[i].toString(), value);
    }
    return map;
  }

  /** Makes this record an independent copy of {@code other} (copies into owned buffers). */
  public JournalRecord copyFrom(JournalRecord other) {
    lsn = other.lsn;
    commitLsn = other.commitLsn;
    xid = other.xid;
    epoch = other.epoch;
    ordinal = other.ordinal;
    commitTimeMicros = other.commitTimeMicros;
    op = other.op;
    messageId = copy(other.messageId, ownMessageId);
    contentType = copy(other.contentType, ownContentType);
    routingKey = copy(other.routingKey, ownRoutingKey);
    byte[] dst = ownBody(other.bodyLength);
    System.arraycopy(other.body, other.bodyOffset, dst, 0, other.bodyLength);
    ownedBody(other.bodyLength);
    headerCount = other.headerCount;
    for (int i = 0; i < headerCount; i++) {
      headerTypes[i] = other.headerTypes[i];
      headerNames[i] = copy(other.headerNames[i], ownHeaderName(i));
      headerLongs[i] = other.headerLongs[i];
      headerStrings[i] = other.headerTypes[i] == HEADER_STRING
          ? copy(other.headerStrings[i], ownHeaderString(i)) : null;
    }
    return this;
  }

  @Override
  public String toString() {
    return "JournalRecord{lsn=" + Lsn.format(lsn) + ", commitLsn=" + Lsn.format(commitLsn)
        + ", xid=" + xid + ", epoch=" + epoch + ", ordinal=" + ordinal + ", op=" + op()
        + ", messageId=" + messageId + ", routingKey=" + routingKey + ", bodyLength=" + bodyLength + '}';
  }

  // ---- used by JournalEntryCodec when reading ----

  StringBuilder ownMessageId() {
    messageId = ownMessageId;
    ownMessageId.setLength(0);
    return ownMessageId;
  }

  StringBuilder ownContentType() {
    contentType = ownContentType;
    ownContentType.setLength(0);
    return ownContentType;
  }

  StringBuilder ownRoutingKey() {
    routingKey = ownRoutingKey;
    ownRoutingKey.setLength(0);
    return ownRoutingKey;
  }

  /** Returns an owned array of at least {@code length} bytes; {@link #ownedBody} then selects it. */
  byte[] ownBody(int length) {
    if (ownBody.length < length) {
      ownBody = new byte[Math.max(length, ownBody.length * 2)];
    }
    return ownBody;
  }

  void ownedBody(int length) {
    body = ownBody;
    bodyOffset = 0;
    bodyLength = length;
  }

  /** Starts reading header {@code i}: returns its cleared owned name buffer. */
  StringBuilder readHeader(int i) {
    headerCount = i + 1;
    StringBuilder name = ownHeaderName(i);
    name.setLength(0);
    headerNames[i] = name;
    headerStrings[i] = null;
    return name;
  }

  void readHeaderType(int i, byte type) {
    headerTypes[i] = type;
  }

  StringBuilder readHeaderString(int i) {
    StringBuilder value = ownHeaderString(i);
    value.setLength(0);
    headerStrings[i] = value;
    return value;
  }

  void readHeaderLong(int i, long value) {
    headerLongs[i] = value;
  }

  byte opByte() {
    return op;
  }

  void opByte(byte op) {
    this.op = op;
  }

  private StringBuilder ownHeaderName(int i) {
    if (ownHeaderNames[i] == null) {
      ownHeaderNames[i] = new StringBuilder(24);
    }
    return ownHeaderNames[i];
  }

  private StringBuilder ownHeaderString(int i) {
    if (ownHeaderStrings[i] == null) {
      ownHeaderStrings[i] = new StringBuilder(24);
    }
    return ownHeaderStrings[i];
  }

  private static CharSequence copy(CharSequence from, StringBuilder to) {
    if (from == to) {
      return to;
    }
    to.setLength(0);
    to.append(from);
    return to;
  }

  private int nextHeader(CharSequence name, byte type) {
    if (headerCount == MAX_HEADERS) {
      throw new IllegalStateException("too many headers: max=" + MAX_HEADERS + " name=" + name);
    }
    int i = headerCount++;
    headerNames[i] = name;
    headerTypes[i] = type;
    return i;
  }

  private void checkHeader(int i) {
    if (i < 0 || i >= headerCount) {
      throw new IndexOutOfBoundsException("header index=" + i + " headerCount=" + headerCount);
    }
  }
}
