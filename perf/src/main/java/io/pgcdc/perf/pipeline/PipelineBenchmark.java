package io.pgcdc.perf.pipeline;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of pgcdc's Disruptor pipeline without I/O ({@link NoIoPipeline}): the JMH thread is
 * the slot reader, streaming whole transactions of 8-column inserts through decode, encode and the
 * journal and publish stand-ins. One invocation publishes one transaction; the score is per row
 * event ({@link OperationsPerInvocation}), so ops/s = events/s and {@code gc.alloc.rate.norm} =
 * bytes per event, summed over every thread of the JVM (JMH reads the JVM-wide allocation counter).
 *
 * <p>The producer blocks only when the ring is full, so once the ring has filled (within the first
 * warm-up iteration) the score is the rate of the slowest stage, not a latency. Up to one ring of
 * events (8 192 or 16 384) may still be in flight when an iteration's clock stops; the trial's
 * tear-down drains them.
 *
 * <pre>
 *   java -jar perf/target/benchmarks.jar PipelineBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class PipelineBenchmark {
  /** Rows of a big transaction (the end-to-end bench uses 10 000; the Begin/Commit share is 0.2 % here). */
  static final int ROWS = 1000;

  @Param({"none", "transaction"})
  public String batch;

  @Param({"parking", "busySpin"})
  public String waitStrategy;

  NoIoPipeline pipeline;

  @Setup(Level.Trial)
  public void setUp() {
    pipeline = new NoIoPipeline(NoIoPipeline.Batch.valueOf(batch), NoIoPipeline.Wait.valueOf(waitStrategy));
    // The Relation (and its schema event) goes with this first transaction, outside the measurement.
    pipeline.transaction(1);
    pipeline.drain();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pipeline.drain();
    pipeline.close();
  }

  /** Transactions of {@value #ROWS} inserts: Begin, 1000 × Insert, Commit. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public void transactionOf1000Rows() {
    pipeline.transaction(ROWS);
  }

  /** Single-row transactions: Begin, Insert, Commit (three ring events per row event). */
  @Benchmark
  public void singleRowTransaction() {
    pipeline.transaction(1);
  }
}
