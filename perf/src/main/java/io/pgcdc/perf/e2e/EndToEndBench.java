package io.pgcdc.perf.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end benchmark (issue 7, SPEC §10), one command: {@code scripts/bench.sh}. Creates
 * its own database, table, publication and three slots, writes one backlog, and measures on it
 * (a) {@code pg_recvlogical} (the WAL sender's limit; with pgoutput v1 as asked, and again with
 * v2 + streaming as pgcdc asks), (c) {@code pgcdc run} from slot to confirmed in RabbitMQ and
 * then (d) live latency at a steady rate, (b) a raw RabbitMQ publisher with pgcdc's mean
 * message size (the broker's limit; run after pgcdc because it needs that size) and, with
 * {@code --debezium}, (e) Debezium Server's RabbitMQ sink on a fourth slot. Each backlog phase is
 * also accounted in whole-machine CPU ({@link CpuMeter}: broker, PostgreSQL, consumer, idle), and
 * (d), (b) and (e) start only once the broker has settled ({@link BrokerSettle}). Prints a table,
 * writes {@code e2e-<time>.json} and {@code e2e-<time>.png}, and removes everything it created
 * (child processes included), also on failure or Ctrl-C. Main thread, plus the helpers' threads
 * named in their javadoc.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "pgcdc end-to-end bench (issue 7)",
    description = "End-to-end benchmark: pg_recvlogical vs raw RabbitMQ vs pgcdc on one backlog, then live latency;"
        + " with --debezium also Debezium Server's RabbitMQ sink on the same backlog.")
public final class EndToEndBench implements Callable<Integer> {

  /** bin/pgcdc's default PGCDC_NICE: the bench starts pgcdc as the launcher does. */
  static final int PGCDC_NICE_DEFAULT = 0;

  @Option(names = "--rows", description = "rows written in big transactions (default ${DEFAULT-VALUE})")
  long rows = 1_000_000;

  @Option(names = "--txn-size", description = "rows per big transaction (default ${DEFAULT-VALUE})")
  int txnSize = 10_000;

  @Option(names = "--backlog-warm-up", paramLabel = "ROWS", description = "rows in --txn-size transactions written"
      + " BEFORE the backlog (same table, counted in it): every consumer drains all of it (the cold rate) and the rate"
      + " after it (the steady rate of a long-running process, JIT done) is reported too (default ${DEFAULT-VALUE})")
  long backlogWarmUpRows;

  @Option(names = "--single", description = "single-row transactions after them (default ${DEFAULT-VALUE})")
  long single = 200_000;

  @Option(names = "--rate", description = "live phase: transactions per second (default ${DEFAULT-VALUE}; 0 skips it)")
  int rate = 2_000;

  @Option(names = "--seconds", description = "live phase: duration (default ${DEFAULT-VALUE})")
  int seconds = 30;

  @Option(names = "--warm-up", description = "live phase: seconds of arrivals left out of the steady-state"
      + " percentiles, besides the whole-run ones (default ${DEFAULT-VALUE})")
  double warmUpSeconds = LatencyProbe.WARM_UP_SECONDS;

  @Option(names = "--live-warm-up", description = "live phase: seconds of the same load before it, on its fresh"
      + " pgcdc process (JIT, connections; printed, not in the percentiles; 0 = none; default ${DEFAULT-VALUE})")
  int liveWarmUpSeconds = 10;

  @Option(names = "--live-lead-in", description = "live phase: seconds the same load runs, as one schedule, right"
      + " before the measured --seconds (the idle -> busy edge after the broker baseline; reported beside the"
      + " headline, not in it; default ${DEFAULT-VALUE})")
  int liveLeadInSeconds = 10;

  @Option(names = "--live-vhost", description = "live phase: 'own' = a vhost of its own made with rabbitmqctl"
      + " (falls back to the URI's when that fails), 'shared' = the URI's vhost (default ${DEFAULT-VALUE})")
  String liveVhost = "own";

  @Option(names = "--live-queue-version", description = "live phase and its broker baseline: the queues'"
      + " x-queue-version (1 or 2; 0 = the broker's default, v1 on RabbitMQ 3.10-3.12; default ${DEFAULT-VALUE}:"
      + " CQv2, what one configures for latency on 3.10+, see perf/README.md)")
  int liveQueueVersion = 2;

  @Option(names = "--live-canary-rate", description = "live phase: a raw publisher at this many msg/s runs beside it"
      + " into a queue of its own, to tell broker stalls from pgcdc's (0 = off; default ${DEFAULT-VALUE})")
  int liveCanaryRate = 100;

  @Option(names = "--live-pg-probe", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "live phase: also read a test_decoding slot beside pgcdc, to tell PostgreSQL's share of the"
      + " latency (a second logical decoder: on 2 cores it costs PostgreSQL ~70 µs per transaction and this JVM"
      + " ~0.1 core, and raised p99 from ~60 ms to 0.2-2 s in session 6; default off)")
  boolean livePgProbe;

  @Option(names = "--writers", description = "live phase: writer connections (default ${DEFAULT-VALUE})")
  int writers = 16;

  @Option(names = "--max-in-flight", description = "raw publisher's unconfirmed window, as pgcdc's sink.rabbitmq.max_in_flight (default ${DEFAULT-VALUE})")
  int maxInFlight = 4096;

  @Option(names = "--timeout", description = "per backlog phase, seconds (default ${DEFAULT-VALUE})")
  int timeoutSeconds = 1800;

  @Option(names = "--no-raw", description = "skip phase (b), the raw RabbitMQ publisher (it takes events / ~12k s"
      + " here; for runs that compare pgcdc with pg_recvlogical only)")
  boolean noRaw;

  @Option(names = "--batch", description = "pgcdc's sink.rabbitmq.batch: none, transaction or N (default ${DEFAULT-VALUE})")
  String batch = "none";

  @Option(names = "--pgcdc-jvm-arg", description = "extra JVM flag for the pgcdc child, repeatable"
      + " (e.g. -XX:StartFlightRecording=filename=/tmp/pgcdc.jfr,settings=profile)")
  List<String> pgcdcJvmArgs = new ArrayList<>();

  @Option(names = "--pgcdc-nice", description = "nice(1) increment for the pgcdc child, 0..19, as bin/pgcdc's"
      + " PGCDC_NICE (default ${DEFAULT-VALUE})")
  int pgcdcNice = PGCDC_NICE_DEFAULT;

  @Option(names = "--pgcdc-jar", description = "default ${DEFAULT-VALUE}")
  Path pgcdcJar = Path.of("tools/target/pgcdc.jar");

  @Option(names = "--jvm-options", description = "JVM flags file for pgcdc (default ${DEFAULT-VALUE})")
  Path jvmOptions = Path.of("tools/target/jvm.options");

  @Option(names = "--debezium", description = "phase (e): also run Debezium Server with its RabbitMQ sink on the"
      + " same backlog (a fourth slot) and print pgcdc / Debezium; fetches its ~780 MB distribution through Maven"
      + " once (off by default)")
  boolean debezium;

  @Option(names = "--debezium-version", description = "io.debezium:debezium-server-dist version (default ${DEFAULT-VALUE})")
  String debeziumVersion = DebeziumDist.DEFAULT_VERSION;

  @Option(names = "--debezium-dir", description = "where distributions are unpacked, one directory per version"
      + " (default ${DEFAULT-VALUE})")
  Path debeziumDir = Path.of("perf/target/debezium");

  @Option(names = "--debezium-java", description = "java binary for Debezium Server (needs Java 21+; default: this"
      + " JVM when new enough, else the newest JDK 21+ under /usr/lib/jvm)")
  Path debeziumJava;

  @Option(names = "--out", description = "directory for the JSON and PNG (default ${DEFAULT-VALUE})")
  Path out = Path.of("perf/target");

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new EndToEndBench());
    // Unreachable server, missing pg_recvlogical, ...: one line, no stack trace.
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("bench: " + e.getMessage()
          + "; check PGCDC_TEST_PG_URL / PGCDC_TEST_RABBITMQ_URI and that the servers run");
      return 1;
    });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    BenchServers servers = BenchServers.fromEnvironment(System.getenv());
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("pgcdc-bench-");
    // A private copy: in a shared working tree a rebuild of tools/target/pgcdc.jar mid-run would break the child.
    Path jar = Files.copy(pgcdcJar, work.resolve("pgcdc.jar"));
    String machine = Machine.describe();
    System.out.println("bench: " + servers + "; " + machine);
    DebeziumDist dist = null;
    Path dbzJava = null;
    BenchDatabase db;
    try {
      if (debezium) { // before anything exists on the servers: a failed download leaves nothing behind
        dist = new DebeziumDist(debeziumDir, debeziumVersion);
        dist.ensureUnpacked();
        dbzJava = debeziumJava != null ? debeziumJava : DebeziumDist.findJava(Path.of("/usr/lib/jvm"));
      }
      // one slot per backlog consumer, all created before any write
      db = rows + single + backlogWarmUpRows == 0 ? BenchDatabase.create(servers)
          : debezium ? BenchDatabase.create(servers, "a", "b", "c", "d") : BenchDatabase.create(servers, "a", "b", "c");
    } catch (Exception e) {
      deleteTree(work);
      throw e;
    }
    RawPublisher raw = new RawPublisher(servers.rabbitUri(), db.name() + ".raw", maxInFlight);
    Cleanup cleanup = new Cleanup(db, raw, servers, work);
    Thread hook = new Thread(cleanup::run, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      BenchReport report = measure(servers, db, raw, cleanup, work, jar, machine, dist, dbzJava);
      System.out.println();
      System.out.print(report.table());
      write(report, stamp);
      return report.problems().isEmpty() ? 0 : 1;
    } finally {
      cleanup.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running the same (idempotent) cleanup
      }
    }
  }

  /**
   * Writes the backlog, then runs (a), (a'), (c)+(d), (b) and, when {@code dist} is given, (e); a
   * failed phase becomes a problem line.
   */
  private BenchReport measure(BenchServers servers, BenchDatabase db, RawPublisher raw, Cleanup cleanup, Path work,
                              Path jar, String machine, DebeziumDist dist, Path dbzJava) throws Exception {
    List<String> problems = new ArrayList<>();
    if (rows + single + backlogWarmUpRows == 0) {
      return liveOnly(servers, db, cleanup, work, jar, machine, problems);
    }
    System.out.printf("bench: database %s; writing %,d rows in %,d-row txns + %,d single-row txns%n",
        db.name(), rows, txnSize, single);
    if (backlogWarmUpRows > 0) {
      System.out.printf("bench: first a warm-up of %,d rows in %,d-row txns (steady rates are measured after it)%n",
          backlogWarmUpRows, txnSize);
    }
    Backlog backlog = new BacklogWriter(db).write(backlogWarmUpRows, rows, txnSize, single);
    System.out.printf("bench: backlog written in %.1f s (%,d WAL bytes)%n", backlog.writeSeconds(), backlog.walBytes());
    try {
      System.out.printf("bench: CHECKPOINT took %.1f s (the backlog's dirty pages are written before any phase)%n",
          db.checkpoint());
    } catch (java.sql.SQLException e) {
      System.out.println("bench: CHECKPOINT failed (" + e.getMessage() + "); PostgreSQL's checkpointer may write"
          + " during the phases: run the bench as a superuser or a member of pg_checkpoint");
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    List<PhaseResult> phases = new ArrayList<>();
    CpuMeter cpu = CpuMeter.locate(db);
    RecvlogicalDrain recv = new RecvlogicalDrain(servers, db, backlog, work, timeout);
    PhaseResult walSender = phase(problems, "(a) pg_recvlogical v1", () -> accounted(cpu, "(a) pg_recvlogical v1",
        backlog.events(), () -> recv.drain("pg_recvlogical (v1)", db.slot(0),
            List.of("proto_version=1", "publication_names=" + db.publication()))));
    add(phases, walSender);
    add(phases, phase(problems, "(a') pg_recvlogical v2", () -> accounted(cpu, "(a') pg_recvlogical v2",
        backlog.events(), () -> recv.drain("pg_recvlogical (v2, streaming)", db.slot(2),
            List.of("proto_version=2", "streaming=on", "publication_names=" + db.publication())))));
    PgcdcRun run = new PgcdcRun(servers, db, backlog, work, launch(jar), timeout, batch, cpu);
    cleanup.pgcdc(run);
    // (d) runs last, on a pgcdc process, slot and vhost of its own (LiveRun)
    PgcdcRun.Result pgcdc = phase(problems, "(c) pgcdc", () -> run.run(db.slot(1)));
    add(phases, pgcdc == null ? null : pgcdc.backlog());
    int body = pgcdc == null || Double.isNaN(pgcdc.meanBodyBytes()) ? 400 : (int) Math.round(pgcdc.meanBodyBytes());
    PhaseResult broker = noRaw ? null
        : phase(problems, "(b) raw RabbitMQ", () -> rawPublisher(cpu, raw, backlog, body));
    add(phases, broker);
    DebeziumRun.Result debeziumResult = null;
    if (dist != null) {
      DebeziumRun debeziumRun = new DebeziumRun(servers, db, backlog, work, dist, dbzJava, timeout, cpu);
      cleanup.debezium(debeziumRun);
      debeziumResult = phase(problems, "(e) Debezium Server", () -> {
        settleBroker(servers, run, cpu);
        return debeziumRun.run(db.slot(3));
      });
      add(phases, debeziumResult == null ? null : debeziumResult.backlog());
    }
    LiveRun.Result live = null;
    if (rate > 0) {
      // the backlog queues go first: (d) should not share the broker with their clean-up
      new RabbitCleanup(servers.rabbitUri()).delete(List.of(run.queue(), run.schemaQueue()), run.exchange());
      live = phase(problems, "(d) live", () -> liveRun(servers, db, cleanup, work, jar, cpu).run());
    }
    return new BenchReport(machine + "; load at end " + Machine.loadAverage(), backlog, phases, walSender, broker,
        pgcdc == null ? null : pgcdc.backlog(), pgcdc, debeziumResult, problems, cpu.account(), live);
  }

  /** {@code --rows 0 --single 0}: no backlog, only (d) with its broker baseline. */
  private BenchReport liveOnly(BenchServers servers, BenchDatabase db, Cleanup cleanup, Path work, Path jar,
                               String machine, List<String> problems) throws Exception {
    System.out.printf("bench: database %s; no backlog: live phase only%n", db.name());
    long lsn = db.currentWalLsn();
    Backlog none = new Backlog(0, txnSize, 0, lsn, lsn, lsn, 0, Double.NaN);
    CpuMeter cpu = CpuMeter.locate(db);
    LiveRun.Result live = phase(problems, "(d) live", () -> liveRun(servers, db, cleanup, work, jar, cpu).run());
    return new BenchReport(machine + "; load at end " + Machine.loadAverage(), none, List.of(), null, null, null,
        null, null, problems, cpu.account(), live);
  }

  private PgcdcLaunch launch(Path jar) {
    return new PgcdcLaunch(jar, jvmOptions, pgcdcJvmArgs, pgcdcNice);
  }

  private LiveRun liveRun(BenchServers servers, BenchDatabase db, Cleanup cleanup, Path work, Path jar, CpuMeter cpu) {
    LiveRun live = new LiveRun(servers, db, work, launch(jar), cpu,
        new LatencyProbe(db, rate, seconds, writers, warmUpSeconds, liveLeadInSeconds),
        liveWarmUpSeconds > 0 ? new LatencyProbe(db, rate, liveWarmUpSeconds, writers, 0) : null,
        "own".equals(liveVhost), liveQueueVersion, liveCanaryRate, livePgProbe);
    cleanup.live(live);
    return live;
  }

  /**
   * (b) once the broker has settled, inside a CPU window that closes at the last ack (before the
   * queue is deleted); the consumer is this whole JVM, whose threads are also printed one by one.
   */
  private static PhaseResult rawPublisher(CpuMeter cpu, RawPublisher raw, Backlog backlog, int body)
      throws Exception {
    long events = backlog.events();
    cpu.settled(BrokerSettle.await("(b)", cpu::brokerSeconds, () -> 0));
    long self = ProcessHandle.current().pid();
    java.util.Map<String, Double> threads = ProcCpu.threadSeconds(self);
    CpuMeter.Window window = cpu.open("(b) raw RabbitMQ", "bench JVM (publisher)", self, CpuMeter::selfSeconds);
    PhaseResult result = raw.publish(backlog, body, () -> window.close(events));
    System.out.println(ProcCpu.threadCpuLine("(b) bench JVM", threads, ProcCpu.threadSeconds(self), events));
    return result;
  }

  /**
   * Runs a pg_recvlogical phase inside a CPU window; its consumer CPU is what this JVM's reaped
   * children used (pg_recvlogical has exited and been waited for when the phase returns).
   */
  private static PhaseResult accounted(CpuMeter cpu, String name, long events, Phase<PhaseResult> body)
      throws Exception {
    CpuMeter.Window window = cpu.open(name, "pg_recvlogical", -1, CpuMeter::reapedChildrenSeconds);
    PhaseResult result = body.run();
    window.close(events);
    return result;
  }

  /**
   * Before (e): pgcdc has stopped and (b) deleted its queue; pgcdc's queues go now too, and the
   * broker settles ({@link BrokerSettle}: that work and (b)'s fsyncs done) so (e) starts on a broker
   * as idle as (c) found it.
   */
  private static void settleBroker(BenchServers servers, PgcdcRun run, CpuMeter cpu) throws Exception {
    new RabbitCleanup(servers.rabbitUri()).delete(List.of(run.queue(), run.schemaQueue()), run.exchange());
    cpu.settled(BrokerSettle.await("(e)", cpu::brokerSeconds, () -> 0));
  }

  /** perf/target/e2e-STAMP.json and .png. */
  private void write(BenchReport report, String stamp) throws java.io.IOException {
    Path json = out.resolve("e2e-" + stamp + ".json");
    Path png = out.resolve("e2e-" + stamp + ".png");
    Files.writeString(json, report.json());
    BenchChart.write(png, "pgcdc end to end, " + stamp + " UTC, " + String.format("%,d", report.backlog().events())
            + " events", report.phases().stream().map(PhaseResult::throughput).toList(),
        report.live() == null ? List.of() : report.live().chartSeries());
    System.out.println("bench: wrote " + json + " and " + png);
  }

  private void validate() {
    if (rows < 0 || single < 0 || txnSize < 1 || rate < 0 || seconds < 1 || writers < 1 || maxInFlight < 1
        || (rows + single + backlogWarmUpRows == 0 && rate == 0) || warmUpSeconds < 0 || backlogWarmUpRows < 0
        || liveWarmUpSeconds < 0 || liveLeadInSeconds < 0 || !List.of("own", "shared").contains(liveVhost)
        || liveQueueVersion < 0 || liveQueueVersion > 2 || liveCanaryRate < 0 || debeziumVersion.isBlank()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "invalid sizes: rows=" + rows + " txn-size="
          + txnSize + " single=" + single + " rate=" + rate + " seconds=" + seconds + " writers=" + writers
          + " live-vhost=" + liveVhost + " live-queue-version=" + liveQueueVersion
          + "; rows/single >= 0 (both 0: live phase only, needs rate > 0), txn-size/seconds/writers >= 1,"
          + " live-vhost own|shared, live-queue-version 0..2");
    }
    if (pgcdcNice < 0 || pgcdcNice > 19) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--pgcdc-nice must be 0..19 (nice(1)"
          + " increments), got " + pgcdcNice);
    }
    if (!Files.isRegularFile(pgcdcJar) || !Files.isRegularFile(jvmOptions)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "pgcdc jar or jvm options missing: "
          + pgcdcJar + ", " + jvmOptions + "; build them with mvn -B -q -pl tools -am package -DskipTests");
    }
  }

  /** A phase body; a failure is recorded and the other phases still run. */
  @FunctionalInterface
  private interface Phase<T> {
    T run() throws Exception;
  }

  private static <T> T phase(List<String> problems, String name, Phase<T> body) {
    System.out.println("bench: " + name + " ...");
    try {
      return body.run();
    } catch (Exception | AssertionError e) {
      String problem = name + " failed: " + e;
      System.err.println("bench: " + problem);
      problems.add(problem);
      return null;
    }
  }

  private static void add(List<PhaseResult> phases, PhaseResult result) {
    if (result != null) {
      phases.add(result);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("bench: cannot delete " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Idempotent teardown: child processes (pgcdc, pg_recvlogical, Debezium Server: after a Ctrl-C
   * or kill they would outlive the bench and hold the slots; Debezium would reconnect forever),
   * queues, exchanges, slots, database, work directory.
   */
  private static final class Cleanup implements Runnable {
    private final BenchDatabase db;
    private final RawPublisher raw;
    private final BenchServers servers;
    private final Path work;
    private volatile PgcdcRun pgcdc;
    private volatile DebeziumRun debezium;
    private volatile LiveRun live;
    private boolean done;

    Cleanup(BenchDatabase db, RawPublisher raw, BenchServers servers, Path work) {
      this.db = db;
      this.raw = raw;
      this.servers = servers;
      this.work = work;
    }

    void pgcdc(PgcdcRun run) {
      this.pgcdc = run;
    }

    void debezium(DebeziumRun run) {
      this.debezium = run;
    }

    void live(LiveRun run) {
      this.live = run;
    }

    @Override
    public synchronized void run() {
      if (done) {
        return;
      }
      done = true;
      stopChildren();
      DebeziumRun dbz = debezium;
      if (dbz != null) {
        new RabbitCleanup(servers.rabbitUri()).delete(List.of(dbz.queue()), dbz.exchange());
      }
      raw.cleanUp();
      LiveRun liveRun = live;
      if (liveRun != null) {
        liveRun.cleanUp();
      }
      PgcdcRun run = pgcdc;
      if (run != null) {
        new RabbitCleanup(servers.rabbitUri()).delete(List.of(run.queue(), run.schemaQueue()), run.exchange());
      }
      db.close();
      deleteTree(work);
    }

    /** SIGTERM to every child process this JVM started, SIGKILL to those still alive after 30 s. */
    private static void stopChildren() {
      try {
        ChildProcess.stopAll(ProcessHandle.current().children().toList());
      } catch (InterruptedException e) {
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
        Thread.currentThread().interrupt();
      }
    }
  }
}
