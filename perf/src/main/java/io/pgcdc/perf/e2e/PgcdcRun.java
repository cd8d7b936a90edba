package io.pgcdc.perf.e2e;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pgcdc.decoder.Lsn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Phase (c): pgcdc as a separate process ({@link PgcdcProcess}) streaming slot B into exchange
 * {@code <db>} (durable topic), whose row events land in the durable queue {@code <db>.q}
 * (binding {@code public.bench_rows}) and whose schema event lands in {@code <db>.schema}
 * (binding {@code _schema.#}; without it the default {@code unroutable: stop} would stop
 * pgcdc). (c) ends when the queue holds every backlog event AND the slot's
 * {@code confirmed_flush_lsn} has reached the backlog's end LSN; the clock starts when pgcdc logs
 * that it streams (JVM start-up is reported separately); the {@link CpuMeter} accounts the same
 * span. Then the queue is purged and pgcdc stopped; the live phase (d) runs elsewhere
 * ({@link LiveRun}, a pgcdc process of its own). Main thread plus the sampler.
 */
final class PgcdcRun {

  /** pgcdc's publish -> ack timer keeps the last 60 s (PipelineMetrics.LATENCY_WINDOW_SECONDS). */
  static final double CONFIRM_WINDOW_SECONDS = 60;

  /**
   * Everything (c) measured; the publish -> ack quantiles are pgcdc's own, read at the end of (c),
   * so its 60 s window includes the backlog's confirms.
   */
  record Result(PhaseResult backlog, double startupSeconds, double queueFullSeconds, double flushedSeconds,
                OptionalDouble confirmP50Seconds, OptionalDouble confirmP99Seconds, long peakHeapMb, long vmHwmKb,
                double meanBodyBytes, double backlogCpuSeconds) {

    /** pgcdc's own CPU (user + system, all its threads) per backlog event, µs: robust to a loaded machine. */
    double cpuMicrosPerEvent() {
      return backlog == null ? Double.NaN : backlog.microsPerEvent(backlogCpuSeconds);
    }
  }

  private final BenchServers servers;
  private final BenchDatabase db;
  private final Backlog backlog;
  private final Path workDir;
  private final PgcdcLaunch launch;
  private final Duration timeout;
  private final String batch;
  private final CpuMeter cpu;

  PgcdcRun(BenchServers servers, BenchDatabase db, Backlog backlog, Path workDir, PgcdcLaunch launch,
           Duration timeout, String batch, CpuMeter cpu) {
    this.cpu = cpu;
    this.batch = batch;
    this.launch = launch;
    this.servers = servers;
    this.db = db;
    this.backlog = backlog;
    this.workDir = workDir;
    this.timeout = timeout;
  }

  String exchange() {
    return db.name();
  }

  String queue() {
    return db.name() + ".q";
  }

  String schemaQueue() {
    return db.name() + ".schema";
  }

  Result run(String slot) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(servers.rabbitUri());
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection rabbit = factory.newConnection("pgcdc-bench-consumer")) {
      Channel channel = rabbit.createChannel();
      channel.exchangeDeclare(exchange(), BuiltinExchangeType.TOPIC, true);
      channel.queueDeclare(queue(), true, false, false, null);
      channel.queueBind(queue(), exchange(), BenchDatabase.ROUTING_KEY);
      channel.queueDeclare(schemaQueue(), true, false, false, null);
      channel.queueBind(schemaQueue(), exchange(), "_schema.#");
      long launched = System.nanoTime();
      try (PgcdcProcess pgcdc = launch.start(workDir.resolve("pgcdc"), yaml(slot))) {
        pgcdc.awaitStreaming(Duration.ofSeconds(120));
        double startup = (System.nanoTime() - launched) / 1e9;
        System.out.printf("bench: (c) pgcdc pid %d streaming after %.1f s%n", pgcdc.pid(), startup);
        double cpuAtStart = pgcdc.cpuSeconds();
        java.util.Map<String, Double> threadsAtStart = pgcdc.threadCpuSeconds();
        CpuMeter.Window window = cpu.open("(c) pgcdc", "pgcdc JVM", pgcdc.pid(), pgcdc::cpuSeconds);
        Drained drained = drain(channel, pgcdc, slot);
        window.close(backlog.events());
        double backlogCpu = pgcdc.cpuSeconds() - cpuAtStart;
        java.util.Map<String, Double> threadsAtEnd = pgcdc.threadCpuSeconds();
        System.out.println(ProcCpu.threadCpuLine("(c) pgcdc", threadsAtStart, threadsAtEnd, backlog.events()));
        if (drained.warmUp() != null) {
          drained.warmUp().print(pgcdc.cpuSeconds(), threadsAtEnd, backlog.measuredEvents());
        }
        channel.queuePurge(queue());
        OptionalDouble p50 = pgcdc.publishConfirmQuantile("0.5");
        OptionalDouble p99 = pgcdc.publishConfirmQuantile("0.99");
        long hwm = pgcdc.sampleVmHwmKb();
        double body = meanBody(pgcdc);
        pgcdc.stop(); // before reading the GC log: the JVM flushes it at exit
        return new Result(drained.backlog(), startup, drained.queueFullSeconds(), drained.flushedSeconds(),
            p50, p99, pgcdc.peakHeapMb(), hwm, body, backlogCpu);
      }
    }
  }

  /**
   * (c)'s outcome: the phase, when each of its two end conditions was met, and pgcdc's CPU when it
   * had published the backlog's warm-up (null without one).
   */
  private record Drained(PhaseResult backlog, double queueFullSeconds, double flushedSeconds, WarmUpMark warmUp) { }

  /** pgcdc's CPU (whole process and per thread) when its event counter passed the warm-up's rows. */
  private record WarmUpMark(double seconds, double cpuSeconds, java.util.Map<String, Double> threads) {

    /** Prints pgcdc's CPU per event over the part after the warm-up (JIT mostly done by then). */
    void print(double cpuAtEnd, java.util.Map<String, Double> threadsAtEnd, long measuredEvents) {
      System.out.printf(java.util.Locale.ROOT, "bench: (c) pgcdc after the warm-up (passed at %.2f s): own CPU %.1f s"
          + " = %.1f µs per event%n", seconds, cpuAtEnd - cpuSeconds, (cpuAtEnd - cpuSeconds) * 1e6 / measuredEvents);
      System.out.println(ProcCpu.threadCpuLine("(c) pgcdc", "after the warm-up", threads, threadsAtEnd,
          measuredEvents));
    }
  }

  private Drained drain(Channel channel, PgcdcProcess pgcdc, String slot) throws Exception {
    Series queued = new Series("pgcdc", "events");
    // Batched mode: one queued message holds several events, so progress is pgcdc's own event
    // counter (counted at basic.publish) and the end is still the slot's confirmed_flush_lsn.
    Sampler.Probe probe = batched()
        ? () -> pgcdc.metric("pgcdc_events_total")
        : () -> channel.queueDeclarePassive(queue()).getMessageCount();
    Sampler sampler = new Sampler(queued, probe);
    double queueFull = Double.NaN;
    double flushed = Double.NaN;
    WarmUpMark warmUp = null;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (java.sql.Connection c = db.connect()) {
      while (Double.isNaN(queueFull) || Double.isNaN(flushed)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("pgcdc did not drain the backlog within " + timeout + ": queue holds "
              + channel.queueDeclarePassive(queue()).getMessageCount() + " of " + backlog.events()
              + ", slot confirmed_flush_lsn=" + Lsn.format(BenchDatabase.confirmedFlushLsn(c, slot))
              + " end=" + Lsn.format(backlog.endLsn()) + "; log " + pgcdc.log());
        }
        pgcdc.checkAlive();
        // During the warm-up only, read the counter now (a /metrics scrape in batched mode), so that the CPU
        // mark is within one 100 ms poll of passing it; after it, the sampler's 250 ms series is enough: each
        // read costs pgcdc and this JVM CPU on the machine under test (session 4: ~1 s of this JVM's CPU
        // per 11 s phase when the loop scraped every 100 ms as well).
        if (warmUp == null && backlog.hasWarmUp() && probe.read() >= backlog.warmUpRows()) {
          warmUp = new WarmUpMark(sampler.elapsedSeconds(), pgcdc.cpuSeconds(), pgcdc.threadCpuSeconds());
        }
        if (Double.isNaN(queueFull) && queued.lastValue() >= backlog.events()) {
          queueFull = queued.timeToReach(backlog.events());
        }
        if (Double.isNaN(flushed) && BenchDatabase.confirmedFlushLsn(c, slot) >= backlog.endLsn()) {
          flushed = sampler.elapsedSeconds();
        }
        Thread.sleep(100); // each check is a broker (or pgcdc /metrics) round trip: keep them off the measured path
      }
    } finally {
      sampler.finish(probe);
    }
    double seconds = Math.max(queueFull, flushed);
    // the steady part ends where the whole phase does (every event queued and the slot flushed)
    List<PhaseResult.PartRate> parts = PhaseResult.concat(PhaseResult.parts(backlog, queued, queueFull),
        PhaseResult.afterWarmUp(backlog, queued.timeToReach(backlog.warmUpRows()), seconds));
    PhaseResult result = new PhaseResult("pgcdc", "pgcdc itself (bounded by the WAL sender and the broker)",
        backlog.events(), Math.round(meanBody(pgcdc) * backlog.events()), "body", seconds, parts,
        queued.rate("pgcdc", "events/s", 1.0));
    return new Drained(result, queueFull, flushed, warmUp);
  }

  /** Mean message body, from pgcdc's own counters (bytes_total / events_total). */
  static double meanBody(PgcdcProcess pgcdc) throws Exception {
    double bytes = pgcdc.metric("pgcdc_bytes_total");
    double events = pgcdc.metric("pgcdc_events_total");
    return events > 0 ? bytes / events : Double.NaN;
  }

  private boolean batched() {
    return !"none".equals(batch);
  }

  private String yaml(String slot) {
    return yaml(servers, db, servers.rabbitUri(), exchange(), slot, batch,
        workDir.resolve("pgcdc").resolve("journal"));
  }

  /** pgcdc's config for the bench table on {@code slot}, publishing to {@code exchange} at {@code rabbitUri}. */
  static String yaml(BenchServers servers, BenchDatabase db, String rabbitUri, String exchange, String slot,
                     String batch, Path journal) {
    return "source:\n"
        + "  url: " + servers.jdbcUrl(db.name()) + "\n"
        + "  user: " + servers.user() + "\n"
        + "  password: \"" + servers.password() + "\"\n"
        + "  slot: " + slot + "\n"
        + "  publication: " + db.publication() + "\n"
        + "  tables: [public." + BenchDatabase.TABLE + "]\n"
        + "  create: false\n"
        + "sink:\n"
        + "  rabbitmq:\n"
        + "    uri: " + rabbitUri + "\n"
        + "    exchange: " + exchange + "\n"
        + ("none".equals(batch) ? "" : "    batch: \"" + batch + "\"\n")
        + "journal:\n"
        + "  dir: " + journal + "\n"
        + "metrics:\n"
        + "  listen: 127.0.0.1:0\n";
  }
}
