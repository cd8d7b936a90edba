package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The machine's disks second by second during (d), from {@code /proc/diskstats} (whole disks, not
 * partitions, summed): writes and cache flushes completed (an {@code fsync} on ext4 is one flush),
 * and the milliseconds the device spent on them, so a latency spike can be matched with a slow or
 * busy disk (RabbitMQ's and PostgreSQL's fsyncs both land here). Samples once a second
 * ({@link SecondSampler}, thread {@code bench-disk-timeline}); {@link #stop()} is called by the
 * thread that started it. On a system without {@code /proc/diskstats} every series stays empty.
 */
final class DiskTimeline {

  private static final Path DISKSTATS = Path.of("/proc/diskstats");
  private static final Pattern WHOLE_DISK = Pattern.compile("(?:[shv]d[a-z]+|xvd[a-z]+|nvme\\d+n\\d+)");

  /** Cumulative counters of all whole disks at one moment. */
  record Counters(double seconds, long writes, long writeMillis, long flushes, long flushMillis) { }

  private final long t0 = System.nanoTime();
  private final SecondSampler<Counters> sampler =
      new SecondSampler<>("bench-disk-timeline", this::read, DiskTimeline::perInterval);

  /** The counters now, or null without a readable {@code /proc/diskstats} (the timeline stays empty). */
  private Counters read() {
    try {
      return parse((System.nanoTime() - t0) / 1e9, Files.readAllLines(DISKSTATS));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Sums whole disks' fields: writes completed (5th after the name), ms writing (8th), flushes
   * completed (15th) and ms flushing (16th, kernel 5.5+; 0 when absent).
   */
  static Counters parse(double seconds, List<String> lines) {
    long writes = 0;
    long writeMillis = 0;
    long flushes = 0;
    long flushMillis = 0;
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 11 || !WHOLE_DISK.matcher(f[2]).matches()) {
        continue;
      }
      writes += Long.parseLong(f[7]);
      writeMillis += Long.parseLong(f[10]);
      if (f.length >= 20) {
        flushes += Long.parseLong(f[18]);
        flushMillis += Long.parseLong(f[19]);
      }
    }
    return new Counters(seconds, writes, writeMillis, flushes, flushMillis);
  }

  /** Stops sampling (one last sample) and returns writes/s, flushes/s and device ms per second of each. */
  List<Series> stop() throws InterruptedException {
    return sampler.stop();
  }

  static List<Series> perInterval(List<Counters> samples) {
    Series writes = new Series("disk writes/s", "1/s");
    Series writeMillis = new Series("disk write ms/s", "ms/s");
    Series flushes = new Series("disk flushes/s", "1/s");
    Series flushMillis = new Series("disk flush ms/s", "ms/s");
    for (int i = 1; i < samples.size(); i++) {
      Counters a = samples.get(i - 1);
      Counters b = samples.get(i);
      double dt = b.seconds() - a.seconds();
      if (dt <= 0) {
        continue;
      }
      writes.add(b.seconds(), (b.writes() - a.writes()) / dt);
      writeMillis.add(b.seconds(), (b.writeMillis() - a.writeMillis()) / dt);
      flushes.add(b.seconds(), (b.flushes() - a.flushes()) / dt);
      flushMillis.add(b.seconds(), (b.flushMillis() - a.flushMillis()) / dt);
    }
    return List.of(writes, writeMillis, flushes, flushMillis);
  }

  /** "t: writes/s (ms) flushes/s (ms)" for each second, for the run log. */
  static String describe(List<Series> series) {
    List<Series.Point> writes = series.get(0).points();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < writes.size(); i++) {
      out.append(String.format(Locale.ROOT, " %.0fs %.0f(%.0fms)/%.0f(%.0fms);", writes.get(i).seconds(),
          writes.get(i).value(), series.get(1).points().get(i).value(), series.get(2).points().get(i).value(),
          series.get(3).points().get(i).value()));
    }
    return out.toString();
  }
}
