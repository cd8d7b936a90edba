package io.pgcdc.perf.e2e;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a cumulative counter every {@link #PERIOD_MILLIS} on its own daemon thread
 * ({@code bench-sampler}) into a {@link Series}, with time counted from construction. A failing
 * probe is reported once and sampling goes on (a benchmark should not die of one slow query).
 */
final class Sampler implements AutoCloseable {

  static final long PERIOD_MILLIS = 250;

  /** Reads the counter; may block briefly (a SQL query, a passive queue declare). */
  @FunctionalInterface
  interface Probe {
    double read() throws Exception;
  }

  private final long t0 = System.nanoTime();
  private final Series series;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-sampler");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean reported;

  Sampler(Series series, Probe probe) {
    this.series = series;
    timer.scheduleAtFixedRate(() -> sample(probe), 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Seconds since this sampler started. */
  double elapsedSeconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  private void sample(Probe probe) {
    try {
      double value = probe.read();
      series.add(elapsedSeconds(), value);
    } catch (Exception e) {
      if (!reported) {
        reported = true;
        System.err.println("bench: sampling " + series.name() + " failed: " + e);
      }
    }
  }

  /** Takes one last sample, then stops the thread. */
  void finish(Probe probe) {
    timer.shutdown();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample(probe);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
