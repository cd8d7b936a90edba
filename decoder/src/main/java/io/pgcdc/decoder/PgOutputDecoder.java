package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes pgoutput messages (protocol versions 1 to 4) in place. {@link #wrap} validates one whole
 * message — every length, terminator, tuple kind and column count, against the relations
 * announced earlier — and then exposes it through a flyweight ({@link #insert()},
 * {@link #commit()}, ...) that reads fields straight from the caller's bytes. Decoding data
 * messages allocates nothing; only Relation and Type messages (rare) create objects.
 *
 * <pre>{@code
 * PgOutputDecoder decoder = new PgOutputDecoder();
 * switch (decoder.wrap(bytes, offset, length)) {
 *   case BEGIN -> xid = decoder.begin().xid();
 *   case INSERT -> render(decoder.insert().relation(), decoder.insert().newTuple());
 *   ...
 * }
 * }</pre>
 *
 * <p>Stateful: it remembers relations ({@link #relations()}) and whether a stream is open
 * (between Stream Start and Stream Stop data messages carry an xid prefix, see
 * {@link #streamXid()}). Call {@link #reset()} when a new replication session starts.
 *
 * <p>Threading: one thread. Flyweights and tuples are valid until the next {@code wrap} and must
 * not be handed to another thread; {@link Relation}s may.
 */
public final class PgOutputDecoder {
  private final MessageCursor cursor = new MessageCursor();
  private final RelationCache relations;
  private final StringCache strings = new StringCache();

  private final BeginDecoder begin = new BeginDecoder();
  private final CommitDecoder commit = new CommitDecoder();
  private final OriginDecoder origin = new OriginDecoder(strings);
  private final InsertDecoder insert = new InsertDecoder();
  private final UpdateDecoder update = new UpdateDecoder();
  private final DeleteDecoder delete = new DeleteDecoder();
  private final TruncateDecoder truncate = new TruncateDecoder();
  private final LogicalMessageDecoder message = new LogicalMessageDecoder(strings);
  private final StreamStartDecoder streamStart = new StreamStartDecoder();
  private final StreamCommitDecoder streamCommit = new StreamCommitDecoder();
  private final StreamAbortDecoder streamAbort = new StreamAbortDecoder();
  private final BeginPrepareDecoder beginPrepare = new BeginPrepareDecoder();
  private final PrepareDecoder prepare = new PrepareDecoder();
  private final CommitPreparedDecoder commitPrepared = new CommitPreparedDecoder();
  private final RollbackPreparedDecoder rollbackPrepared = new RollbackPreparedDecoder();

  private MessageType messageType;
  private byte[] buffer;
  private int offset;
  private int length;
  private boolean inStream;
  private long openStreamXid;
  private long streamXid;
  private Relation relation;
  private boolean relationChanged;
  private PgTypeInfo typeInfo;

  /** A decoder with its own relation cache. */
  public PgOutputDecoder() {
    this(new RelationCache());
  }

  public PgOutputDecoder(RelationCache relations) {
    this.relations = Objects.requireNonNull(relations, "relations");
  }

  /**
   * Decodes and validates the message in {@code buffer[offset, offset + length)}: the pgoutput
   * bytes of one XLogData payload, starting with the type byte.
   *
   * @return the message type; the matching accessor is valid until the next call
   * @throws MalformedMessageException when the bytes break the protocol; the decoder's relation
   *     cache and stream state are then unchanged, and no message is current
   * @throws IndexOutOfBoundsException when offset/length lie outside {@code buffer} (a caller bug)
   */
  public MessageType wrap(byte[] buffer, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    MessageCursor c = cursor;
    c.reset(buffer, offset, length);
    messageType = null;
    if (length == 0) {
      throw c.malformed("empty message");
    }
    MessageType type = MessageType.fromCode(buffer[offset]);
    if (type == null) {
      throw c.malformed("unknown message type byte 0x" + Integer.toHexString(buffer[offset] & 0xFF));
    }
    c.type(type);
    c.skip(1, "type");
    long xid = 0;
    if (inStream && type.hasStreamXid()) {
      xid = c.int32("stream xid") & 0xFFFF_FFFFL;
    }
    decodeBody(type, c);
    c.expectEnd();
    applyState(type);
    this.streamXid = xid;
    this.buffer = buffer;
    this.offset = offset;
    this.length = length;
    this.messageType = type;
    return type;
  }

  private void decodeBody(MessageType type, MessageCursor c) {
    switch (type) {
      case BEGIN -> begin.decode(c);
      case COMMIT -> commit.decode(c);
      case ORIGIN -> origin.decode(c);
      case RELATION -> decodeRelation(c);
      case TYPE -> decodeType(c);
      case INSERT -> insert.decode(c, relations);
      case UPDATE -> update.decode(c, relations);
      case DELETE -> delete.decode(c, relations);
      case TRUNCATE -> truncate.decode(c, relations);
      case MESSAGE -> message.decode(c);
      case STREAM_START -> {
        if (inStream) {
          throw c.malformed("Stream Start while the stream of xid " + openStreamXid + " is open");
        }
        streamStart.decode(c);
      }
      case STREAM_STOP -> {
        if (!inStream) {
          throw c.malformed("Stream Stop without Stream Start");
        }
      }
      case STREAM_COMMIT -> {
        outsideStream(c);
        streamCommit.decode(c);
      }
      case STREAM_ABORT -> {
        outsideStream(c);
        streamAbort.decode(c);
      }
      case BEGIN_PREPARE -> beginPrepare.decode(c);
      case PREPARE -> prepare.decode(c);
      case STREAM_PREPARE -> {
        outsideStream(c);
        prepare.decode(c);
      }
      case COMMIT_PREPARED -> commitPrepared.decode(c);
      case ROLLBACK_PREPARED -> rollbackPrepared.decode(c);
      default -> throw new AssertionError(type);
    }
  }

  private void outsideStream(MessageCursor c) {
    if (inStream) {
      throw c.malformed("sent while the stream of xid " + openStreamXid + " is open (needs Stream Stop first)");
    }
  }

  /** Changes state only once the message proved valid. */
  private void applyState(MessageType type) {
    switch (type) {
      case STREAM_START -> {
        inStream = true;
        openStreamXid = streamStart.xid();
      }
      case STREAM_STOP -> inStream = false;
      case RELATION -> relationChanged = relations.put(relation);
      case TYPE -> relations.put(typeInfo);
      default -> {
      }
    }
  }

  private void decodeRelation(MessageCursor c) {
    byte[] b = c.buffer();
    int id = c.int32("relation id");
    c.relationId(id);
    int wireStart = c.position();
    int namespaceLength = c.string("namespace");
    int nameLength = c.string("relation name");
    c.skip(1, "replica identity");
    int countAt = c.position();
    int columns = c.int16("column count");
    if (columns < 0) {
      throw c.malformedAt("negative column count " + columns, countAt);
    }
    for (int i = 0; i < columns; i++) {
      c.skip(1, "column flags");
      c.string("column name");
      c.skip(4, "column type oid");
      c.skip(4, "column type modifier");
    }
    int wireEnd = c.position();
    Relation existing = relations.relation(id);
    if (existing != null && existing.sameWire(b, wireStart, wireEnd)) {
      relation = existing;
      return;
    }
    relation = buildRelation(b, id, wireStart, namespaceLength, nameLength, columns, wireEnd);
  }

  /** Second pass over an already validated Relation body: only for new or changed tables. */
  private static Relation buildRelation(byte[] b, int id, int p, int namespaceLength, int nameLength,
      int columnCount, int end) {
    int wireStart = p;
    String namespace = utf8(b, p, namespaceLength);
    p += namespaceLength + 1;
    String name = utf8(b, p, nameLength);
    p += nameLength + 1;
    char identity = (char) (b[p++] & 0xFF);
    p += 2;
    Column[] columns = new Column[columnCount];
    for (int i = 0; i < columnCount; i++) {
      boolean key = (b[p++] & 1) != 0;
      int n = 0;
      while (b[p + n] != 0) {
        n++;
      }
      String columnName = utf8(b, p, n);
      p += n + 1;
      columns[i] = new Column(columnName, Bytes.int32(b, p), Bytes.int32(b, p + 4), key);
      p += 8;
    }
    return new Relation(id, namespace, name, identity, columns, Arrays.copyOfRange(b, wireStart, end));
  }

  private void decodeType(MessageCursor c) {
    int oid = c.int32("type oid");
    int p = c.position();
    int namespaceLength = c.string("type namespace");
    int nameLength = c.string("type name");
    byte[] b = c.buffer();
    typeInfo = new PgTypeInfo(oid, utf8(b, p, namespaceLength), utf8(b, p + namespaceLength + 1, nameLength));
  }

  private static String utf8(byte[] b, int offset, int length) {
    return new String(b, offset, length, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- current message

  /** Type of the current message, {@code null} before the first or after a failed {@code wrap}. */
  public MessageType messageType() {
    return messageType;
  }

  /** Buffer of the current message. */
  public byte[] buffer() {
    return buffer;
  }

  public int offset() {
    return offset;
  }

  public int length() {
    return length;
  }

  /** True between a Stream Start and its Stream Stop. */
  public boolean inStream() {
    return inStream;
  }

  /**
   * The (sub)transaction id prefixed to the current data message (Relation, Type, Insert, Update,
   * Delete, Truncate, Message) inside a stream; 0 outside a stream. For the top-level transaction
   * being streamed see {@link #openStreamXid()}.
   */
  public long streamXid() {
    return streamXid;
  }

  /** The xid of the last Stream Start; meaningful while {@link #inStream()}. */
  public long openStreamXid() {
    return openStreamXid;
  }

  /** The relations and types of this session. */
  public RelationCache relations() {
    return relations;
  }

  /** Forgets relations, types and stream state: call when a new replication session starts. */
  public void reset() {
    relations.clear();
    inStream = false;
    openStreamXid = 0;
    streamXid = 0;
    messageType = null;
  }

  public BeginDecoder begin() {
    return expect(MessageType.BEGIN, begin);
  }

  public CommitDecoder commit() {
    return expect(MessageType.COMMIT, commit);
  }

  public OriginDecoder origin() {
    return expect(MessageType.ORIGIN, origin);
  }

  /** The relation just announced by a Relation message (now in the cache). */
  public Relation relation() {
    return expect(MessageType.RELATION, relation);
  }

  /**
   * For a Relation message: true when the relation was not in the cache or its definition
   * (names, replica identity, columns, types, key flags) differs from the cached one — the cue to
   * emit a schema event. False when an identical definition is announced again.
   */
  public boolean relationChanged() {
    expect(MessageType.RELATION, relation);
    return relationChanged;
  }

  /** The type just announced by a Type message (now in the cache). */
  public PgTypeInfo typeInfo() {
    return expect(MessageType.TYPE, typeInfo);
  }

  public InsertDecoder insert() {
    return expect(MessageType.INSERT, insert);
  }

  public UpdateDecoder update() {
    return expect(MessageType.UPDATE, update);
  }

  public DeleteDecoder delete() {
    return expect(MessageType.DELETE, delete);
  }

  public TruncateDecoder truncate() {
    return expect(MessageType.TRUNCATE, truncate);
  }

  /** Logical decoding message ({@code pg_logical_emit_message}). */
  public LogicalMessageDecoder message() {
    return expect(MessageType.MESSAGE, message);
  }

  public StreamStartDecoder streamStart() {
    return expect(MessageType.STREAM_START, streamStart);
  }

  public StreamCommitDecoder streamCommit() {
    return expect(MessageType.STREAM_COMMIT, streamCommit);
  }

  public StreamAbortDecoder streamAbort() {
    return expect(MessageType.STREAM_ABORT, streamAbort);
  }

  public BeginPrepareDecoder beginPrepare() {
    return expect(MessageType.BEGIN_PREPARE, beginPrepare);
  }

  /** Prepare ({@code 'P'}). */
  public PrepareDecoder prepare() {
    return expect(MessageType.PREPARE, prepare);
  }

  /** Stream Prepare ({@code 'p'}): same layout as Prepare. */
  public PrepareDecoder streamPrepare() {
    return expect(MessageType.STREAM_PREPARE, prepare);
  }

  public CommitPreparedDecoder commitPrepared() {
    return expect(MessageType.COMMIT_PREPARED, commitPrepared);
  }

  public RollbackPreparedDecoder rollbackPrepared() {
    return expect(MessageType.ROLLBACK_PREPARED, rollbackPrepared);
  }

  private <T> T expect(MessageType wanted, T flyweight) {
    if (messageType != wanted) {
      throw new IllegalStateException("current message is " + messageType + ", not " + wanted);
    }
    return flyweight;
  }
}
