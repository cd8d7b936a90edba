package io.pgcdc.perf.decoder;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * Decode rate per CPU-second of the decoding thread, as a cross-check of JMH's wall-clock figures
 * on a shared, overloaded machine: time the thread spends descheduled does not count. It calls
 * the {@link DecoderBenchmark} methods themselves, so both measure the same code. One kind per
 * JVM, so the call site stays monomorphic as it is in JMH.
 *
 * <pre>java -cp perf/target/benchmarks.jar io.pgcdc.perf.decoder.DecoderCpuRate insert [seconds] [rounds]</pre>
 */
public final class DecoderCpuRate {
  private static final int BATCH = 1_000_000;

  private DecoderCpuRate() {
  }

  private static LongSupplier operation(DecoderBenchmark b, String kind) {
    return switch (kind) {
      case "insert" -> b::insert;
      case "insertInStream" -> b::insertInStream;
      case "begin" -> b::begin;
      case "commit" -> b::commit;
      case "updateWithKey" -> b::updateWithKey;
      case "updateFull" -> b::updateFull;
      case "delete" -> b::delete;
      case "truncate" -> b::truncate;
      case "logicalMessage" -> b::logicalMessage;
      case "relationUnchanged" -> () -> b.relationUnchanged() ? 1 : 0;
      default -> throw new IllegalArgumentException("unknown kind '" + kind
          + "': one of insert, insertInStream, begin, commit, updateWithKey, updateFull, delete,"
          + " truncate, logicalMessage, relationUnchanged");
    };
  }

  public static void main(String[] args) {
    String kind = args.length > 0 ? args[0] : "insert";
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    DecoderBenchmark benchmark = new DecoderBenchmark();
    benchmark.setUp();
    LongSupplier op = operation(benchmark, kind);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    double[] rates = new double[rounds + 3];
    for (int round = 0; round < rates.length; round++) {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long wallStart = System.nanoTime();
      long messages = 0;
      while (System.nanoTime() - wallStart < seconds * 1e9) {
        for (int i = 0; i < BATCH; i++) {
          sink += op.getAsLong();
        }
        messages += BATCH;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      long wall = System.nanoTime() - wallStart;
      rates[round] = messages / (cpu / 1e9);
      System.out.printf("%s %s %d: %.2f M msg/s per CPU-second (%.2f M/s wall, cpu share %.0f%%)%n",
          kind, round < 3 ? "warmup" : "round", round, rates[round] / 1e6, messages / (wall / 1e9) / 1e6, 100.0 * cpu / wall);
    }
    double mean = 0;
    for (int r = 3; r < rates.length; r++) {
      mean += rates[r] / rounds;
    }
    double var = 0;
    for (int r = 3; r < rates.length; r++) {
      var += (rates[r] - mean) * (rates[r] - mean) / Math.max(1, rounds - 1);
    }
    System.out.printf("%s: %.2f ± %.2f M messages per CPU-second (mean ± stdev of %d rounds; sink %d)%n",
        kind, mean / 1e6, Math.sqrt(var) / 1e6, rounds, sink & 1);
  }
}
