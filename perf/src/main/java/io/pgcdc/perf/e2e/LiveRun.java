package io.pgcdc.perf.e2e;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Phase (d), live latency, isolated from the backlog phases: a pgcdc process of its own on a slot
 * created now (no backlog to drain), publishing into a vhost of its own ({@link RabbitVhost}) with
 * a fresh exchange and queue (optionally {@code x-queue-version}), so neither a purged backlog
 * queue nor its vhost's message store is cleaned up under it. In one run:
 *
 * <pre>
 *   pgcdc start on slot "live" -> warm-up: --live-warm-up s at the rate (JIT, connections; printed, not the headline)
 *   BrokerSettle -> broker baseline: raw publisher at the rate, same body/queue kind ({@link BrokerBaseline})
 *   BrokerSettle -> (wait until pgcdc's 60 s publish -> ack window holds lead-in + (d) only)
 *   with --live-pg-probe: PostgreSQL probe starts (slot "lw", test_decoding)
 *   one schedule at the rate: lead-in (--live-lead-in s, the idle -> busy edge, printed beside), then
 *   (d): writers -> PG -> pgcdc -> queue -> consumer (commit_ts vs arrival), whole-span percentiles;
 *        beside it: commit -> walsender client ({@link WalSenderProbe}), a broker canary,
 *        per-second CPU ({@link CpuTimeline}) and disk ({@link DiskTimeline}), pgcdc's GC pauses
 * </pre>
 *
 * Main thread plus the helpers' threads named in their javadoc.
 */
final class LiveRun {

  private final BenchServers servers;
  private final BenchDatabase db;
  private final Path workDir;
  private final PgcdcLaunch launch;
  private final CpuMeter cpu;
  private final LatencyProbe probe;
  private final LatencyProbe warmUp;
  private final boolean ownVhost;
  private final Map<String, Object> queueArguments;
  private final int canaryRate;
  private final boolean pgProbe;
  private volatile RabbitVhost vhost;

  LiveRun(BenchServers servers, BenchDatabase db, Path workDir, PgcdcLaunch launch, CpuMeter cpu,
          LatencyProbe probe, LatencyProbe warmUp, boolean ownVhost, int queueVersion, int canaryRate,
          boolean pgProbe) {
    this.canaryRate = canaryRate;
    this.pgProbe = pgProbe;
    this.servers = servers;
    this.db = db;
    this.workDir = workDir;
    this.launch = launch;
    this.cpu = cpu;
    this.probe = probe;
    this.warmUp = warmUp;
    this.ownVhost = ownVhost;
    this.queueArguments = queueVersion > 0 ? Map.of("x-queue-version", queueVersion) : Map.of();
  }

  /** Everything (d) measured, and beside it the broker's own baseline and PostgreSQL's share. */
  record Result(String where, String queueKind, double startupSeconds, double meanBodyBytes,
                LatencyProbe.Result warmUp, BrokerBaseline.Result baseline, LatencyProbe.Result live,
                WalSenderProbe.Result walSender, OptionalDouble confirmP50Seconds, OptionalDouble confirmP99Seconds,
                GcPauses gc, List<Series> cpu, List<Series> disk, BrokerBaseline.Result canary) {

    /** The per-second p50/p99/max of (d), and the baseline's and walsender probe's per-second p99, for the chart. */
    List<Series> chartSeries() {
      List<Series> out = new ArrayList<>(live.overTime());
      if (baseline != null) {
        out.add(renamed(baseline.confirmOverTime().get(1), "broker alone: publish -> ack p99"));
      }
      if (walSender != null) {
        out.add(renamed(walSender.overTime().get(1), "commit -> walsender client p99"));
      }
      return out;
    }

    private static Series renamed(Series s, String name) {
      Series out = new Series(name, s.unit());
      s.points().forEach(p -> out.add(p.seconds(), p.value()));
      return out;
    }
  }

  String exchange() {
    return db.name() + ".live";
  }

  String queue() {
    return db.name() + ".live.q";
  }

  String schemaQueue() {
    return db.name() + ".live.schema";
  }

  /** Deletes the vhost (own vhost) or the exchange and queues (shared one); never throws. */
  void cleanUp() {
    RabbitVhost v = vhost;
    if (v == null) {
      return;
    }
    if (v.isolated()) {
      v.close();
    } else {
      new RabbitCleanup(v.uri()).delete(List.of(queue(), schemaQueue(), db.name() + ".live.base",
          db.name() + ".live.canary"), exchange());
    }
  }

  Result run() throws Exception {
    vhost = ownVhost ? RabbitVhost.create(servers.rabbitUri(), db.name() + "_live")
        : RabbitVhost.shared(servers.rabbitUri());
    String queueKind = queueArguments.isEmpty() ? "classic, broker's default version" : "classic " + queueArguments;
    System.out.println("bench: (d) live in " + vhost.note() + ", fresh queue (" + queueKind + ")");
    String uri = vhost.uri();
    String slot = db.createSlot("live", "pgoutput");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection rabbit = factory.newConnection("pgcdc-bench-live-consumer")) {
      Channel channel = rabbit.createChannel();
      channel.exchangeDeclare(exchange(), BuiltinExchangeType.TOPIC, true);
      channel.queueDeclare(queue(), true, false, false, queueArguments);
      channel.queueBind(queue(), exchange(), BenchDatabase.ROUTING_KEY);
      channel.queueDeclare(schemaQueue(), true, false, false, null);
      channel.queueBind(schemaQueue(), exchange(), "_schema.#");
      Sampler.Probe depth = () -> channel.queueDeclarePassive(queue()).getMessageCount();
      long launched = System.nanoTime();
      try (PgcdcProcess pgcdc = launch.start(workDir.resolve("pgcdc-live"), PgcdcRun.yaml(servers, db, uri,
          exchange(), slot, "none", workDir.resolve("pgcdc-live").resolve("journal")))) {
        pgcdc.awaitStreaming(Duration.ofSeconds(120));
        double startup = (System.nanoTime() - launched) / 1e9;
        LatencyProbe.Result warm = null;
        if (warmUp != null) {
          System.out.printf("bench: (d) pgcdc pid %d streaming after %.1f s; warm-up %d txns/s for %d s%n",
              pgcdc.pid(), startup, warmUp.rate(), warmUp.seconds());
          warm = warmUp.run(channel, queue());
          System.out.println("bench: (d) warm-up (not the headline): " + describe(warm.stats()));
        }
        long warmedAt = System.nanoTime();
        double body = PgcdcRun.meanBody(pgcdc);
        int bodyBytes = Double.isNaN(body) ? 730 : (int) Math.round(body);
        cpu.settled(BrokerSettle.await("(d) broker baseline", cpu::brokerSeconds, depth));
        BrokerBaseline.Result baseline = baseline(uri, bodyBytes);
        cpu.settled(BrokerSettle.await("(d)", cpu::brokerSeconds, depth));
        awaitConfirmWindow(warmedAt, probe.leadInSeconds() + probe.seconds());
        System.out.printf("bench: (d) %d single-row txns/s: %d s lead-in (the idle -> busy edge, reported"
            + " beside), then %d s measured%n", probe.rate(), probe.leadInSeconds(), probe.seconds());
        // PostgreSQL's share (opt-in: a second logical decoder loads the machine under test): a
        // test_decoding slot created now (nothing commits until the lead-in), read from the lead-in on;
        // its walsender's start-up falls in the lead-in, its polling not in the broker baseline
        WalSenderProbe walSender = null;
        if (pgProbe) {
          walSender = new WalSenderProbe(servers, db.name(), db.createSlot("lw", "test_decoding"),
              probe.rate() * (probe.leadInSeconds() + probe.seconds()) + 1000);
          walSender.start(System.nanoTime());
        }
        Beside beside = new Beside(pgcdc, walSender, uri, bodyBytes);
        LatencyProbe.Result live;
        WalSenderProbe.Result pg;
        BrokerBaseline.Result canaryResult;
        List<Series> cpuSeries = List.of();
        List<Series> diskSeries = List.of();
        double leadInUptime = pgcdc.uptimeSeconds();
        beside.canary = startCanary(uri, bodyBytes, probe.leadInSeconds() + probe.seconds());
        try {
          live = probe.run(channel, queue(), beside::start);
        } finally {
          pg = walSender == null ? null : walSender.stop();
          canaryResult = awaitCanary(beside.canary);
          if (beside.cpuTimeline != null) {
            cpuSeries = beside.cpuTimeline.stop();
            diskSeries = beside.diskTimeline.stop();
          }
        }
        CpuMeter.Window window = beside.window;
        double fromUptime = beside.fromUptime;
        double toUptime = pgcdc.uptimeSeconds();
        window.close(live.committed()); // per transaction; includes the wait for the last deliveries
        // per thread: is the JIT still compiling, which stage wakes most (per transaction, as the window)
        System.out.println(ProcCpu.threadCpuLine("(d) pgcdc", "in the measured span (per transaction)",
            beside.threadsAtStart, pgcdc.threadCpuSeconds(), live.committed()));
        System.out.println("bench: (d) per second, broker/pgcdc cores and machine busy/iowait:"
            + CpuTimeline.describe(cpuSeries));
        System.out.println("bench: (d) per second, disk writes (ms busy)/flushes (ms busy):"
            + DiskTimeline.describe(diskSeries));
        OptionalDouble p50 = pgcdc.publishConfirmQuantile("0.5");
        OptionalDouble p99 = pgcdc.publishConfirmQuantile("0.99");
        System.out.printf(Locale.ROOT, "bench: (d) pgcdc's own timers over lead-in + measured span: publish -> ack"
                + " p99.9 %.1f ms; journal write (per ring batch) p99 %.2f ms, p99.9 %.2f ms%n",
            1000 * pgcdc.quantile("pgcdc_publish_confirm_latency", "0.999"),
            1000 * pgcdc.quantile("pgcdc_journal_write_latency", "0.99"),
            1000 * pgcdc.quantile("pgcdc_journal_write_latency", "0.999"));
        pgcdc.stop(); // flushes the GC log
        GcPauses gc = GcPauses.in(pgcdc.gcLog(), fromUptime, toUptime);
        // the canary started with the lead-in: its second = the measured span's + lead-in
        System.out.print(LiveReport.spikes("lead-in second", live.leadInOverTime(), pg == null ? null : pg.before(),
            canaryResult, 0, GcPauses.perSecond(pgcdc.gcLog(), leadInUptime)));
        System.out.print(LiveReport.spikes("second", live.overTime(), pg == null ? null : pg.overTime(),
            canaryResult, probe.leadInSeconds(), GcPauses.perSecond(pgcdc.gcLog(), fromUptime)));
        return new Result(vhost.note(), queueKind, startup, body, warm, baseline, live, pg, p50, p99, gc,
            cpuSeries, diskSeries, canaryResult);
      }
    }
  }

  /**
   * What runs beside the measured span, started by {@link #start} when it begins (after the
   * lead-in): the CPU window and timelines, the broker canary, PostgreSQL's probe clock. Started
   * and read on the main thread.
   */
  private final class Beside {
    private final PgcdcProcess pgcdc;
    private final WalSenderProbe walSender;
    private final String uri;
    private final int bodyBytes;
    CpuMeter.Window window;
    CpuTimeline cpuTimeline;
    DiskTimeline diskTimeline;
    java.util.concurrent.FutureTask<BrokerBaseline.Result> canary;
    double fromUptime;
    Map<String, Double> threadsAtStart = Map.of();

    Beside(PgcdcProcess pgcdc, WalSenderProbe walSender, String uri, int bodyBytes) {
      this.pgcdc = pgcdc;
      this.walSender = walSender;
      this.uri = uri;
      this.bodyBytes = bodyBytes;
    }

    void start() {
      window = cpu.open("(d) live", "pgcdc JVM", pgcdc.pid(), pgcdc::cpuSeconds);
      cpuTimeline = new CpuTimeline(cpu::brokerSeconds, pgcdc::cpuSeconds);
      diskTimeline = new DiskTimeline();
      fromUptime = pgcdc.uptimeSeconds();
      threadsAtStart = pgcdc.threadCpuSeconds();
      if (walSender != null) {
        walSender.restartClock(System.nanoTime());
      }
      System.out.printf(Locale.ROOT, "bench: (d) measured span starts at pgcdc uptime %.3f s%n", fromUptime);
    }
  }

  /**
   * A low-rate raw publisher ({@code canaryRate} msg/s, same body, same vhost and queue kind) on
   * its own thread during the lead-in and (d): when (d)'s per-second latency spikes and the canary's publish ->
   * ack spikes in the same second, the broker (or the whole machine) stalled, not pgcdc.
   */
  private java.util.concurrent.FutureTask<BrokerBaseline.Result> startCanary(String uri, int bodyBytes, int seconds) {
    if (canaryRate <= 0) {
      return null;
    }
    java.util.concurrent.FutureTask<BrokerBaseline.Result> task = new java.util.concurrent.FutureTask<>(
        () -> new BrokerBaseline(uri, db.name() + ".live.canary", queueArguments)
            .run(canaryRate, seconds, bodyBytes));
    Thread t = new Thread(task, "bench-broker-canary");
    t.setDaemon(true);
    t.start();
    return task;
  }

  private static BrokerBaseline.Result awaitCanary(java.util.concurrent.FutureTask<BrokerBaseline.Result> canary) {
    if (canary == null) {
      return null;
    }
    try {
      return canary.get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("bench: (d) broker canary failed: " + e);
      return null;
    }
  }

  /** The broker alone at the live rate, inside a CPU window (this JVM is its client). */
  private BrokerBaseline.Result baseline(String uri, int bodyBytes) throws Exception {
    System.out.printf("bench: (d) broker baseline: raw publisher, %d msg/s of %d B for %d s%n", probe.rate(),
        bodyBytes, probe.seconds());
    long self = ProcessHandle.current().pid();
    CpuMeter.Window window = cpu.open("(d) broker baseline", "bench JVM (publisher)", self, CpuMeter::selfSeconds);
    BrokerBaseline.Result result = new BrokerBaseline(uri, db.name() + ".live.base", queueArguments)
        .run(probe.rate(), probe.seconds(), bodyBytes);
    window.close(result.published());
    System.out.println("bench: (d) broker baseline: publish -> ack " + describe(result.confirm())
        + "; publish -> delivery " + describe(result.delivery()));
    return result;
  }

  /**
   * Sleeps until the warm-up's last confirm is at least {@code 60 - liveSeconds} s old, so that
   * pgcdc's 60 s publish -> ack window, read right after (d), covers (d) alone.
   */
  private static void awaitConfirmWindow(long since, int liveSeconds) throws InterruptedException {
    double idle = (System.nanoTime() - since) / 1e9;
    double needed = PgcdcRun.CONFIRM_WINDOW_SECONDS - liveSeconds;
    if (idle < needed) {
      System.out.printf(Locale.ROOT, "bench: (d) waiting %.1f s more so that pgcdc's publish -> ack window holds"
          + " the live phase only%n", needed - idle);
      Thread.sleep((long) ((needed - idle) * 1000));
    }
  }

  static String describe(LatencyStats s) {
    return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (%,d)", s.p50Millis(),
        s.p99Millis(), s.p999Millis(), s.maxMillis(), s.count());
  }
}
