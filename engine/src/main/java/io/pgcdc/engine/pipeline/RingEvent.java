package io.pgcdc.engine.pipeline;

import java.util.Arrays;

/**
 * One preallocated slot of the Disruptor ring: a pgoutput message as it moves through the stages.
 *
 * <pre>
 *   SlotReader     wal[0..walLength), walStart,         (copied from the replication stream,
 *                  snapshotRead                          or an initial snapshot's row: op R)
 *   DecodeHandler  kind, xid, commitLsn, commitMicros,  (transaction context of the message)
 *                  txEndLsn (Commit only)
 *   EncodeHandler  outbox                                (AMQP messages, bodies back to back)
 *   Journal/Publish read outbox
 * </pre>
 *
 * <p>Threading: each group of fields has one writer, the stage named above; later stages read
 * them after the sequence barrier (a volatile read) made them visible. A slot is reused only when
 * its event is journaled, confirmed by the broker and folded into the flushed LSN (the ring's
 * gating sequences), so a re-send after a broker fault reads the original bytes from here.
 */
public final class RingEvent {
  /** Buffers above this are given back when a small message reuses the slot, bounding idle heap. */
  static final int RETAINED_WAL_BYTES = 1 << 20;
  private static final int INITIAL_WAL_BYTES = 512;

  private byte[] wal = new byte[INITIAL_WAL_BYTES];
  private int walLength;
  private long walStart;
  private boolean snapshotRead;

  long xid;
  long commitLsn;
  long commitMicros;
  /** End LSN of the transaction when this event is its Commit, else 0. */
  long txEndLsn;

  final Outbox outbox = new Outbox();

  /**
   * Copies {@code length} bytes of a pgoutput message into this slot. The buffer grows only when
   * a bigger message comes and is replaced by a small one after an oversized message, so a single
   * huge value does not pin memory in every slot it ever passed through.
   */
  public void copyWal(long start, byte[] src, int offset, int length) {
    if (length > wal.length) {
      wal = new byte[Math.max(length, wal.length * 2)];
    } else if (wal.length > RETAINED_WAL_BYTES && length <= INITIAL_WAL_BYTES) {
      wal = new byte[INITIAL_WAL_BYTES];
    }
    System.arraycopy(src, offset, wal, 0, length);
    walLength = length;
    walStart = start;
    snapshotRead = false;
    txEndLsn = 0;
  }

  /** Marks the message just copied as part of an initial snapshot: its Insert is a snapshot read (op R). */
  public void markSnapshotRead() {
    snapshotRead = true;
  }

  public boolean snapshotRead() {
    return snapshotRead;
  }

  public byte[] wal() {
    return wal;
  }

  public int walLength() {
    return walLength;
  }

  /** XLogData start LSN of the message (for a Commit: the transaction's end LSN). */
  public long walStart() {
    return walStart;
  }

  public long xid() {
    return xid;
  }

  public long commitLsn() {
    return commitLsn;
  }

  public long commitMicros() {
    return commitMicros;
  }

  public long txEndLsn() {
    return txEndLsn;
  }

  public Outbox outbox() {
    return outbox;
  }

  @Override
  public String toString() {
    return "RingEvent[type=" + (walLength > 0 ? (char) wal[0] : '-') + ", walStart=" + walStart
        + ", length=" + walLength + ", messages=" + outbox.count() + ", head=" + Arrays.toString(
            Arrays.copyOf(wal, Math.min(walLength, 8))) + "]";
  }
}
