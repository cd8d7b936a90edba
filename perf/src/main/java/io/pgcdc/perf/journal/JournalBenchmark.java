package io.pgcdc.perf.journal;

import io.pgcdc.journal.Journal;
import io.pgcdc.journal.JournalAppender;
import io.pgcdc.journal.JournalConfig;
import io.pgcdc.journal.JournalReader;
import io.pgcdc.journal.JournalRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Journal append and read throughput for 200 B and 1 KB bodies (plus the five pgcdc headers,
 * message-id, routing key: what the engine journals per message). Each iteration appends into a
 * fresh directory under {@code java.io.tmpdir}, deleted afterwards.
 *
 * <p>Run with the Chronicle JVM flags (JMH forks inherit them):
 * {@code java $(cat tools/target/jvm.options) -jar perf/target/benchmarks.jar JournalBenchmark -prof gc}
 *
 * <p>{@link #main} is a cross-check for a loaded machine: entries per CPU-second of the one
 * appending/reading thread (user + system time, so page faults of the mapped file count), and
 * bytes allocated per entry from the thread's allocation counter.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class JournalBenchmark {

  /** Appender on one thread, as the engine's JournalHandler. */
  @State(Scope.Thread)
  public static class Append {
    @Param({"200", "1024"})
    int bodySize;

    Path dir;
    Journal journal;
    JournalAppender appender;
    final JournalRecord record = new JournalRecord();
    long lsn = 0x1000000L;

    @Setup(Level.Iteration)
    public void open() throws IOException {
      dir = Files.createTempDirectory("pgcdc-journal-bench");
      journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 1L << 40));
      appender = journal.appender();
      fill(record, bodySize);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
      journal.close();
      delete(dir);
    }
  }

  /** A journal of {@link #ENTRIES} entries read round and round by one reader. */
  @State(Scope.Thread)
  public static class Read {
    static final int ENTRIES = 500_000;

    @Param({"200", "1024"})
    int bodySize;

    Path dir;
    Journal journal;
    JournalReader reader;
    final JournalRecord record = new JournalRecord();

    @Setup(Level.Trial)
    public void fillJournal() throws IOException {
      dir = Files.createTempDirectory("pgcdc-journal-bench");
      journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 1L << 40));
      JournalRecord r = fill(new JournalRecord(), bodySize);
      for (long i = 0; i < ENTRIES; i++) {
        journal.appender().append(r.lsn(0x1000000L + i * 0x100).commitLsn(0x1000000L + i * 0x100 + 0x80));
      }
      reader = journal.reader();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      reader.close();
      journal.close();
      delete(dir);
    }
  }

  @Benchmark
  public long append(Append s) {
    long lsn = s.lsn += 0x100;
    s.appender.append(s.record.lsn(lsn).commitLsn(lsn + 0x80));
    return lsn;
  }

  @Benchmark
  public long read(Read s) {
    if (!s.reader.next(s.record)) {
      s.reader.toStart();
      s.reader.next(s.record);
    }
    return s.record.lsn();
  }

  /**
   * {@code java $(cat tools/target/jvm.options) -cp perf/target/benchmarks.jar
   * io.pgcdc.perf.journal.JournalBenchmark [bodySize=200] [rounds=4] [entries=1000000]}
   */
  public static void main(String[] args) throws IOException {
    int bodySize = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int entries = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    JournalBenchmark benchmark = new JournalBenchmark();
    for (int round = 1; round <= rounds; round++) {
      Append append = new Append();
      append.bodySize = bodySize;
      append.open();
      long cpu = threads.getCurrentThreadCpuTime();
      long allocated = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < entries; i++) {
        benchmark.append(append);
      }
      report("append", round, bodySize, entries, threads, cpu, allocated);
      JournalReader reader = append.journal.reader();
      JournalRecord record = new JournalRecord();
      cpu = threads.getCurrentThreadCpuTime();
      allocated = threads.getCurrentThreadAllocatedBytes();
      int read = 0;
      while (reader.next(record)) {
        read++;
      }
      report("read", round, bodySize, read, threads, cpu, allocated);
      reader.close();
      append.close();
    }
  }

  private static void report(String what, int round, int bodySize, long n,
                             com.sun.management.ThreadMXBean threads, long cpuBefore, long allocatedBefore) {
    double seconds = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
    double bytesPerOp = (threads.getCurrentThreadAllocatedBytes() - allocatedBefore) / (double) n;
    System.out.printf("%-6s body=%4d B round %d: %,d entries, %,.0f per CPU-second, %.3f B/op%n",
        what, bodySize, round, n, n / seconds, bytesPerOp);
  }

  static JournalRecord fill(JournalRecord r, int bodySize) {
    byte[] body = new byte[bodySize];
    Arrays.fill(body, (byte) 'x');
    byte[] json = "{\"id\":\"pgcdc_slot/0/16B37A0/0\",\"op\":\"U\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(json, 0, body, 0, Math.min(json.length, bodySize));
    return r.xid(745).epoch(1).ordinal(0).commitTimeMicros(1_795_000_000_000_000L).op('U')
        .messageId("pgcdc_slot/0/16B37A0/0").contentType("application/json").routingKey("public.users")
        .body(body, 0, body.length)
        .clearHeaders()
        .header("pgcdc-lsn", "0/16B3748").header("pgcdc-commit-lsn", "0/16B37A0")
        .header("pgcdc-xid", 745L).header("pgcdc-op", "U").header("pgcdc-epoch", 1L);
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
