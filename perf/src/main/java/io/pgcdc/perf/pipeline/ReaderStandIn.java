package io.pgcdc.perf.pipeline;

import com.lmax.disruptor.RingBuffer;
import io.pgcdc.engine.pipeline.ConfirmTracker;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import io.pgcdc.perf.decoder.PgOutputMessages;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The ring's producer as {@code SlotReader} runs it once pgjdbc has handed it a message, minus the
 * replication connection: wait for a free slot (releasing finished events, napping 100 → 800 µs
 * while the ring is full), copy the pgoutput bytes into the slot, record the event's commit LSN and
 * Commit end LSN with the real {@link ConfirmTracker}, publish; release every 256 sequences and at
 * most every 50 ms (where the reader would send a status update); after a Commit, offer the server
 * position. What is left out: pgjdbc's {@code readPending} and the status update itself.
 *
 * <p>Every transaction gets its own LSNs and xid (Begin's final LSN, Commit's commit and end LSN are
 * patched in place), so the tracker's flushed LSN advances as in production.
 *
 * <pre>
 *   transaction(n):  Begin  [Relation, first call only]  Insert × n  Commit
 *   LSNs:            first  first + k·STEP ...           commit LSN = first + (n+1)·STEP, end = +COMMIT_BYTES
 * </pre>
 *
 * <p>Threading: one thread, the ring's single producer (the JMH benchmark thread); the tracker's
 * reader-side calls happen here too, as on {@code pgcdc-slot-reader}.
 */
final class ReaderStandIn {
  private static final long FULL_PARK_NANOS = 100_000;
  private static final long MAX_FULL_PARK_NANOS = 800_000;
  private static final long RELEASE_EVERY_MASK = 255;
  private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** WAL bytes between two changes of a transaction (an 8-column heap insert record is about this). */
  static final long STEP = 0x110;
  private static final long COMMIT_BYTES = 0x30;
  private static final int BEGIN_FINAL_LSN = 1;
  private static final int BEGIN_XID = 17;
  private static final int COMMIT_LSN = 2;
  private static final int COMMIT_END_LSN = 10;

  private final RingBuffer<RingEvent> ring;
  private final ConfirmTracker tracker;
  private final PipelineControl control;
  private final byte[] relation = PgOutputMessages.relation(false);
  private final byte[] insert = PgOutputMessages.insert(false);
  private final ByteBuffer begin = ByteBuffer.wrap(PgOutputMessages.begin());
  private final ByteBuffer commit = ByteBuffer.wrap(PgOutputMessages.commit());
  private boolean relationSent;
  private long nextLsn;
  private int xid = 1000;
  private long nextCheckNanos = System.nanoTime();
  private long lastEndLsn;

  ReaderStandIn(RingBuffer<RingEvent> ring, ConfirmTracker tracker, PipelineControl control, long startLsn) {
    this.ring = ring;
    this.tracker = tracker;
    this.control = control;
    this.nextLsn = startLsn;
  }

  /** Publishes one transaction of {@code rows} inserts (Begin, the Relation the first time, Commit). */
  void transaction(int rows) {
    long first = nextLsn;
    long commitLsn = first + (rows + 1) * STEP;
    long endLsn = commitLsn + COMMIT_BYTES;
    begin.putLong(BEGIN_FINAL_LSN, commitLsn).putInt(BEGIN_XID, xid++);
    commit.putLong(COMMIT_LSN, commitLsn).putLong(COMMIT_END_LSN, endLsn);
    tracker.receiving(commitLsn);
    publish(first, commitLsn, 0, begin.array());
    if (!relationSent) {
      // pgoutput announces a relation before its first change in the session.
      publish(first, commitLsn, 0, relation);
      relationSent = true;
    }
    for (int i = 1; i <= rows; i++) {
      publish(first + i * STEP, commitLsn, 0, insert);
    }
    // SlotReader reads the end LSN from the Commit's bytes; so does this.
    publish(endLsn, commitLsn, commit.getLong(COMMIT_END_LSN), commit.array());
    tracker.receiving(ConfirmTracker.NONE);
    tracker.serverReached(endLsn, ring.getCursor());
    lastEndLsn = endLsn;
    nextLsn = endLsn;
  }

  private void publish(long start, long commitLsn, long txEndLsn, byte[] message) {
    long sequence = claim();
    ring.get(sequence).copyWal(start, message, 0, message.length);
    tracker.published(sequence, commitLsn, txEndLsn);
    ring.publish(sequence);
    if ((sequence & RELEASE_EVERY_MASK) == 0) {
      tracker.release();
    }
    long now = System.nanoTime();
    if (now - nextCheckNanos >= 0) {
      // Where SlotReader.maybeSendStatus would send a status update.
      nextCheckNanos = now + CHECK_NANOS;
      tracker.release();
    }
  }

  private long claim() {
    long nap = FULL_PARK_NANOS;
    while (!ring.hasAvailableCapacity(1)) {
      control.checkRunning();
      tracker.release();
      LockSupport.parkNanos(nap);
      nap = Math.min(nap << 1, MAX_FULL_PARK_NANOS);
    }
    return ring.next();
  }

  /**
   * Waits until every published event is journaled, confirmed and released (at most {@code timeoutNanos}).
   *
   * @return true when drained
   */
  boolean drain(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    while (tracker.occupancy() > 0) {
      if (System.nanoTime() - deadline > 0 || !control.running()) {
        return false;
      }
      tracker.release();
      LockSupport.parkNanos(FULL_PARK_NANOS);
    }
    return true;
  }

  /** End LSN of the last transaction published. */
  long lastEndLsn() {
    return lastEndLsn;
  }
}
