package io.pgcdc.perf.values;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/**
 * Rows (or single values) rendered per CPU-second of the rendering thread, and bytes
 * allocated per operation, as a
 * cross-check of JMH's wall-clock figures on a shared, overloaded machine (time the thread
 * spends descheduled does not count). Calls {@link ValueRenderBenchmark#row()} itself, so both
 * measure the same code.
 *
 * <pre>java -cp perf/target/benchmarks.jar io.pgcdc.perf.values.ValueRenderCpuRate [row|text|timestamptz|textArray] [seconds] [rounds]</pre>
 *
 * <p>One kind per JVM, so the call site stays monomorphic as it is in JMH.
 */
public final class ValueRenderCpuRate {
  private static final int BATCH = 100_000;
  private static final int WARMUP_ROUNDS = 3;

  private ValueRenderCpuRate() {
  }

  /** One benchmark operation; returns the bytes it wrote. */
  private interface Operation {
    int run() throws IOException;
  }

  private static Operation operation(ValueRenderBenchmark b, String kind) {
    return switch (kind) {
      case "row" -> b::row;
      case "text" -> b::text;
      case "timestamptz" -> b::timestamptz;
      case "textArray" -> b::textArray;
      default -> throw new IllegalArgumentException(
          "unknown kind '" + kind + "': one of row, text, timestamptz, textArray");
    };
  }

  public static void main(String[] args) throws IOException {
    String kind = args.length > 0 ? args[0] : "row";
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ValueRenderBenchmark benchmark = new ValueRenderBenchmark();
    benchmark.setUp();
    Operation op = operation(benchmark, kind);
    long sink = 0;
    for (int round = 0; round < WARMUP_ROUNDS + rounds; round++) {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long allocatedStart = threads.getCurrentThreadAllocatedBytes();
      long wallStart = System.nanoTime();
      long rows = 0;
      while (System.nanoTime() - wallStart < seconds * 1e9) {
        for (int i = 0; i < BATCH; i++) {
          sink += op.run();
        }
        rows += BATCH;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedStart;
      long wall = System.nanoTime() - wallStart;
      System.out.printf("%s %s round %d: %,.0f ops/CPU-s, %,.0f ops/wall-s, %.3f B/op%n",
          kind, round < WARMUP_ROUNDS ? "warmup" : "measure", round, rows / (cpu / 1e9),
          rows / (wall / 1e9), (double) allocated / rows);
    }
    benchmark.tearDown();
    System.out.println("(sink " + sink + ")");
  }
}
