package io.pgcdc.engine.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * Spin briefly, yield, then park in short naps; after {@code timeoutNanos} without progress throw
 * Disruptor's {@link TimeoutException} so the handler's {@code onTimeout} runs (the publish stage
 * uses it to heal a broker connection while no new events arrive).
 *
 * <p>The nap starts at {@code parkNanos} and doubles, up to {@link #MAX_NAP_FACTOR} times it, while
 * nothing arrives, and further (see {@link IdleNap}) once the stage has waited longer than
 * {@link IdleNap#GRACE_NANOS}: each wake-up costs several µs of CPU, and on 2 cores shared with
 * PostgreSQL and RabbitMQ the stages' idle polling was most of their CPU (perf/README.md, "where the
 * time goes", "Idle CPU").
 *
 * <p>Why not a blocking strategy: those take a lock on every publish, and on a 2-core machine shared
 * with PostgreSQL and RabbitMQ busy-spinning consumers steal the CPU the WAL sender needs. Parking
 * costs the producer nothing and adds at most one nap of latency per stage.
 *
 * <p>Threading: stateless; shared by every processor of the ring.
 */
public final class ParkingWaitStrategy implements WaitStrategy {
  private static final int SPINS = 100;
  /**
   * Few yields: on 2 busy cores each one is a syscall that usually hands the core to another thread,
   * and 100 of them per idle episode made the decode and encode stages spend ~6-8 µs of CPU per
   * event waiting (JFR, perf/README.md) for ~0.1-1 µs of work.
   */
  private static final int YIELDS = 5;
  /** Longest nap, as a multiple of {@code parkNanos} (200 µs in the pipeline: at most 0.8 ms per stage). */
  static final int MAX_NAP_FACTOR = 4;

  private final long parkNanos;
  private final long timeoutNanos;

  public ParkingWaitStrategy(long parkNanos, long timeoutNanos) {
    this.parkNanos = parkNanos;
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, InterruptedException, TimeoutException {
    long available;
    int counter = SPINS + YIELDS;
    long deadline = 0;
    long nap = parkNanos;
    while ((available = dependentSequence.get()) < sequence) {
      barrier.checkAlert();
      if (counter > YIELDS) {
        counter--;
        Thread.onSpinWait();
      } else if (counter > 0) {
        counter--;
        Thread.yield();
      } else {
        long now = System.nanoTime();
        if (deadline == 0) {
          deadline = now + timeoutNanos;
        } else if (now - deadline > 0) {
          throw TimeoutException.INSTANCE;
        }
        LockSupport.parkNanos(nap);
        nap = IdleNap.next(nap, parkNanos * MAX_NAP_FACTOR, now - (deadline - timeoutNanos));
      }
    }
    return available;
  }

  @Override
  public void signalAllWhenBlocking() {
    // Consumers park on a timer; nothing to wake.
  }
}
