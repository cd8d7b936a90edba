package io.pgcdc.perf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The live phase's helpers: what they parse from PostgreSQL, /proc, GC logs and URIs, and what the report shows. */
class LiveDiagnosticsTest {

  @Test
  void testDecodingCommitLinesGiveTheCommitTimeWithAnyFractionAndOffset() {
    assertThat(WalSenderProbe.commitTime("COMMIT 745 (at 2026-12-02 08:50:00.123456+00)"))
        .isEqualTo(Instant.parse("2026-12-02T08:50:00.123456Z"));
    assertThat(WalSenderProbe.commitTime("COMMIT 745 (at 2026-12-02 09:50:00.5+01)"))
        .isEqualTo(Instant.parse("2026-12-02T08:50:00.5Z"));
    assertThat(WalSenderProbe.commitTime("COMMIT 745 (at 2026-12-02 08:50:00+00)"))
        .isEqualTo(Instant.parse("2026-12-02T08:50:00Z"));
    assertThat(WalSenderProbe.commitTime("BEGIN 745")).isNull();
    assertThat(WalSenderProbe.commitTime("table public.bench_rows: INSERT: id[bigint]:1")).isNull();
  }

  @Test
  void theScheduleIndexOfADeliveryComesFromItsRowName() {
    byte[] body = "{\"after\":{\"id\":7,\"name\":\"customer-10000000042\",\"amount\":1}}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(LatencyProbe.ticket(body)).isEqualTo(42);
    assertThat(LatencyProbe.ticket("{\"name\":\"customer-12\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo(-1);
    assertThat(LatencyProbe.ticket("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(-1);
  }

  @Test
  void diskstatsAreSummedOverWholeDisksOnly() {
    List<String> lines = List.of(
        " 254       0 vda 41176 8186 2297330 9291 393703 33159 17627488 85612 2 35596 106075 19151 19 8981296 2428"
            + " 138294 8743",
        " 254       1 vda1 100 0 100 1 50 0 50 5 0 1 1 0 0 0 0 10 1",
        "   7       0 loop0 5 0 10 0 0 0 0 0 0 0 0 0 0 0 0 0 0");

    DiskTimeline.Counters c = DiskTimeline.parse(1.0, lines);

    assertThat(c.writes()).isEqualTo(393703);
    assertThat(c.writeMillis()).isEqualTo(85612);
    assertThat(c.flushes()).isEqualTo(138294);
    assertThat(c.flushMillis()).isEqualTo(8743);
    List<Series> perSecond = DiskTimeline.perInterval(List.of(c,
        new DiskTimeline.Counters(3.0, 393903, 85632, 138494, 8753)));
    assertThat(perSecond.get(0).points().get(0).value()).isCloseTo(100, within(1e-9));
    assertThat(perSecond.get(3).points().get(0).value()).isCloseTo(5, within(1e-9));
  }

  @Test
  void gcPausesAreCountedInsideTheUptimeWindowOnly() {
    String log = """
        [0.012s][info][gc] Using G1
        [5.100s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(256M) 3.456ms
        [12.000s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 30M->6M(256M) 7.000ms
        [13.000s][info][gc] GC(2) Pause Remark 30M->30M(256M) 1.000ms
        [13.500s][info][gc] GC(2) Concurrent Mark Cycle 45.000ms
        [40.000s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 30M->6M(256M) 9.000ms
        """;

    GcPauses pauses = GcPauses.parse(log, 10, 30);

    assertThat(pauses.count()).isEqualTo(2);
    assertThat(pauses.totalMillis()).isCloseTo(8.0, within(1e-9));
    assertThat(pauses.maxMillis()).isCloseTo(7.0, within(1e-9));
    assertThat(GcPauses.perSecond(log, 10)).containsEntry(3, 7.0).containsEntry(4, 1.0).containsEntry(31, 9.0);
  }

  @Test
  void spikeLinesNameWhatElseWasSlowInTheSameSecond() {
    Series p50 = new Series("p50", "ms");
    Series p99 = new Series("p99", "ms");
    Series max = new Series("max", "ms");
    max.add(1, 20);
    max.add(2, 180);
    LatencyStats any = new LatencyStats(1, 1, 1, 1, 1, 1);
    LatencyProbe.Result live = new LatencyProbe.Result(2000, 2000, 4000, 4000, any, List.of(p50, p99, max), any, 5);
    Series canaryMax = new Series("max", "ms");
    canaryMax.add(2, 150);
    BrokerBaseline.Result canary = new BrokerBaseline.Result(100, 730, 200, 200, 200, any, any,
        List.of(p50, p99, canaryMax), List.of());

    String lines = LiveReport.spikes(live, null, canary, java.util.Map.of(2, 4.5));

    assertThat(lines).isEqualTo("bench: (d) spike in second 2: max 180.0 ms; same second: PostgreSQL max n/a,"
        + " broker canary max 150.0 ms, pgcdc GC pause max 4.5 ms" + System.lineSeparator());
    Series laterCanaryMax = new Series("max", "ms");
    laterCanaryMax.add(12, 99); // a canary started 10 s earlier: its second 12 is this span's second 2
    BrokerBaseline.Result earlier = new BrokerBaseline.Result(100, 730, 200, 200, 200, any, any,
        List.of(p50, p99, laterCanaryMax), List.of());
    assertThat(LiveReport.spikes("lead-in second", List.of(p50, p99, max), List.of(p50, p99, max), earlier, 10,
        java.util.Map.of())).contains("spike in lead-in second 2: max 180.0 ms; same second: PostgreSQL max 180.0 ms,"
        + " broker canary max 99.0 ms, pgcdc GC pause max none");
  }

  @Test
  void vhostUriReplacesThePathAndKeepsTheCredentials() {
    assertThat(RabbitVhost.withVhost("amqp://guest:guest@127.0.0.1:5672", "pgcdc_bench_x_live"))
        .isEqualTo("amqp://guest:guest@127.0.0.1:5672/pgcdc_bench_x_live");
    assertThat(RabbitVhost.withVhost("amqp://u:p@host:5672/%2F", "a/b")).isEqualTo("amqp://u:p@host:5672/a%2Fb");
    assertThat(RabbitVhost.user("amqp://bench:secret@host")).isEqualTo("bench");
    assertThat(RabbitVhost.user("amqp://host")).isEqualTo("guest");
  }

  @Test
  void baselineBodiesCarryTheirPublishTimeEvenWhenNanoTimeIsNegative() {
    byte[] body = new byte[730];
    BrokerBaseline.stamp(body, 123_456_789L);
    assertThat(BrokerBaseline.sentAt(body)).isEqualTo(123_456_789L);
    BrokerBaseline.stamp(body, -42L);
    assertThat(BrokerBaseline.sentAt(body)).isEqualTo(-42L);
  }

  @Test
  void liveSectionPutsTheBrokersBaselineAndPostgresShareBesideTheWholeRunHeadline() throws Exception {
    LatencyStats whole = new LatencyStats(60_000, 4.0, 120.0, 300.0, 310.0, 6.0);
    LatencyStats steady = new LatencyStats(50_000, 3.5, 9.5, 14.0, 20.0, 4.0);
    LatencyProbe.Result live = new LatencyProbe.Result(2000, 1999.0, 60_000, 60_000, whole, List.of(), steady, 5);
    LatencyStats confirm = new LatencyStats(60_000, 1.0, 60.0, 200.0, 250.0, 2.0);
    BrokerBaseline.Result baseline = new BrokerBaseline.Result(2000, 730, 60_000, 60_000, 60_000, confirm,
        confirm, List.of(), List.of());
    WalSenderProbe.Result pg = new WalSenderProbe.Result(60_000,
        new LatencyStats(60_000, 1.5, 5.0, 8.0, 9.0, 1.6), List.of(), null);
    LiveRun.Result result = new LiveRun.Result("vhost v", "classic {x-queue-version=2}", 3.0, 730, null, baseline,
        live, pg, OptionalDouble.of(0.001), OptionalDouble.of(0.05), new GcPauses(3, 12.0, 5.0), List.of(),
        List.of(), baseline);
    BenchReport report = new BenchReport("m", new Backlog(0, 1, 0, 0, 0, 0, 0, Double.NaN), List.of(), null, null,
        null, null, null, List.of(), CpuMeter.MachineAccount.NONE, result);

    assertThat(report.table())
        .contains("live (d): in vhost v, fresh queue (classic {x-queue-version=2})")
        .contains("commit -> consumer delivery (commit_ts in body vs arrival): p50 4.0 ms  p99 120.0 ms")
        .contains("commit -> walsender client (test_decoding slot, same commit_ts): p50 1.5 ms, p99 5.0 ms")
        .contains("publish -> basic.ack:  p50 1.0 ms, p99 60.0 ms")
        .contains("(d) p99 / broker-alone publish -> ack p99 = 2.00")
        .contains("pgcdc GC during (d): 3 pauses, 12.0 ms in all, longest 5.0 ms")
        .contains("broker canary beside lead-in + (d) (raw publisher, 2,000 msg/s, own queue): publish -> ack p50 1.0 ms");
    JsonNode json = new ObjectMapper().readTree(report.json()).path("live");
    assertThat(json.path("p99_ms").asDouble()).isEqualTo(120.0);
    assertThat(json.path("broker_baseline").path("publish_to_ack").path("p99_ms").asDouble()).isEqualTo(60.0);
    assertThat(json.path("walsender").path("p99_ms").asDouble()).isEqualTo(5.0);
    assertThat(json.path("ratio_p99_to_broker_baseline").asDouble()).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void liveSectionSaysPostgresShareWasNotMeasuredWithoutTheProbe() throws Exception {
    LatencyStats stats = new LatencyStats(60_000, 4.0, 40.0, 60.0, 70.0, 5.0);
    LatencyProbe.Result live = new LatencyProbe.Result(2000, 2000.0, 60_000, 60_000, stats, List.of(), stats, 5);
    BrokerBaseline.Result baseline = new BrokerBaseline.Result(2000, 730, 60_000, 60_000, 60_000, stats,
        stats, List.of(), List.of());
    LiveRun.Result result = new LiveRun.Result("vhost v", "classic {x-queue-version=2}", 3.0, 730, null, baseline,
        live, null, OptionalDouble.empty(), OptionalDouble.empty(), new GcPauses(0, 0, 0), List.of(), List.of(), null);
    BenchReport report = new BenchReport("m", new Backlog(0, 1, 0, 0, 0, 0, 0, Double.NaN), List.of(), null, null,
        null, null, null, List.of(), CpuMeter.MachineAccount.NONE, result);

    assertThat(report.table()).contains("PostgreSQL's share: not measured (--live-pg-probe")
        .doesNotContain("commit -> walsender client");
    assertThat(new ObjectMapper().readTree(report.json()).path("live").has("walsender")).isFalse();
  }
}
