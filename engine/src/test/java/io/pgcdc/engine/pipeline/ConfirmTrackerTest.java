package io.pgcdc.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.junit.jupiter.api.Test;

class ConfirmTrackerTest {
  private final RingBuffer<RingEvent> ring = RingBuffer.createSingleProducer(RingEvent::new, 16);
  private final Sequence decoded = new Sequence(-1);
  private final Sequence journaled = new Sequence(-1);
  private final Sequence confirmed = new Sequence(-1);
  private final ConfirmTracker tracker = new ConfirmTracker(ring, decoded, journaled, confirmed, 100);

  {
    ring.addGatingSequences(tracker.releasedSequence());
  }

  /** Publishes one event; a non-zero {@code txEnd} makes it a Commit. */
  private long publish(long txEnd) {
    long s = ring.next();
    ring.get(s).copyWal(0, new byte[] {'X'}, 0, 1);
    ring.get(s).txEndLsn = txEnd;
    ring.publish(s);
    decoded.set(s);
    return s;
  }

  @Test
  void flushedIsTheLastCommitBothJournaledAndConfirmed() {
    publish(0);
    long commit1 = publish(200);
    publish(0);
    long commit2 = publish(300);
    journaled.set(commit2);
    confirmed.set(commit1);
    tracker.release();
    assertThat(tracker.journaledLsn()).isEqualTo(300);
    assertThat(tracker.confirmedLsn()).isEqualTo(200);
    assertThat(tracker.flushedLsn()).isEqualTo(200);
    assertThat(tracker.releasedSequence().get()).isEqualTo(commit1);
  }

  @Test
  void aConfirmedButUnjournaledTransactionIsNotFlushed() {
    publish(0);
    long commit = publish(200);
    confirmed.set(commit);
    journaled.set(commit - 1);
    tracker.release();
    assertThat(tracker.flushedLsn()).isEqualTo(100);
    assertThat(tracker.occupancy()).isEqualTo(1);
  }

  @Test
  void aTransactionConfirmedOnlyUpToItsMiddleIsNotFlushed() {
    publish(0);
    long insert = publish(0);
    long commit = publish(200);
    journaled.set(commit);
    confirmed.set(insert);
    tracker.release();
    assertThat(tracker.flushedLsn()).isEqualTo(100);
  }

  @Test
  void followsTheServerOnlyWhenEverythingIsReleasedAndNoTransactionIsOpen() {
    long commit = publish(200);
    tracker.followServer(500, false);
    assertThat(tracker.flushedLsn()).as("event not yet released").isEqualTo(100);
    journaled.set(commit);
    confirmed.set(commit);
    tracker.release();
    tracker.followServer(500, true);
    assertThat(tracker.flushedLsn()).as("transaction open").isEqualTo(200);
    tracker.followServer(500, false);
    assertThat(tracker.flushedLsn()).isEqualTo(500);
  }

  @Test
  void neverMovesBackwards() {
    tracker.followServer(900, false);
    long commit = publish(200);
    journaled.set(commit);
    confirmed.set(commit);
    tracker.release();
    assertThat(tracker.flushedLsn()).isEqualTo(900);
    tracker.followServer(400, false);
    assertThat(tracker.flushedLsn()).isEqualTo(900);
  }

  @Test
  void releasingFreesRingCapacityForTheProducer() {
    for (int i = 0; i < 16; i++) {
      publish(i % 2 == 1 ? 200 + i : 0);
    }
    assertThat(ring.hasAvailableCapacity(1)).isFalse();
    journaled.set(7);
    confirmed.set(9);
    tracker.release();
    assertThat(ring.remainingCapacity()).isEqualTo(8);
    assertThat(tracker.flushedLsn()).isEqualTo(207);
  }
}
