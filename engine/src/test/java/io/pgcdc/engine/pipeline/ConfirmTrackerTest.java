package io.pgcdc.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.junit.jupiter.api.Test;

/**
 * The flushed-LSN invariant (SPEC §2): never past the commit LSN of a transaction received and not
 * yet journaled and confirmed. Transactions below are written as (commit LSN, end LSN): a Commit
 * record starting at {@code commit} and ending at {@code end}.
 */
class ConfirmTrackerTest {
  private final RingBuffer<RingEvent> ring = RingBuffer.createSingleProducer(RingEvent::new, 16);
  private final Sequence decoded = new Sequence(-1);
  private final Sequence journaled = new Sequence(-1);
  private final Sequence confirmed = new Sequence(-1);
  private final ConfirmTracker tracker = new ConfirmTracker(ring, decoded, journaled, confirmed, 100);

  {
    ring.addGatingSequences(tracker.releasedSequence());
  }

  /** Publishes one event of the transaction committed at {@code commit}; a non-zero {@code txEnd} makes it its Commit. */
  private long publish(long commit, long txEnd) {
    long s = ring.next();
    ring.get(s).copyWal(0, new byte[] {'X'}, 0, 1);
    ring.get(s).txEndLsn = txEnd;
    tracker.published(s, commit, txEnd);
    ring.publish(s);
    decoded.set(s);
    return s;
  }

  private void releaseUpTo(long sequence) {
    journaled.set(sequence);
    confirmed.set(sequence);
    tracker.release();
  }

  @Test
  void aSlotFoundFurtherWhenStreamingStartsIsTheStartAndIsNeverLowered() {
    tracker.resumedAt(150); // a deposed leader moved the slot after prepare() read 100
    assertThat(tracker.flushedLsn()).isEqualTo(150);
    tracker.resumedAt(120);
    assertThat(tracker.flushedLsn()).isEqualTo(150);
    long commit = publish(190, 200);
    releaseUpTo(commit);
    assertThat(tracker.flushedLsn()).isEqualTo(200);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void flushedIsTheLastCommitBothJournaledAndConfirmed() {
    publish(190, 0);
    long commit1 = publish(190, 200);
    publish(290, 0);
    long commit2 = publish(290, 300);
    journaled.set(commit2);
    confirmed.set(commit1);
    tracker.release();
    assertThat(tracker.journaledLsn()).isEqualTo(300);
    assertThat(tracker.confirmedLsn()).isEqualTo(200);
    assertThat(tracker.flushedLsn()).isEqualTo(200);
    assertThat(tracker.releasedSequence().get()).isEqualTo(commit1);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void severalTransactionsReleasedAtOnceFlushTheNewestCommitAndNotALaterBegin() {
    publish(190, 0);
    publish(190, 200);
    publish(290, 0);
    publish(290, 300);
    long begin = publish(390, 0);
    releaseUpTo(begin);
    assertThat(tracker.flushedLsn()).isEqualTo(300);
    assertThat(tracker.journaledLsn()).isEqualTo(300);
    assertThat(tracker.confirmedLsn()).isEqualTo(300);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void aConfirmedButUnjournaledTransactionIsNotFlushed() {
    publish(190, 0);
    long commit = publish(190, 200);
    confirmed.set(commit);
    journaled.set(commit - 1);
    tracker.release();
    assertThat(tracker.flushedLsn()).isEqualTo(100);
    assertThat(tracker.occupancy()).isEqualTo(1);
  }

  @Test
  void aTransactionConfirmedOnlyUpToItsMiddleIsNotFlushed() {
    publish(190, 0);
    long insert = publish(190, 0);
    long commit = publish(190, 200);
    journaled.set(commit);
    confirmed.set(insert);
    tracker.release();
    assertThat(tracker.flushedLsn()).isEqualTo(100);
  }

  @Test
  void followsAServerPositionOnlyOnceEverythingPublishedBeforeItIsReleased() {
    long commit = publish(190, 200);
    tracker.serverReached(500, commit);
    assertThat(tracker.flushedLsn()).as("event not yet released").isEqualTo(100);
    releaseUpTo(commit);
    assertThat(tracker.flushedLsn()).isEqualTo(500);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void aServerPositionOfferedWhileTheRingIsEmptyIsFollowedAtOnce() {
    tracker.serverReached(500, ring.getCursor());
    assertThat(tracker.flushedLsn()).isEqualTo(500);
  }

  @Test
  void aServerPositionIsNotFollowedForEventsPublishedAfterItUntilTheOfferedOnesAreReleased() {
    long first = publish(190, 200);
    tracker.serverReached(250, first);
    // A later transaction (commit 290) arrives; releasing only the first one is enough for 250.
    publish(290, 0);
    publish(290, 300);
    releaseUpTo(first);
    assertThat(tracker.flushedLsn()).isEqualTo(250);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void neverFollowsTheServerPastTheCommitOfAnUnreleasedTransaction() {
    // A keepalive read while a transaction is mid-flight (a bug in the caller would offer it):
    // the commit LSN recorded for the unreleased events still holds the flushed LSN.
    tracker.receiving(290);
    publish(290, 0); // Begin of a transaction committing at 290
    long insert = publish(290, 0);
    tracker.serverReached(400, -1);
    assertThat(tracker.flushedLsn()).isEqualTo(290);
    assertThat(tracker.violations()).isEqualTo(1);
    releaseUpTo(insert);
    tracker.serverReached(450, insert);
    assertThat(tracker.flushedLsn()).as("its Commit is still in the reader's hands").isEqualTo(290);
    tracker.receiving(ConfirmTracker.NONE);
    long commit = publish(290, 320);
    releaseUpTo(commit);
    assertThat(tracker.flushedLsn()).as("the offers past the limit were dropped").isEqualTo(320);
  }

  @Test
  void theTransactionInTheReadersHandsHoldsTheFlushedLsnBelowItsCommit() {
    // Every event published so far is released, but the reader holds the Commit of the transaction
    // committed at 290 (waiting for a ring slot): following the Commit's end would flush it before
    // it was ever published.
    long begin = publish(290, 0);
    releaseUpTo(begin);
    tracker.receiving(290);
    tracker.serverReached(320, begin);
    assertThat(tracker.flushedLsn()).isEqualTo(290);
    assertThat(tracker.violations()).isEqualTo(1);
    tracker.receiving(ConfirmTracker.NONE);
    long commit = publish(290, 320);
    releaseUpTo(commit);
    assertThat(tracker.flushedLsn()).isEqualTo(320);
  }

  @Test
  void aPartialTransactionLeftInTheRingByAReconnectHoldsTheFlushedLsnUntilReleased() {
    tracker.receiving(190);
    publish(190, 0); // Begin and a change received before the connection dropped; no Commit
    long change = publish(190, 0);
    tracker.receiving(ConfirmTracker.NONE); // reconnected: the server re-sends it from its Begin
    // The new stream: keepalive before the transaction is re-sent.
    tracker.serverReached(150, change);
    assertThat(tracker.flushedLsn()).isEqualTo(100);
    releaseUpTo(change);
    assertThat(tracker.flushedLsn()).isEqualTo(150);
    long again = publish(190, 0);
    long commit = publish(190, 200);
    releaseUpTo(again);
    assertThat(tracker.flushedLsn()).isEqualTo(150);
    releaseUpTo(commit);
    assertThat(tracker.flushedLsn()).isEqualTo(200);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void neverMovesBackwards() {
    tracker.serverReached(900, ring.getCursor());
    long commit = publish(990, 1000);
    tracker.serverReached(400, commit);
    releaseUpTo(commit);
    assertThat(tracker.flushedLsn()).isEqualTo(1000);
    tracker.serverReached(950, commit);
    assertThat(tracker.flushedLsn()).isEqualTo(1000);
  }

  @Test
  void releasingFreesRingCapacityForTheProducer() {
    for (int i = 0; i < 16; i++) {
      publish(200 + (i | 1) - 1, i % 2 == 1 ? 200 + i : 0);
    }
    assertThat(ring.hasAvailableCapacity(1)).isFalse();
    journaled.set(7);
    confirmed.set(9);
    tracker.release();
    assertThat(ring.remainingCapacity()).isEqualTo(8);
    assertThat(tracker.flushedLsn()).isEqualTo(207);
    assertThat(tracker.violations()).isZero();
  }
}
