package io.pgcdc.decoder;

/**
 * A pgoutput message that does not follow the protocol: truncated, an unknown type byte, a tuple
 * whose column count differs from its relation, an unknown relation id, a string without its
 * terminator, a bad tuple kind, a negative length, trailing bytes, or a stream marker out of
 * order. The message text is one line with key=value context, e.g.
 * {@code "column count mismatch: tuple has 3, relation has 4 (type=INSERT, offset=120, length=57, relation=16385, at=5)"}.
 *
 * <p>{@code offset} and {@code length} describe the whole message in the caller's buffer;
 * {@code at} is the buffer offset where decoding failed; {@code relation} is 0 when the message
 * names no relation (or it was not read yet).
 */
public final class MalformedMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final MessageType messageType;
  private final int messageOffset;
  private final int messageLength;
  private final int relationId;
  private final int errorOffset;

  public MalformedMessageException(String reason, MessageType messageType, int messageOffset,
      int messageLength, int relationId, int errorOffset) {
    super(reason + " (type=" + (messageType == null ? "unknown" : messageType.name())
        + ", offset=" + messageOffset + ", length=" + messageLength
        + ", relation=" + Integer.toUnsignedString(relationId) + ", at=" + errorOffset + ")");
    this.reason = reason;
    this.messageType = messageType;
    this.messageOffset = messageOffset;
    this.messageLength = messageLength;
    this.relationId = relationId;
    this.errorOffset = errorOffset;
  }

  /** What is wrong, without the context. */
  public String reason() {
    return reason;
  }

  /** The message's type, or {@code null} when the type byte itself is unknown or missing. */
  public MessageType messageType() {
    return messageType;
  }

  public int messageOffset() {
    return messageOffset;
  }

  public int messageLength() {
    return messageLength;
  }

  /** The relation the message names, 0 when none. */
  public int relationId() {
    return relationId;
  }

  /** Buffer offset at which decoding failed. */
  public int errorOffset() {
    return errorOffset;
  }
}
