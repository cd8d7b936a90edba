package io.pgcdc.perf.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgcdc.decoder.Lsn;
import java.util.List;
import java.util.Locale;

/**
 * The run's figures as the printed table and as JSON. {@code pgcdc} is compared with the WAL
 * sender ({@code walSender}, phase a), the broker ({@code broker}, phase b) and, when asked for,
 * Debezium Server's RabbitMQ sink ({@code debeziumRun}, phase e); SPEC §10 asks for >= 0.80,
 * >= 0.90 and >= 2 of them; {@code cpu} says who used the machine's CPU in each phase. Immutable;
 * any field but {@code backlog} and {@code cpu} may be null when its phase was skipped or failed.
 */
record BenchReport(String machine, Backlog backlog, List<PhaseResult> phases, PhaseResult walSender,
                   PhaseResult broker, PhaseResult pgcdc, PgcdcRun.Result pgcdcRun, DebeziumRun.Result debeziumRun,
                   List<String> problems, CpuMeter.MachineAccount cpu, LiveRun.Result live) {

  /** Without a live phase (d). */
  BenchReport(String machine, Backlog backlog, List<PhaseResult> phases, PhaseResult walSender, PhaseResult broker,
              PhaseResult pgcdc, PgcdcRun.Result pgcdcRun, DebeziumRun.Result debeziumRun, List<String> problems,
              CpuMeter.MachineAccount cpu) {
    this(machine, backlog, phases, walSender, broker, pgcdc, pgcdcRun, debeziumRun, problems, cpu, null);
  }

  static final double WAL_SENDER_TARGET = 0.80;
  static final double BROKER_TARGET = 0.90;
  static final double P99_TARGET_MILLIS = 50;
  static final long HEAP_TARGET_MB = 512;
  static final double DEBEZIUM_TARGET = 2.0;

  double ratioToWalSender() {
    return pgcdc == null ? Double.NaN : pgcdc.ratioTo(walSender);
  }

  /** pgcdc's steady events/s (after the backlog's warm-up) over pg_recvlogical's; NaN without a warm-up. */
  double steadyRatioToWalSender() {
    return pgcdc == null ? Double.NaN : pgcdc.steadyRatioTo(walSender);
  }

  double ratioToBroker() {
    return pgcdc == null ? Double.NaN : pgcdc.ratioTo(broker);
  }

  /** pgcdc's steady events/s over the raw publisher's on the same messages after the warm-up; NaN without one. */
  double steadyRatioToBroker() {
    return pgcdc == null ? Double.NaN : pgcdc.steadyRatioTo(broker);
  }

  /** pgcdc's events/s over Debezium Server's; NaN when either phase is missing. */
  double ratioToDebezium() {
    return pgcdc == null || debeziumRun == null ? Double.NaN : pgcdc.ratioTo(debeziumRun.backlog());
  }

  String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "machine: %s%n", machine));
    out.append(String.format(Locale.ROOT, "backlog: %,d rows in %,d-row txns + %,d single-row txns, %,d WAL bytes"
            + " (%s..%s), written in %.1f s; to_json(row) %.0f B%n", backlog.batchedRows(), backlog.txnSize(),
        backlog.singleRows(), backlog.walBytes(), Lsn.format(backlog.startLsn()), Lsn.format(backlog.endLsn()),
        backlog.writeSeconds(), backlog.rowJsonBytes()));
    if (backlog.hasWarmUp()) {
      out.append(String.format(Locale.ROOT, "         the first %,d rows are a warm-up (up to %s); steady rates count"
          + " the %,d events after it%n", backlog.warmUpRows(), Lsn.format(backlog.warmUpLsn()),
          backlog.measuredEvents()));
    }
    out.append(String.format(Locale.ROOT, "%n%-34s %12s %9s %-5s %9s  %s%n", "backlog consumer", "events/s", "MB/s",
        "of", "seconds", "limited by"));
    for (PhaseResult p : phases) {
      out.append(String.format(Locale.ROOT, "%-34s %,12.0f %9.2f %-5s %9.2f  %s%n", p.name(), p.eventsPerSecond(),
          p.megabytesPerSecond(), p.bytesKind(), p.seconds(), p.limits()));
      for (PhaseResult.PartRate part : p.parts()) {
        out.append(String.format(Locale.ROOT, "  %-32s %,12.0f %9s %-5s %9.2f%n", part.part(), part.eventsPerSecond(),
            "", "", part.seconds()));
      }
    }
    cpuTable(out);
    out.append(String.format(Locale.ROOT, "%npgcdc / pg_recvlogical = %s (target >= %.2f)%n",
        ratio(ratioToWalSender()), WAL_SENDER_TARGET));
    if (backlog.hasWarmUp()) {
      out.append(String.format(Locale.ROOT, "pgcdc / pg_recvlogical = %s after the %,d-row warm-up (steady;"
          + " the figure above is the cold whole backlog)%n", ratio(steadyRatioToWalSender()), backlog.warmUpRows()));
    }
    out.append(String.format(Locale.ROOT, "pgcdc / raw RabbitMQ   = %s (target >= %.2f)%n",
        ratio(ratioToBroker()), BROKER_TARGET));
    if (backlog.hasWarmUp() && broker != null) {
      out.append(String.format(Locale.ROOT, "pgcdc / raw RabbitMQ   = %s after the %,d-row warm-up (steady, same"
          + " message range; the figure above is the cold whole backlog)%n", ratio(steadyRatioToBroker()),
          backlog.warmUpRows()));
    }
    if (debeziumRun != null) {
      out.append(String.format(Locale.ROOT, "pgcdc / Debezium Server = %s (target >= %.2f)%n",
          ratio(ratioToDebezium()), DEBEZIUM_TARGET));
    }
    if (pgcdcRun != null) {
      PgcdcRun.Result r = pgcdcRun;
      out.append(String.format(Locale.ROOT, "pgcdc: JVM start to streaming %.1f s; queue full after %.2f s;"
          + " slot flushed to end LSN after %.2f s; mean body %.0f B%n", r.startupSeconds(), r.queueFullSeconds(),
          r.flushedSeconds(), r.meanBodyBytes()));
      out.append(String.format(Locale.ROOT, "pgcdc: own CPU during the backlog %.1f s = %.1f µs per event"
          + " (user + system, all threads; independent of what else runs)%n", r.backlogCpuSeconds(),
          r.cpuMicrosPerEvent()));
      out.append(String.format(Locale.ROOT, "pgcdc: peak heap %s (-Xmx512m, target <= %d MB), peak RSS %s%n",
          r.peakHeapMb() < 0 ? "n/a (no GC ran)" : r.peakHeapMb() + " MB", HEAP_TARGET_MB,
          r.vmHwmKb() < 0 ? "n/a" : (r.vmHwmKb() / 1024) + " MB"));
      out.append(String.format(Locale.ROOT, "pgcdc publish -> basic.ack (its own timer, last %.0f s: includes the"
              + " backlog): p50 %s  p99 %s%n", PgcdcRun.CONFIRM_WINDOW_SECONDS,
          millis(r.confirmP50Seconds()), millis(r.confirmP99Seconds())));
    }
    if (debeziumRun != null) {
      out.append(debeziumLines());
    }
    if (live != null) {
      out.append(LiveReport.table(live));
    }
    for (String problem : problems) {
      out.append("PROBLEM: ").append(problem).append(System.lineSeparator());
    }
    return out.toString();
  }

  /** Per phase: µs of CPU per event by broker, PostgreSQL, consumer and the rest; machine busy %. */
  private void cpuTable(StringBuilder out) {
    if (cpu.phases().isEmpty() && cpu.settles().isEmpty()) {
      return;
    }
    out.append(String.format(Locale.ROOT, "%nwhole-machine CPU per phase (/proc; µs of CPU per event; busy = all %d"
        + " cores, not idle/iowait)%n", Runtime.getRuntime().availableProcessors()));
    out.append(String.format(Locale.ROOT, "%-24s %8s %8s %8s %8s %8s %6s %7s  %-22s %s%n", "phase", "seconds",
        "broker", "Postgres", "consumer", "other", "busy%", "iowait%", "consumer is", "verdict"));
    for (PhaseCpu p : cpu.phases()) {
      out.append(String.format(Locale.ROOT, "%-24s %8.2f %8.1f %8.1f %8.1f %8.1f %6.0f %7.0f  %-22s %s%n", p.phase(),
          p.wallSeconds(), p.brokerMicrosPerEvent(), p.postgresMicrosPerEvent(), p.consumerMicrosPerEvent(),
          p.otherMicrosPerEvent(), p.busyPercent(), p.iowaitPercent(), p.consumer(), p.verdict()));
      if (!p.topOthers().isEmpty()) {
        out.append("  other, most: ").append(String.join(", ", p.topOthers())).append(System.lineSeparator());
      }
    }
    for (BrokerSettle.Wait w : cpu.settles()) {
      out.append(String.format(Locale.ROOT, "broker settle before %s: %.1f s%s%n", w.before(), w.seconds(),
          w.settled() ? "" : String.format(Locale.ROOT, " (did NOT settle: beam.smp at %.0f%% of a core)",
              100 * w.brokerCores())));
    }
  }

  /** Phase (e)'s details next to pgcdc's: start-up, clock, body size and CPU per event. */
  String debeziumLines() {
    DebeziumRun.Result d = debeziumRun;
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%ndebezium: Debezium Server %s on %s; JVM start to streaming %.1f s;"
        + " queue full after %.2f s%n", d.version(), d.java(), d.startupSeconds(), d.queueFullSeconds()));
    out.append(String.format(Locale.ROOT, "debezium: mean body %.0f B (first %,d messages; pgcdc %s)%n",
        d.meanBodyBytes(), d.bodySample(), pgcdcRun == null ? "n/a" : String.format(Locale.ROOT, "%.0f B",
            pgcdcRun.meanBodyBytes())));
    out.append(String.format(Locale.ROOT, "debezium: own CPU during the backlog %.1f s = %.1f µs per event (pgcdc %s);"
        + " peak RSS %s%n", d.backlogCpuSeconds(), d.cpuMicrosPerEvent(), pgcdcRun == null ? "n/a"
        : String.format(Locale.ROOT, "%.1f µs", pgcdcRun.cpuMicrosPerEvent()),
        d.vmHwmKb() < 0 ? "n/a" : (d.vmHwmKb() / 1024) + " MB"));
    return out.toString();
  }

  String json() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("machine", machine);
    ObjectNode b = root.putObject("backlog");
    b.put("batched_rows", backlog.batchedRows()).put("txn_size", backlog.txnSize())
        .put("single_rows", backlog.singleRows()).put("events", backlog.events())
        .put("start_lsn", Lsn.format(backlog.startLsn())).put("boundary_lsn", Lsn.format(backlog.boundaryLsn()))
        .put("end_lsn", Lsn.format(backlog.endLsn())).put("wal_bytes", backlog.walBytes())
        .put("write_seconds", backlog.writeSeconds()).put("row_json_bytes", backlog.rowJsonBytes())
        .put("warm_up_rows", backlog.warmUpRows()).put("warm_up_lsn", Lsn.format(backlog.warmUpLsn()));
    ArrayNode phaseArray = root.putArray("phases");
    for (PhaseResult p : phases) {
      ObjectNode n = phaseArray.addObject();
      n.put("name", p.name()).put("limited_by", p.limits()).put("events", p.events()).put("seconds", p.seconds())
          .put("events_per_second", p.eventsPerSecond()).put("bytes", p.bytes()).put("bytes_kind", p.bytesKind())
          .put("mb_per_second", p.megabytesPerSecond());
      ArrayNode parts = n.putArray("parts");
      for (PhaseResult.PartRate part : p.parts()) {
        parts.addObject().put("part", part.part()).put("events", part.events()).put("seconds", part.seconds())
            .put("events_per_second", part.eventsPerSecond());
      }
      series(n.putArray("events_per_second_over_time"), p.throughput());
    }
    ArrayNode cpuArray = root.putArray("cpu");
    for (PhaseCpu p : cpu.phases()) {
      cpuArray.addObject().put("phase", p.phase()).put("consumer", p.consumer()).put("events", p.events())
          .put("seconds", p.wallSeconds()).put("broker_cpu_seconds", p.brokerSeconds())
          .put("postgres_cpu_seconds", p.postgresSeconds()).put("consumer_cpu_seconds", p.consumerSeconds())
          .put("other_cpu_seconds", p.otherSeconds()).put("machine_busy_cpu_seconds", p.machineBusySeconds())
          .put("machine_total_cpu_seconds", p.machineTotalSeconds()).put("machine_busy_percent", p.busyPercent())
          .put("machine_iowait_percent", p.iowaitPercent())
          .put("broker_us_per_event", p.brokerMicrosPerEvent())
          .put("postgres_us_per_event", p.postgresMicrosPerEvent())
          .put("consumer_us_per_event", p.consumerMicrosPerEvent())
          .put("other_us_per_event", p.otherMicrosPerEvent()).put("verdict", p.verdict())
          .set("other_top_processes", mapper.valueToTree(p.topOthers()));
    }
    ArrayNode settleArray = root.putArray("broker_settle");
    for (BrokerSettle.Wait w : cpu.settles()) {
      settleArray.addObject().put("before", w.before()).put("seconds", w.seconds()).put("settled", w.settled())
          .put("broker_cores", w.brokerCores());
    }
    root.put("ratio_pgcdc_to_pg_recvlogical", ratioToWalSender());
    if (backlog.hasWarmUp()) {
      root.put("ratio_pgcdc_to_pg_recvlogical_after_warm_up", steadyRatioToWalSender());
    }
    root.put("ratio_pgcdc_to_raw_rabbitmq", ratioToBroker());
    if (backlog.hasWarmUp() && broker != null) {
      root.put("ratio_pgcdc_to_raw_rabbitmq_after_warm_up", steadyRatioToBroker());
    }
    if (debeziumRun != null) {
      root.put("ratio_pgcdc_to_debezium", ratioToDebezium());
      ObjectNode d = root.putObject("debezium");
      d.put("version", debeziumRun.version()).put("java", debeziumRun.java())
          .put("startup_seconds", debeziumRun.startupSeconds())
          .put("queue_full_seconds", debeziumRun.queueFullSeconds())
          .put("mean_body_bytes", debeziumRun.meanBodyBytes()).put("body_sample", debeziumRun.bodySample())
          .put("backlog_cpu_seconds", debeziumRun.backlogCpuSeconds())
          .put("cpu_micros_per_event", debeziumRun.cpuMicrosPerEvent()).put("peak_rss_kb", debeziumRun.vmHwmKb());
    }
    if (pgcdcRun != null) {
      ObjectNode r = root.putObject("pgcdc");
      r.put("startup_seconds", pgcdcRun.startupSeconds()).put("queue_full_seconds", pgcdcRun.queueFullSeconds())
          .put("flushed_seconds", pgcdcRun.flushedSeconds()).put("mean_body_bytes", pgcdcRun.meanBodyBytes())
          .put("peak_heap_mb", pgcdcRun.peakHeapMb()).put("peak_rss_kb", pgcdcRun.vmHwmKb())
          .put("backlog_cpu_seconds", pgcdcRun.backlogCpuSeconds())
          .put("cpu_micros_per_event", pgcdcRun.cpuMicrosPerEvent());
      r.put("publish_confirm_window", "includes backlog"); // read at the end of (c): the window holds its confirms
      pgcdcRun.confirmP50Seconds().ifPresent(v -> r.put("publish_confirm_p50_seconds", v));
      pgcdcRun.confirmP99Seconds().ifPresent(v -> r.put("publish_confirm_p99_seconds", v));
    }
    if (live != null) {
      LiveReport.json(root, live);
    }
    ArrayNode problemArray = root.putArray("problems");
    problems.forEach(problemArray::add);
    try {
      return mapper.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render the report as JSON", e);
    }
  }

  private static void series(ArrayNode array, Series s) {
    for (Series.Point p : s.points()) {
      array.addArray().add(Math.round(p.seconds() * 1000) / 1000.0).add(p.value());
    }
  }

  static String ratio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
  }

  private static String millis(java.util.OptionalDouble seconds) {
    return seconds.isPresent() ? String.format(Locale.ROOT, "%.1f ms", seconds.getAsDouble() * 1000) : "n/a";
  }
}
