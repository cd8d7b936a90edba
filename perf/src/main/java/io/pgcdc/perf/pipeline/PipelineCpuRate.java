package io.pgcdc.perf.pipeline;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time per event of every thread of {@link NoIoPipeline}, as a cross-check of JMH's wall-clock
 * score on a shared machine and as the no-I/O counterpart of the end-to-end bench's per-thread
 * figures: time a thread spends descheduled or parked does not count. Each round streams
 * transactions for the given seconds, then drains the ring, so every event counted has passed
 * every stage; the first three rounds are warm-up.
 *
 * <pre>java -cp perf/target/benchmarks.jar io.pgcdc.perf.pipeline.PipelineCpuRate none|transaction parking|busySpin [rows] [seconds] [rounds]</pre>
 */
public final class PipelineCpuRate {
  private static final int WARMUP_ROUNDS = 3;

  private PipelineCpuRate() {
  }

  public static void main(String[] args) {
    NoIoPipeline.Batch batch = NoIoPipeline.Batch.valueOf(args.length > 0 ? args[0] : "none");
    NoIoPipeline.Wait wait = NoIoPipeline.Wait.valueOf(args.length > 1 ? args[1] : "parking");
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : PipelineBenchmark.ROWS;
    double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 3;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (NoIoPipeline pipeline = new NoIoPipeline(batch, wait)) {
      pipeline.transaction(1);
      pipeline.drain();
      List<String> names = new ArrayList<>(List.of("reader (JMH thread)"));
      List<Long> ids = new ArrayList<>(List.of(Thread.currentThread().getId()));
      for (Thread t : pipeline.threads()) {
        names.add(t.getName());
        ids.add(t.getId());
      }
      System.out.printf("batch=%s wait=%s rows/transaction=%d, %s s per round%n", batch, wait, rows, seconds);
      double[] totals = new double[rounds];
      for (int round = 0; round < WARMUP_ROUNDS + rounds; round++) {
        long[] cpu0 = new long[ids.size()];
        long[] alloc0 = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
          cpu0[i] = mx.getThreadCpuTime(ids.get(i));
          alloc0[i] = mx.getThreadAllocatedBytes(ids.get(i));
        }
        long wall0 = System.nanoTime();
        long events = 0;
        while (System.nanoTime() - wall0 < seconds * 1e9) {
          pipeline.transaction(rows);
          events += rows;
        }
        pipeline.drain();
        long wall = System.nanoTime() - wall0;
        StringBuilder line = new StringBuilder();
        double total = 0;
        long allocated = 0;
        for (int i = 0; i < ids.size(); i++) {
          double us = (mx.getThreadCpuTime(ids.get(i)) - cpu0[i]) / 1e3 / events;
          long bytes = mx.getThreadAllocatedBytes(ids.get(i)) - alloc0[i];
          total += us;
          allocated += bytes;
          line.append(String.format("  %s %.3f µs %.3f B", names.get(i), us, (double) bytes / events));
        }
        System.out.printf("%s %d: %.0f events/s wall, %.3f µs CPU/event (all pipeline threads), %.4f B/event;%s%n",
            round < WARMUP_ROUNDS ? "warmup" : "round", round, events / (wall / 1e9), total,
            (double) allocated / events, line);
        if (round >= WARMUP_ROUNDS) {
          totals[round - WARMUP_ROUNDS] = total;
        }
      }
      double mean = 0;
      for (double t : totals) {
        mean += t / rounds;
      }
      double var = 0;
      for (double t : totals) {
        var += (t - mean) * (t - mean) / Math.max(1, rounds - 1);
      }
      System.out.printf("%s %s: %.3f ± %.3f µs of CPU per event over all pipeline threads"
          + " (= %.2f M events per CPU-second; mean ± stdev of %d rounds)%n", batch, wait, mean, Math.sqrt(var),
          1 / mean, rounds);
    }
  }
}
