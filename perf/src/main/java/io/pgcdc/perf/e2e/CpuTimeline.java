package io.pgcdc.perf.e2e;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * CPU second by second during the live phase: the broker node's and the consumer's cores, and the
 * machine's busy and iowait shares, so a latency spike in the per-second chart can be matched with
 * who was busy (or waiting on disk) at that moment. Samples once a second ({@link SecondSampler},
 * thread {@code bench-cpu-timeline}); {@link #stop()} is called by the thread that started it.
 */
final class CpuTimeline {

  /** One reading: seconds since start, cumulative CPU seconds of broker and consumer, machine ticks. */
  record Sample(double seconds, double brokerSeconds, double consumerSeconds, ProcCpu.MachineTicks machine) { }

  private final long t0 = System.nanoTime();
  private final SecondSampler<Sample> sampler;

  CpuTimeline(DoubleSupplier broker, DoubleSupplier consumer) {
    sampler = new SecondSampler<>("bench-cpu-timeline", () -> new Sample((System.nanoTime() - t0) / 1e9,
        broker.getAsDouble(), consumer.getAsDouble(), ProcCpu.machine()), CpuTimeline::perInterval);
  }

  /** Stops sampling (one last sample) and returns the per-second series. */
  List<Series> stop() throws InterruptedException {
    return sampler.stop();
  }

  /** Between consecutive samples: broker and consumer cores, machine busy % and iowait % of all cores. */
  static List<Series> perInterval(List<Sample> samples) {
    Series broker = new Series("broker cores", "cores");
    Series consumer = new Series("consumer cores", "cores");
    Series busy = new Series("machine busy %", "%");
    Series iowait = new Series("machine iowait %", "%");
    for (int i = 1; i < samples.size(); i++) {
      Sample a = samples.get(i - 1);
      Sample b = samples.get(i);
      double dt = b.seconds() - a.seconds();
      long ticks = b.machine().total() - a.machine().total();
      if (dt <= 0 || ticks <= 0) {
        continue;
      }
      broker.add(b.seconds(), (b.brokerSeconds() - a.brokerSeconds()) / dt);
      consumer.add(b.seconds(), (b.consumerSeconds() - a.consumerSeconds()) / dt);
      busy.add(b.seconds(), 100.0 * (b.machine().busy() - a.machine().busy()) / ticks);
      iowait.add(b.seconds(), 100.0 * (b.machine().iowait() - a.machine().iowait()) / ticks);
    }
    return List.of(broker, consumer, busy, iowait);
  }

  /** One line per run log: "t: broker/consumer cores busy%/iowait%" for each second. */
  static String describe(List<Series> series) {
    List<Series.Point> broker = series.get(0).points();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < broker.size(); i++) {
      out.append(String.format(Locale.ROOT, " %.0fs %.2f/%.2f %.0f%%/%.0f%%;", broker.get(i).seconds(),
          broker.get(i).value(), series.get(1).points().get(i).value(), series.get(2).points().get(i).value(),
          series.get(3).points().get(i).value()));
    }
    return out.toString();
  }
}
