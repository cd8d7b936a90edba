package io.pgcdc.perf.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Takes one reading a second, from now until {@link #stop()}, on its own daemon thread, and turns
 * the readings into per-interval series when stopped: the shared part of {@link CpuTimeline} and
 * {@link DiskTimeline}. {@link #stop()} is called by the thread that created it.
 *
 * @param <S> one reading of cumulative counters
 */
final class SecondSampler<S> {

  private final Supplier<S> reading;
  private final Function<List<S>, List<Series>> perInterval;
  private final List<S> samples = new ArrayList<>();
  private final ScheduledExecutorService timer;

  /**
   * Starts sampling; {@code reading} returns null when there is nothing to read this second, and
   * {@code perInterval} turns consecutive readings into series.
   */
  SecondSampler(String threadName, Supplier<S> reading, Function<List<S>, List<Series>> perInterval) {
    this.reading = reading;
    this.perInterval = perInterval;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  private void sample() {
    S s = reading.get();
    if (s != null) {
      synchronized (samples) {
        samples.add(s);
      }
    }
  }

  /** Stops sampling (one last reading) and returns the per-interval series. */
  List<Series> stop() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
    sample();
    synchronized (samples) {
      return perInterval.apply(List.copyOf(samples));
    }
  }
}
