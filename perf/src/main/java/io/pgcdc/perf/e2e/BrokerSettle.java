package io.pgcdc.perf.e2e;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Waits until RabbitMQ has settled before a measured phase: its queue is empty and its node used
 * less than {@link #MAX_BROKER_CORES} of a core over the last {@link #QUIET_SECONDS}. After a
 * purge or delete of a large queue the broker spends seconds cleaning up in the background; a
 * latency or throughput phase started then measures that clean-up, not steady state. Gives up after
 * {@link #TIMEOUT} (another user of the machine may keep the broker busy) and says so. Runs on the
 * caller's thread.
 */
final class BrokerSettle {

  static final double MAX_BROKER_CORES = 0.10;
  static final double QUIET_SECONDS = 2.0;
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 250;

  private BrokerSettle() {
  }

  /** How long the wait before {@code before} took, whether the broker settled, and its last CPU use (cores). */
  record Wait(String before, double seconds, boolean settled, double brokerCores) { }

  /**
   * Decides quietness from samples (time, broker CPU seconds so far, queue depth): true once the
   * queue has been empty for {@code quietSeconds} and the broker's CPU over that span is below
   * {@code maxCores}. Not thread-safe; one per wait.
   */
  static final class Detector {
    private final double quietSeconds;
    private final double maxCores;
    private final Deque<double[]> window = new ArrayDeque<>();
    private double lastCores = Double.NaN;

    Detector(double quietSeconds, double maxCores) {
      this.quietSeconds = quietSeconds;
      this.maxCores = maxCores;
    }

    boolean offer(double seconds, double brokerCpuSeconds, long queueDepth) {
      if (queueDepth > 0) {
        window.clear();
      }
      window.addLast(new double[] {seconds, Double.isNaN(brokerCpuSeconds) ? 0 : brokerCpuSeconds});
      // keep the shortest span that still covers quietSeconds
      while (window.size() > 2 && seconds - secondOldest()[0] >= quietSeconds) {
        window.removeFirst();
      }
      double[] oldest = window.peekFirst();
      double span = seconds - oldest[0];
      if (span <= 0) {
        return false;
      }
      lastCores = (window.peekLast()[1] - oldest[1]) / span;
      return queueDepth == 0 && span >= quietSeconds && lastCores < maxCores;
    }

    /** Broker cores over the current span (NaN before two samples). */
    double lastCores() {
      return lastCores;
    }

    private double[] secondOldest() {
      var it = window.iterator();
      it.next();
      return it.next();
    }
  }

  /** Polls every 250 ms until settled or {@link #TIMEOUT}; prints and returns how long it took. */
  static Wait await(String before, DoubleSupplier brokerSeconds, Sampler.Probe queueDepth) throws Exception {
    Detector detector = new Detector(QUIET_SECONDS, MAX_BROKER_CORES);
    long t0 = System.nanoTime();
    long deadline = t0 + TIMEOUT.toNanos();
    boolean settled = false;
    while (!settled && System.nanoTime() < deadline) {
      settled = detector.offer((System.nanoTime() - t0) / 1e9, brokerSeconds.getAsDouble(),
          (long) queueDepth.read());
      if (!settled) {
        Thread.sleep(POLL_MILLIS);
      }
    }
    Wait wait = new Wait(before, (System.nanoTime() - t0) / 1e9, settled, detector.lastCores());
    System.out.printf(Locale.ROOT, "bench: broker %s before %s after %.1f s (beam.smp %.0f%% of a core over the"
            + " last %.0f s; limit %.0f%%, queue empty)%n", settled ? "settled" : "did NOT settle", before,
        wait.seconds(), 100 * wait.brokerCores(), QUIET_SECONDS, 100 * MAX_BROKER_CORES);
    return wait;
  }
}
