package io.pgcdc.engine.pipeline;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.PgTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the LSN that may be reported to PostgreSQL as flushed: the end LSN of the newest
 * transaction whose every message is both journaled and confirmed by the broker (SPEC §2), or a
 * position the server reported once everything it sent before that position is released.
 *
 * <pre>
 *   ring:     ... [B][I][I][C] [B][U][C] [B][I] ...
 *                              ^journaled   ^confirmed        (handler / broker-ack sequences)
 *   journal scan:  last Commit at or below journaled  -&gt; journaledLsn
 *   confirm scan:  last Commit at or below confirmed  -&gt; confirmedLsn
 *   server offer:  (lsn, sequence) from the reader     -&gt; usable once released &gt;= sequence
 *   candidate  = max(min(journaledLsn, confirmedLsn), usable offer)
 *   limit      = commit LSN of the oldest event not released, and of a transaction still being read
 *   flushedLsn = max(previous, min(candidate, limit))
 *   released   = min(journal scan, confirm scan)  -&gt; the ring's gating sequence
 * </pre>
 *
 * <p>The invariant: the flushed LSN never exceeds the commit LSN of a transaction that was
 * received (or is being received) and is not yet journaled and confirmed; PostgreSQL skips, when
 * streaming resumes, every transaction whose commit record starts below the flushed LSN. Two
 * mechanisms keep it: the candidates are correct by construction (a Commit's end LSN after its
 * whole transaction is released; a server position only when the reader proved that every
 * transaction committed below it is in the ring up to the offered sequence, and that sequence is
 * released), and the {@code limit} cross-checks them against the commit LSNs the reader recorded
 * for every unreleased event ({@link #published}) and for the transaction in its hands
 * ({@link #receiving}). A candidate beyond the limit is a bug: it is logged as an ERROR and the
 * flushed LSN stops at the limit. Every advance is logged at DEBUG with its source.
 *
 * <p>The released sequence gates the producer, so every slot between it and the cursor still
 * holds its event: the scans read the Commit end LSNs recorded for slots that cannot be overwritten
 * under them.
 *
 * <p>Threading: {@link #release}, {@link #published}, {@link #receiving} and {@link #serverReached}
 * run on the slot-reader thread only (the ring's single producer); the LSN accessors are read by
 * any thread (volatile).
 */
public final class ConfirmTracker {
  private static final Logger LOG = LoggerFactory.getLogger(ConfirmTracker.class);
  /** No transaction in the reader's hands. */
  public static final long NONE = Long.MAX_VALUE;

  private final RingBuffer<RingEvent> ring;
  private final int mask;
  /** Commit LSN of the transaction of each published event (slot = sequence &amp; mask); reader thread only. */
  private final long[] commitOf;
  /**
   * End LSN of each published Commit, 0 for any other event (slot = sequence &amp; mask); reader thread
   * only. The scans read this array rather than {@link RingEvent#txEndLsn()}: the same value (both
   * come from the Commit message's end_lsn field), but read sequentially from one array the reader
   * owns instead of from ring objects another thread writes (per event, that pointer chase was the
   * reader thread's largest cost).
   */
  private final long[] endOf;
  private final Sequence decoded;
  private final Sequence journaled;
  private final Sequence confirmed;
  private final Sequence released = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
  private long journalScan = RingBuffer.INITIAL_CURSOR_VALUE;
  private long confirmScan = RingBuffer.INITIAL_CURSOR_VALUE;
  private long receivingCommit = NONE;
  private long offerLsn;
  private long offerSequence = RingBuffer.INITIAL_CURSOR_VALUE;
  private volatile long violations;
  private volatile long journaledLsn;
  private volatile long confirmedLsn;
  private volatile long flushedLsn;
  private volatile long oldestPendingCommitMicros;

  /**
   * @param decoded   sequence of the decode stage, or of the stage running it (commit times are valid up to it)
   * @param journaled sequence of the journal stage
   * @param confirmed sequence up to which the broker acknowledged every message
   * @param startLsn  the slot's confirmed position when streaming started
   */
  public ConfirmTracker(RingBuffer<RingEvent> ring, Sequence decoded, Sequence journaled, Sequence confirmed,
      long startLsn) {
    this.ring = ring;
    this.mask = ring.getBufferSize() - 1;
    this.commitOf = new long[ring.getBufferSize()];
    this.endOf = new long[ring.getBufferSize()];
    this.decoded = decoded;
    this.journaled = journaled;
    this.confirmed = confirmed;
    this.journaledLsn = startLsn;
    this.confirmedLsn = startLsn;
    this.flushedLsn = startLsn;
  }

  /**
   * The slot stood at {@code slotLsn} when this stream took it: raises the start position to it
   * (never lowers). A deposed leader can still move the slot between {@code prepare} and the takeover,
   * and PostgreSQL (15 at least; later versions not checked) takes a lower flush position as given, moving
   * {@code confirmed_flush_lsn} back. The server streams only what commits above the slot's position,
   * so nothing received can be below it. Call before the reader thread starts.
   */
  public void resumedAt(long slotLsn) {
    if (slotLsn > flushedLsn) {
      journaledLsn = Math.max(journaledLsn, slotLsn);
      confirmedLsn = Math.max(confirmedLsn, slotLsn);
      flushedLsn = slotLsn;
    }
  }

  /** The sequence the ring's producer must not lap: add it as the ring's gating sequence. */
  public Sequence releasedSequence() {
    return released;
  }

  /**
   * The reader is about to publish ring {@code sequence}, an event of the transaction committed at
   * {@code commitLsn} (a non-transactional event: its own LSN); {@code txEndLsn} is the end LSN of
   * a Commit (its end_lsn field, as the decode stage reads it), 0 for any other event. Call before
   * publishing it.
   */
  public void published(long sequence, long commitLsn, long txEndLsn) {
    int slot = (int) sequence & mask;
    commitOf[slot] = commitLsn;
    endOf[slot] = txEndLsn;
  }

  /**
   * The reader holds (part of) the transaction committed at {@code commitLsn} that is not fully in
   * the ring yet; {@link #NONE} once its Commit is published (or it was dropped).
   */
  public void receiving(long commitLsn) {
    receivingCommit = commitLsn;
  }

  /**
   * The server has sent every transaction that commits below {@code lsn}, and each of them that
   * pgcdc delivers is in the ring at or below {@code sequence}: once {@code sequence} is released,
   * the flushed LSN may follow {@code lsn} (an idle or fully filtered slot never holds WAL back).
   */
  public void serverReached(long lsn, long sequence) {
    if (lsn > offerLsn) {
      offerLsn = lsn;
      offerSequence = Math.max(offerSequence, sequence);
      advance(released.get());
    }
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
    long releasedTo = Math.min(j, c);
    updateOldestPending(releasedTo);
    released.set(releasedTo);
    advance(releasedTo);
  }

  private void advance(long releasedTo) {
    long candidate = Math.min(journaledLsn, confirmedLsn);
    String source = "commit";
    if (releasedTo >= offerSequence && offerLsn > candidate) {
      candidate = offerLsn;
      source = "server";
    }
    long current = flushedLsn;
    if (candidate <= current) {
      return;
    }
    long limit = limit(releasedTo);
    if (candidate > limit) {
      violations++;
      LOG.error("flushed LSN candidate {} ({}) is past commit {} of a transaction not yet journaled and confirmed;"
          + " holding the flushed LSN at {} (pgcdc bug, please report this line)", Lsn.format(candidate), source,
          Lsn.format(limit), Lsn.format(Math.max(current, limit)));
      if (source.equals("server")) {
        // The offer proved nothing: forget it rather than apply it later.
        offerLsn = 0;
        offerSequence = RingBuffer.INITIAL_CURSOR_VALUE;
      }
      candidate = limit;
      if (candidate <= current) {
        return;
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("flushed {} -> {} by {} (journaled {}, confirmed {}, server offer {} at seq {}, released {},"
          + " cursor {}, transaction being read {}, limit {})", Lsn.format(current), Lsn.format(candidate), source,
          Lsn.format(journaledLsn), Lsn.format(confirmedLsn), Lsn.format(offerLsn), offerSequence, releasedTo,
          ring.getCursor(), receivingCommit == NONE ? "none" : Lsn.format(receivingCommit),
          limit == NONE ? "none" : Lsn.format(limit));
    }
    flushedLsn = candidate;
  }

  /** The lowest commit LSN the flushed LSN must not pass: oldest unreleased event, transaction being read. */
  private long limit(long releasedTo) {
    long limit = receivingCommit;
    if (releasedTo < ring.getCursor()) {
      limit = Math.min(limit, commitOf[(int) (releasedTo + 1) & mask]);
    }
    return limit;
  }

  /** The end LSN of the last Commit in (from, to], or {@code lsn} when there is none. */
  private long scan(long from, long to, long lsn) {
    // Newest first: the first Commit found is the answer (a 10 000-row transaction costs one pass).
    for (long s = to; s > from; s--) {
      long end = endOf[(int) s & mask];
      if (end != 0) {
        return end;
      }
    }
    return lsn;
  }

  private void updateOldestPending(long releasedTo) {
    long next = releasedTo + 1;
    if (next <= ring.getCursor() && next <= decoded.get()) {
      long pgMicros = ring.get(next).commitMicros;
      oldestPendingCommitMicros = pgMicros == 0 ? 0 : pgMicros + PgTimestamp.POSTGRES_EPOCH_MICROS;
    } else {
      oldestPendingCommitMicros = 0;
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

  /** Times a flushed-LSN candidate was found past a pending commit and held back (always 0 unless a bug). */
  public long violations() {
    return violations;
  }
}
