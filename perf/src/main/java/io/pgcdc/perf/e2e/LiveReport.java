package io.pgcdc.perf.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Phase (d)'s part of the table and the JSON: the whole-run commit -> consumer percentiles (the
 * headline), and beside them who could have caused the tail — PostgreSQL (commit -> walsender
 * client), the broker alone at the same rate (publish -> ack and -> delivery), pgcdc's own publish
 * -> ack and GC pauses — with the p99 ratios. Stateless.
 */
final class LiveReport {

  private LiveReport() {
  }

  static String table(LiveRun.Result r) {
    StringBuilder out = new StringBuilder();
    LatencyProbe.Result l = r.live();
    out.append(String.format(Locale.ROOT, "%nlive (d): in %s, fresh queue (%s); pgcdc of its own, JVM start to"
        + " streaming %.1f s, mean body %.0f B%n", r.where(), r.queueKind(), r.startupSeconds(), r.meanBodyBytes()));
    if (r.warmUp() != null) {
      out.append(String.format(Locale.ROOT, "  warm-up before it (%d s, not the headline): %s%n",
          r.warmUp().committed() / Math.max(1, r.warmUp().targetRate()), LiveRun.describe(r.warmUp().stats())));
    }
    if (l.leadInSeconds() > 0) {
      out.append(String.format(Locale.ROOT, "  lead-in: the first %d s of the load after the idle broker baseline (the"
          + " idle -> busy edge; not the headline): %s%n", l.leadInSeconds(), LiveRun.describe(l.leadIn())));
    }
    out.append(String.format(Locale.ROOT, "live: %,d txn/s offered, %,.0f achieved, %,d committed, %,d delivered"
        + " in the measured span%n", l.targetRate(), l.achievedRate(), l.committed(), l.delivered()));
    LatencyStats s = l.stats();
    out.append(String.format(Locale.ROOT, "commit -> consumer delivery (commit_ts in body vs arrival):"
            + " p50 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  max %.1f ms  (p99 target <= %.0f ms)%n",
        s.p50Millis(), s.p99Millis(), s.p999Millis(), s.maxMillis(), BenchReport.P99_TARGET_MILLIS));
    LatencyStats st = l.steady();
    out.append(String.format(Locale.ROOT, "  steady state (arrivals after the first %.0f s, %,d of %,d):"
            + " p50 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  max %.1f ms%n", l.warmUpSeconds(), st.count(), s.count(),
        st.p50Millis(), st.p99Millis(), st.p999Millis(), st.maxMillis()));
    if (r.walSender() != null) {
      out.append("  of which PostgreSQL: commit -> walsender client (test_decoding slot, same commit_ts): ")
          .append(LiveRun.describe(r.walSender().stats())).append(System.lineSeparator());
      if (r.walSender().problem() != null) {
        out.append("  ").append(r.walSender().problem()).append(System.lineSeparator());
      }
    } else {
      out.append("  PostgreSQL's share: not measured (--live-pg-probe measures it, at a cost; see perf/README.md)")
          .append(System.lineSeparator());
    }
    out.append(String.format(Locale.ROOT, "  pgcdc publish -> basic.ack (its own 60 s timer: lead-in + measured span):"
        + " p50 %s  p99 %s%n", millis(r.confirmP50Seconds()), millis(r.confirmP99Seconds())));
    if (r.gc() != null) {
      out.append(String.format(Locale.ROOT, "  pgcdc GC during (d): %d pauses, %.1f ms in all, longest %.1f ms%n",
          r.gc().count(), r.gc().totalMillis(), r.gc().maxMillis()));
    }
    BrokerBaseline.Result b = r.baseline();
    if (b != null) {
      out.append(String.format(Locale.ROOT, "broker alone (raw publisher, %,d msg/s of %d B, persistent, confirms,"
          + " same vhost and queue kind, consumer attached, %,d published):%n", b.rate(), b.bodyBytes(),
          b.published()));
      out.append("  publish -> basic.ack:  ").append(LiveRun.describe(b.confirm())).append(System.lineSeparator());
      out.append("  publish -> delivery:   ").append(LiveRun.describe(b.delivery())).append(System.lineSeparator());
      out.append(String.format(Locale.ROOT, "  (d) p99 / broker-alone publish -> ack p99 = %s;"
              + " (d) max / its max = %s%n",
          BenchReport.ratio(s.p99Millis() / b.confirm().p99Millis()),
          BenchReport.ratio(s.maxMillis() / b.confirm().maxMillis())));
    }
    BrokerBaseline.Result c = r.canary();
    if (c != null) {
      out.append(String.format(Locale.ROOT, "broker canary beside lead-in + (d) (raw publisher, %,d msg/s, own queue):"
          + " publish -> ack %s%n", c.rate(), LiveRun.describe(c.confirm())));
    }
    return out.toString();
  }

  static void json(ObjectNode root, LiveRun.Result r) {
    LatencyProbe.Result l = r.live();
    ObjectNode live = root.putObject("live");
    live.put("measured", "commit_ts in message body -> arrival at a consumer (same clock)")
        .put("measured_span", "after the lead-in; pgcdc publish -> ack quantiles cover lead-in + measured span")
        .put("where", r.where()).put("queue", r.queueKind()).put("startup_seconds", r.startupSeconds())
        .put("mean_body_bytes", r.meanBodyBytes())
        .put("target_rate", l.targetRate()).put("achieved_rate", l.achievedRate())
        .put("committed", l.committed()).put("delivered", l.delivered());
    stats(live, l.stats());
    ObjectNode steady = live.putObject("steady");
    steady.put("measured", "same, deliveries arriving after the first warm_up_seconds")
        .put("warm_up_seconds", l.warmUpSeconds());
    stats(steady, l.steady());
    r.confirmP50Seconds().ifPresent(v -> live.put("pgcdc_publish_confirm_p50_seconds", v));
    r.confirmP99Seconds().ifPresent(v -> live.put("pgcdc_publish_confirm_p99_seconds", v));
    perSecond(live.putObject("per_second_ms"), l.overTime());
    perSecond(live.putObject("per_second_cpu"), r.cpu());
    perSecond(live.putObject("per_second_disk"), r.disk());
    if (r.warmUp() != null) {
      stats(live.putObject("warm_up"), r.warmUp().stats());
    }
    ObjectNode leadIn = live.putObject("lead_in");
    leadIn.put("seconds", l.leadInSeconds()).put("measured", "the same load's first seconds after the idle baseline");
    stats(leadIn, l.leadIn());
    if (r.walSender() != null) {
      ObjectNode pg = live.putObject("walsender");
      pg.put("measured", "commit_ts -> a test_decoding slot's client (PostgreSQL's share)");
      stats(pg, r.walSender().stats());
      perSecond(pg.putObject("per_second_ms"), r.walSender().overTime());
    }
    if (r.gc() != null) {
      live.putObject("pgcdc_gc").put("pauses", r.gc().count()).put("total_ms", r.gc().totalMillis())
          .put("max_ms", r.gc().maxMillis());
    }
    BrokerBaseline.Result b = r.baseline();
    if (b != null) {
      ObjectNode base = live.putObject("broker_baseline");
      base.put("rate", b.rate()).put("body_bytes", b.bodyBytes()).put("published", b.published())
          .put("confirmed", b.confirmed()).put("delivered", b.delivered());
      ObjectNode confirm = base.putObject("publish_to_ack");
      stats(confirm, b.confirm());
      perSecond(confirm.putObject("per_second_ms"), b.confirmOverTime());
      ObjectNode delivery = base.putObject("publish_to_delivery");
      stats(delivery, b.delivery());
      perSecond(delivery.putObject("per_second_ms"), b.deliveryOverTime());
      live.put("ratio_p99_to_broker_baseline", l.stats().p99Millis() / b.confirm().p99Millis());
    }
    BrokerBaseline.Result c = r.canary();
    if (c != null) {
      ObjectNode canary = live.putObject("broker_canary");
      canary.put("rate", c.rate()).put("published", c.published());
      ObjectNode confirm = canary.putObject("publish_to_ack");
      stats(confirm, c.confirm());
      perSecond(confirm.putObject("per_second_ms"), c.confirmOverTime());
    }
  }

  /** A spike: a second of (d) whose slowest delivery took longer than this. */
  static final double SPIKE_MILLIS = 50;

  /**
   * One line per second of (d) whose max exceeded {@link #SPIKE_MILLIS}, with what else was slow
   * in that second: PostgreSQL (commit -> walsender client max), the broker canary (publish ->
   * ack max) and pgcdc's longest GC pause; for the run log.
   */
  static String spikes(LatencyProbe.Result live, WalSenderProbe.Result pg, BrokerBaseline.Result canary,
                       java.util.Map<Integer, Double> gcMaxBySecond) {
    return spikes("second", live.overTime(), pg == null ? null : pg.overTime(), canary, 0, gcMaxBySecond);
  }

  /**
   * The same for any span: {@code latency} its per-second p50/p99/max, {@code pg} PostgreSQL's,
   * the canary's second = this span's second + {@code canaryOffset} (it may have started earlier).
   */
  static String spikes(String label, List<Series> latency, List<Series> pg, BrokerBaseline.Result canary,
                       int canaryOffset, java.util.Map<Integer, Double> gcMaxBySecond) {
    StringBuilder out = new StringBuilder();
    Series pgMax = pg == null || pg.size() < 3 ? null : pg.get(2);
    Series canaryMax = canary == null ? null : canary.confirmOverTime().get(2);
    for (Series.Point p : latency.get(2).points()) {
      if (p.value() <= SPIKE_MILLIS) {
        continue;
      }
      int second = (int) Math.round(p.seconds());
      out.append(String.format(Locale.ROOT, "bench: (d) spike in %s %d: max %.1f ms; same second: PostgreSQL"
              + " max %s, broker canary max %s, pgcdc GC pause max %s%n", label, second, p.value(),
          at(pgMax, second, 0), at(canaryMax, second, canaryOffset), gcMaxBySecond.containsKey(second)
              ? String.format(Locale.ROOT, "%.1f ms", gcMaxBySecond.get(second)) : "none"));
    }
    return out.toString();
  }

  private static String at(Series s, int second, int offset) {
    if (s == null) {
      return "n/a";
    }
    for (Series.Point p : s.points()) {
      if (Math.round(p.seconds()) == second + offset) {
        return String.format(Locale.ROOT, "%.1f ms", p.value());
      }
    }
    return "none";
  }

  private static void stats(ObjectNode node, LatencyStats s) {
    node.put("count", s.count()).put("p50_ms", s.p50Millis()).put("p99_ms", s.p99Millis())
        .put("p999_ms", s.p999Millis()).put("max_ms", s.maxMillis()).put("mean_ms", s.meanMillis());
  }

  private static void perSecond(ObjectNode node, List<Series> series) {
    for (Series s : series) {
      ArrayNode array = node.putArray(s.name());
      for (Series.Point p : s.points()) {
        array.addArray().add(Math.round(p.seconds() * 1000) / 1000.0).add(p.value());
      }
    }
  }

  private static String millis(OptionalDouble seconds) {
    return seconds.isPresent() ? String.format(Locale.ROOT, "%.1f ms", seconds.getAsDouble() * 1000) : "n/a";
  }
}
