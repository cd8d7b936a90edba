package io.pgcdc.engine.pipeline;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

/**
 * Computes the LSN that may be reported to PostgreSQL as flushed: the end LSN of the newest
 * transaction whose every message is both journaled and confirmed by the broker (SPEC §2).
 *
 * <pre>
 *   ring:     ... [B][I][I][C] [B][U][C] [B][I] ...
 *                              ^journaled   ^confirmed        (handler / broker-ack sequences)
 *   journal scan:  last Commit at or below journaled  -> journaledLsn
 *   confirm scan:  last Commit at or below confirmed  -> confirmedLsn
 *   flushedLsn = max(previous, min(journaledLsn, confirmedLsn))
 *   released   = min(journal scan, confirm scan)  -> the ring's gating sequence
 * </pre>
 *
 * <p>The released sequence gates the producer, so every slot between it and the cursor still
 * holds its event: the scans read Commit end LSNs from slots that cannot be overwritten under them.
 * When everything received is released and no transaction is open, {@link #followServer} lets the
 * flushed LSN follow the server's keepalive position, so an idle or fully filtered slot never holds
 * WAL back.
 *
 * <p>Threading: {@link #release} and {@link #followServer} run on the slot-reader thread only (the
 * ring's single producer); the LSN accessors are read by any thread (volatile).
 */
public final class ConfirmTracker {
  private static final long UNIX_MINUS_PG_EPOCH_MICROS = 946_684_800_000_000L;

  private final RingBuffer<RingEvent> ring;
  private final Sequence decoded;
  private final Sequence journaled;
  private final Sequence confirmed;
  private final Sequence released = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
  private long journalScan = RingBuffer.INITIAL_CURSOR_VALUE;
  private long confirmScan = RingBuffer.INITIAL_CURSOR_VALUE;
  private volatile long journaledLsn;
  private volatile long confirmedLsn;
  private volatile long flushedLsn;
  private volatile long oldestPendingCommitMicros;

  /**
   * @param decoded   sequence of the decode stage (commit times are valid up to it)
   * @param journaled sequence of the journal stage
   * @param confirmed sequence up to which the broker acknowledged every message
   * @param startLsn  the slot's confirmed position when streaming started
   */
  public ConfirmTracker(RingBuffer<RingEvent> ring, Sequence decoded, Sequence journaled, Sequence confirmed,
      long startLsn) {
    this.ring = ring;
    this.decoded = decoded;
    this.journaled = journaled;
    this.confirmed = confirmed;
    this.journaledLsn = startLsn;
    this.confirmedLsn = startLsn;
    this.flushedLsn = startLsn;
  }

  /** The sequence the ring's producer must not lap: add it as the ring's gating sequence. */
  public Sequence releasedSequence() {
    return released;
  }

  /** Folds newly journaled and confirmed events into the LSNs and releases their slots. */
  public void release() {
    long j = journaled.get();
    long c = confirmed.get();
    if (j == journalScan && c == confirmScan) {
      return;
    }
    journaledLsn = scan(journalScan, j, journaledLsn);
    journalScan = j;
    confirmedLsn = scan(confirmScan, c, confirmedLsn);
    confirmScan = c;
    long flushed = Math.min(journaledLsn, confirmedLsn);
    if (flushed > flushedLsn) {
      flushedLsn = flushed;
    }
    long releasedTo = Math.min(j, c);
    updateOldestPending(releasedTo);
    released.set(releasedTo);
  }

  private long scan(long from, long to, long lsn) {
    for (long s = from + 1; s <= to; s++) {
      long end = ring.get(s).txEndLsn;
      if (end != 0) {
        lsn = end;
      }
    }
    return lsn;
  }

  private void updateOldestPending(long releasedTo) {
    long next = releasedTo + 1;
    if (next <= ring.getCursor() && next <= decoded.get()) {
      long pgMicros = ring.get(next).commitMicros;
      oldestPendingCommitMicros = pgMicros == 0 ? 0 : pgMicros + UNIX_MINUS_PG_EPOCH_MICROS;
    } else {
      oldestPendingCommitMicros = 0;
    }
  }

  /**
   * When every event the reader published is released and no transaction is open, nothing the
   * server sent is pending: the flushed LSN may follow {@code serverLsn} (pgjdbc's last received
   * LSN, which keepalives advance).
   */
  public void followServer(long serverLsn, boolean transactionOpen) {
    if (!transactionOpen && released.get() == ring.getCursor() && serverLsn > flushedLsn) {
      flushedLsn = serverLsn;
    }
  }

  /** What may be sent to PostgreSQL as flushed; never moves backwards. */
  public long flushedLsn() {
    return flushedLsn;
  }

  /** End LSN of the newest transaction whose every message is journaled. */
  public long journaledLsn() {
    return journaledLsn;
  }

  /** End LSN of the newest transaction whose every message the broker confirmed. */
  public long confirmedLsn() {
    return confirmedLsn;
  }

  /** Commit time (µs since the Unix epoch) of the oldest event not yet released; 0 when none. */
  public long oldestPendingCommitMicros() {
    return oldestPendingCommitMicros;
  }

  /** Events published into the ring and not yet released. */
  public long occupancy() {
    return ring.getCursor() - released.get();
  }
}
