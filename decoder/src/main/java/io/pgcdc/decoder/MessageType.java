package io.pgcdc.decoder;

/**
 * Every pgoutput message of protocol versions 1 to 4, with its type byte and the protocol
 * version that introduced it. See PostgreSQL's "Logical Replication Message Formats".
 */
public enum MessageType {
  BEGIN('B', 1),
  COMMIT('C', 1),
  ORIGIN('O', 1),
  RELATION('R', 1, true),
  TYPE('Y', 1, true),
  INSERT('I', 1, true),
  UPDATE('U', 1, true),
  DELETE('D', 1, true),
  TRUNCATE('T', 1, true),
  /** Logical decoding message ({@code pg_logical_emit_message}); pgoutput option {@code messages}. */
  MESSAGE('M', 1, true),
  STREAM_START('S', 2),
  STREAM_STOP('E', 2),
  STREAM_COMMIT('c', 2),
  STREAM_ABORT('A', 2),
  BEGIN_PREPARE('b', 3),
  PREPARE('P', 3),
  COMMIT_PREPARED('K', 3),
  ROLLBACK_PREPARED('r', 3),
  STREAM_PREPARE('p', 3);

  private static final MessageType[] BY_CODE = new MessageType[256];

  static {
    for (MessageType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final char code;
  private final int sinceVersion;
  private final boolean hasStreamXid;

  MessageType(char code, int sinceVersion) {
    this(code, sinceVersion, false);
  }

  MessageType(char code, int sinceVersion, boolean hasStreamXid) {
    this.code = code;
    this.sinceVersion = sinceVersion;
    this.hasStreamXid = hasStreamXid;
  }

  /** The type byte on the wire. */
  public char code() {
    return code;
  }

  /** The pgoutput {@code proto_version} that introduced this message. */
  public int sinceVersion() {
    return sinceVersion;
  }

  /** The type for a wire byte, or {@code null} when no pgoutput message uses it. */
  public static MessageType fromCode(byte code) {
    return BY_CODE[code & 0xFF];
  }

  /**
   * True for the messages that carry a transaction id prefix while a stream is open
   * (between Stream Start and Stream Stop, protocol 2+).
   */
  public boolean hasStreamXid() {
    return hasStreamXid;
  }
}
