package io.pgcdc.engine.pipeline;

import java.util.Arrays;

/**
 * The AMQP messages one ring event turns into (zero for Begin/Commit, one for a row change, one per
 * table for a Truncate), written once by the encode stage and read by the journal and publish
 * stages. Bodies are packed back to back into one reusable byte array.
 *
 * <pre>
 *   bodies: | body 0 ........ | body 1 ..... | ...        (grows, never shrinks below its start size)
 *            ^offset(0)        ^offset(1)
 *   per message i: offset(i), length(i), routingKey(i), op(i), ordinal(i), lsn(i),
 *                  events(i) (0: one event, the SPEC §3 object; n &gt;= 1: a batch, a JSON array of n
 *                  events with ordinals ordinal(i) .. lastOrdinal(i))
 * </pre>
 *
 * <p>A batch ({@code sink.rabbitmq.batch}) is assembled by the encode stage outside the ring and
 * handed over with {@link #addBatch}: when the outbox is still empty its body array is swapped for
 * the batch's (no copy), and the encode stage takes the replaced array back for its next batch.
 *
 * <p>Threading: written by the encode stage, then read by the journal and publish stages after it on
 * the same thread ({@code pgcdc-stages}); the publish stage reads it again for a re-send. Nothing
 * here allocates once the arrays have grown to the largest event seen (the encode stage gives
 * oversized body arrays back, see {@link #replaceBodies}).
 */
public final class Outbox {
  private static final int INITIAL_BODY_BYTES = 1024;
  private static final int INITIAL_MESSAGES = 2;

  private byte[] bodies = new byte[INITIAL_BODY_BYTES];
  private int used;
  private int count;
  private int[] offsets = new int[INITIAL_MESSAGES];
  private int[] lengths = new int[INITIAL_MESSAGES];
  private String[] routingKeys = new String[INITIAL_MESSAGES];
  private byte[] ops = new byte[INITIAL_MESSAGES];
  private int[] ordinals = new int[INITIAL_MESSAGES];
  private int[] lastOrdinals = new int[INITIAL_MESSAGES];
  private int[] events = new int[INITIAL_MESSAGES];
  private long[] lsns = new long[INITIAL_MESSAGES];
  private long lsn;
  private long commitLsn;
  private long xid;

  /**
   * Forgets the messages from {@code messages} on and the body bytes from {@code position} on (both
   * read from {@link #count()} and {@link #position()} before writing them), so they can be written again.
   */
  public void rewind(int messages, int position) {
    if (messages > count || position > used) {
      throw new IllegalArgumentException("cannot rewind forward: messages=" + messages + " count=" + count
          + " position=" + position + " used=" + used);
    }
    count = messages;
    used = position;
  }

  /** Forgets the previous event's messages; keeps the arrays. */
  public void clear() {
    used = 0;
    count = 0;
  }

  /** Stamps the transaction coordinates shared by every message of this event. */
  public void coordinates(long lsn, long commitLsn, long xid) {
    this.lsn = lsn;
    this.commitLsn = commitLsn;
    this.xid = xid;
  }

  /**
   * Starts message {@code count()}: its body is whatever is appended through {@link #write(byte[], int, int)}
   * until {@link #endMessage()}.
   */
  public void beginMessage(String routingKey, byte op, int ordinal) {
    if (count == offsets.length) {
      growMessages();
    }
    offsets[count] = used;
    routingKeys[count] = routingKey;
    ops[count] = op;
    ordinals[count] = ordinal;
    lastOrdinals[count] = ordinal;
    events[count] = 0;
    lsns[count] = lsn;
  }

  /**
   * Adds a closed batch as message {@code count()}: {@code body[0, length)} is the JSON array of its
   * {@code eventCount} events. When {@code mayTake} and nothing was written to this outbox yet,
   * {@code body} becomes its body array (no copy) and the array it replaces is returned for the
   * caller to reuse; otherwise the bytes are copied and null is returned (the caller keeps {@code body}).
   */
  public byte[] addBatch(byte[] body, int length, String routingKey, byte op, int firstOrdinal, int lastOrdinal,
      int eventCount, long firstLsn, boolean mayTake) {
    byte[] replaced = null;
    if (mayTake && used == 0) {
      replaced = bodies;
      bodies = body;
      used = length;
      beginMessage(routingKey, op, firstOrdinal);
      offsets[count] = 0;
    } else {
      beginMessage(routingKey, op, firstOrdinal);
      write(body, 0, length);
    }
    lastOrdinals[count] = lastOrdinal;
    events[count] = eventCount;
    lsns[count] = firstLsn;
    endMessage();
    return replaced;
  }

  /**
   * Swaps the body array of this empty outbox for {@code fresh} and returns the old one; the encode
   * stage uses it to take an oversized array (a batch it handed over earlier) back out of a reused slot.
   */
  public byte[] replaceBodies(byte[] fresh) {
    if (used != 0) {
      throw new IllegalStateException("outbox not empty");
    }
    byte[] old = bodies;
    bodies = fresh;
    return old;
  }

  /** Ends the message started by {@link #beginMessage}. */
  public void endMessage() {
    lengths[count] = used - offsets[count];
    count++;
  }

  /** Appends body bytes of the current message. */
  public void write(byte[] src, int offset, int length) {
    ensure(length);
    System.arraycopy(src, offset, bodies, used, length);
    used += length;
  }

  /** Appends one body byte of the current message. */
  public void write(int b) {
    ensure(1);
    bodies[used++] = (byte) b;
  }

  /** Bytes written so far (the end of the current message's body). */
  public int position() {
    return used;
  }

  /** Appends a copy of bytes already written at {@code [from, to)} (e.g. "diff" equal to "after"). */
  public void repeat(int from, int to) {
    int length = to - from;
    ensure(length);
    System.arraycopy(bodies, from, bodies, used, length);
    used += length;
  }

  private void ensure(int more) {
    if (used + more > bodies.length) {
      bodies = Arrays.copyOf(bodies, Math.max(bodies.length * 2, used + more));
    }
  }

  private void growMessages() {
    int n = offsets.length * 2;
    offsets = Arrays.copyOf(offsets, n);
    lengths = Arrays.copyOf(lengths, n);
    routingKeys = Arrays.copyOf(routingKeys, n);
    ops = Arrays.copyOf(ops, n);
    ordinals = Arrays.copyOf(ordinals, n);
    lastOrdinals = Arrays.copyOf(lastOrdinals, n);
    events = Arrays.copyOf(events, n);
    lsns = Arrays.copyOf(lsns, n);
  }

  public int count() {
    return count;
  }

  /** The array holding every body; valid until the next {@link #write}. */
  public byte[] bodies() {
    return bodies;
  }

  public int offset(int i) {
    return offsets[i];
  }

  public int length(int i) {
    return lengths[i];
  }

  public String routingKey(int i) {
    return routingKeys[i];
  }

  /** SPEC §3 op letter as an ASCII byte ({@code 'I'}, {@code 'U'}, ...). */
  public byte op(int i) {
    return ops[i];
  }

  /** Ordinal of message {@code i}'s (first) event. */
  public int ordinal(int i) {
    return ordinals[i];
  }

  /** Ordinal of the last event of batch message {@code i} (= {@link #ordinal(int)} for one event). */
  public int lastOrdinal(int i) {
    return lastOrdinals[i];
  }

  /** 0 when message {@code i} is one event (a JSON object); else the number of events of its JSON array. */
  public int events(int i) {
    return events[i];
  }

  /** LSN of message {@code i}'s (first) event; {@link #lsn()} unless it is a batch. */
  public long lsn(int i) {
    return lsns[i];
  }

  /** LSN of the change (the XLogData start of the source message). */
  public long lsn() {
    return lsn;
  }

  /** LSN of the commit record of the transaction (the message's own LSN for a non-transactional message). */
  public long commitLsn() {
    return commitLsn;
  }

  /** Transaction id (0 for a non-transactional logical message). */
  public long xid() {
    return xid;
  }
}
