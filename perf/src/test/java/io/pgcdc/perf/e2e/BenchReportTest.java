package io.pgcdc.perf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

  private static final Backlog BACKLOG = new Backlog(1_000, 100, 200, 0x1000, 0x9000, 0x11000, 0.5, 180);

  @Test
  void percentilesUseNearestRank() {
    long[] micros = new long[100];
    for (int i = 0; i < 100; i++) {
      micros[i] = (100 - i) * 1000L; // 1..100 ms, unsorted
    }
    LatencyStats stats = LatencyStats.of(micros, 100);

    assertThat(stats.count()).isEqualTo(100);
    assertThat(stats.p50Millis()).isEqualTo(50.0);
    assertThat(stats.p99Millis()).isEqualTo(99.0);
    assertThat(stats.maxMillis()).isEqualTo(100.0);
    assertThat(stats.meanMillis()).isEqualTo(50.5);
    assertThat(LatencyStats.percentile(new long[] {7}, 99.9)).isEqualTo(7);
  }

  @Test
  void noLatenciesGiveEmptyStats() {
    assertThat(LatencyStats.of(new long[4], 0)).isEqualTo(LatencyStats.EMPTY);
  }

  @Test
  void ratiosCompareEventsPerSecond() {
    BenchReport report = report();

    assertThat(report.ratioToWalSender()).isCloseTo(0.25, within(1e-9));
    assertThat(report.ratioToBroker()).isCloseTo(0.8, within(1e-9));
    assertThat(BenchReport.ratio(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void missingPhaseGivesUnknownRatio() {
    PhaseResult pgcdc = phase("pgcdc", 1200, 3.0);
    BenchReport report = new BenchReport("m", BACKLOG, List.of(pgcdc), null, null, pgcdc, null, null,
        List.of("x failed"), CpuMeter.MachineAccount.NONE);

    assertThat(report.ratioToWalSender()).isNaN();
    assertThat(report.table()).contains("pgcdc / pg_recvlogical = n/a").contains("PROBLEM: x failed");
  }

  @Test
  void debeziumPhaseAddsItsRatioAndItsCostNextToPgcdcs() throws Exception {
    PhaseResult pgcdc = phase("pgcdc", 1200, 0.5);
    PgcdcRun.Result pgcdcRun = new PgcdcRun.Result(pgcdc, 2.0, 0.4, 0.5, java.util.OptionalDouble.empty(),
        java.util.OptionalDouble.empty(), 100, 300_000, 731.4, 0.06);
    DebeziumRun.Result debezium = new DebeziumRun.Result(phase("Debezium Server", 1200, 1.25), "3.6.1.Final",
        "/jvm/25/bin/java", 9.5, 1.25, 686.2, 1200, 0.6, 900 * 1024);
    BenchReport report = new BenchReport("m", BACKLOG, List.of(pgcdc, debezium.backlog()), null, null, pgcdc,
        pgcdcRun, debezium, List.of(), CpuMeter.MachineAccount.NONE);

    assertThat(report.ratioToDebezium()).isCloseTo(2.5, within(1e-9));
    assertThat(report.table())
        .contains("pgcdc / Debezium Server = 2.50 (target >= 2.00)")
        .contains("Debezium Server 3.6.1.Final on /jvm/25/bin/java; JVM start to streaming 9.5 s; queue full after 1.25 s")
        .contains("mean body 686 B (first 1,200 messages; pgcdc 731 B)")
        .contains("own CPU during the backlog 0.6 s = 500.0 µs per event (pgcdc 50.0 µs); peak RSS 900 MB");
    JsonNode json = new ObjectMapper().readTree(report.json());
    assertThat(json.path("ratio_pgcdc_to_debezium").asDouble()).isCloseTo(2.5, within(1e-9));
    assertThat(json.path("debezium").path("cpu_micros_per_event").asDouble()).isCloseTo(500, within(1e-9));
    assertThat(json.path("phases")).hasSize(2);
  }

  @Test
  void withoutDebeziumPhaseTheReportDoesNotMentionIt() throws Exception {
    BenchReport report = report();

    assertThat(report.ratioToDebezium()).isNaN();
    assertThat(report.table()).doesNotContain("Debezium");
    assertThat(new ObjectMapper().readTree(report.json()).has("ratio_pgcdc_to_debezium")).isFalse();
  }

  @Test
  void failedDebeziumPhaseLeavesPgcdcsFiguresAndAProblem() {
    PhaseResult pgcdc = phase("pgcdc", 1200, 3.0);
    BenchReport report = new BenchReport("m", BACKLOG, List.of(pgcdc), null, null, pgcdc, null, null,
        List.of("(e) Debezium Server failed: boom"), CpuMeter.MachineAccount.NONE);

    assertThat(report.table()).contains("PROBLEM: (e) Debezium Server failed: boom").doesNotContain("pgcdc / Debezium");
  }

  @Test
  void backlogPartsSplitWhereTheCountPassesTheBigTransactions() {
    Series events = new Series("c", "events");
    events.add(0, 0);
    events.add(1, 1000); // the 1 000 batched rows after 1 s
    events.add(2, 1200);

    List<PhaseResult.PartRate> parts = PhaseResult.parts(BACKLOG, events, 2.0);

    assertThat(parts).extracting(PhaseResult.PartRate::part).containsExactly("100-row txns", "1-row txns");
    assertThat(parts.get(0).eventsPerSecond()).isCloseTo(1000, within(1e-9));
    assertThat(parts.get(1).eventsPerSecond()).isCloseTo(200, within(1e-9));
  }

  @Test
  void rateOfCumulativeSeriesUsesWindowsOfAtLeastTheGivenLength() {
    Series counter = new Series("c", "events");
    for (int i = 0; i <= 8; i++) {
      counter.add(i * 0.25, i * 250); // 1000 events/s
    }
    Series rate = counter.rate("r", "events/s", 1.0);

    assertThat(rate.points()).hasSize(8).allSatisfy(p -> assertThat(p.value()).isCloseTo(1000, within(1e-6)));
    assertThat(counter.timeToReach(375)).isCloseTo(0.375, within(1e-9));
    assertThat(counter.timeToReach(1e9)).isNaN();
  }

  @Test
  void jsonHoldsTheTableFigures() throws Exception {
    JsonNode json = new ObjectMapper().readTree(report().json());

    assertThat(json.path("backlog").path("events").asLong()).isEqualTo(1200);
    assertThat(json.path("backlog").path("end_lsn").asText()).isEqualTo("0/11000");
    assertThat(json.path("phases")).hasSize(3);
    assertThat(json.path("phases").get(2).path("events_per_second").asDouble()).isEqualTo(400.0);
    assertThat(json.path("ratio_pgcdc_to_raw_rabbitmq").asDouble()).isCloseTo(0.8, within(1e-9));
  }

  @Test
  void tableAndJsonCarryTheCpuPerEventOfEachPhaseAndTheSettleWaits() throws Exception {
    PhaseCpu c = new PhaseCpu("(c) pgcdc", "pgcdc JVM", 1200, 3.0, 0.012, 0.006, 0.018, 5.7, 0.06, 6.0,
        List.of("java[42] 5.00 s"));
    CpuMeter.MachineAccount cpu = new CpuMeter.MachineAccount(List.of(c),
        List.of(new BrokerSettle.Wait("(d)", 4.5, true, 0.03), new BrokerSettle.Wait("(b)", 30.0, false, 0.4)));
    BenchReport r = report();
    BenchReport report = new BenchReport(r.machine(), BACKLOG, r.phases(), r.walSender(), r.broker(), r.pgcdc(),
        null, null, List.of(), cpu);

    assertThat(report.table())
        .contains("(c) pgcdc                    3.00     10.0      5.0     15.0   4720.0     95       1  pgcdc JVM"
            + "              CPU-bound; most: other")
        .contains("  other, most: java[42] 5.00 s")
        .contains("broker settle before (d): 4.5 s" + System.lineSeparator())
        .contains("broker settle before (b): 30.0 s (did NOT settle: beam.smp at 40% of a core)");
    JsonNode json = new ObjectMapper().readTree(report.json());
    JsonNode phase = json.path("cpu").get(0);
    assertThat(phase.path("broker_us_per_event").asDouble()).isCloseTo(10.0, within(1e-9));
    assertThat(phase.path("consumer_us_per_event").asDouble()).isCloseTo(15.0, within(1e-9));
    assertThat(phase.path("machine_busy_percent").asDouble()).isCloseTo(95.0, within(1e-9));
    assertThat(phase.path("other_top_processes").get(0).asText()).isEqualTo("java[42] 5.00 s");
    assertThat(json.path("broker_settle").get(1).path("settled").asBoolean()).isFalse();
  }

  @Test
  void pgcdcsPublishConfirmQuantilesAreLabelledAsIncludingTheBacklog() throws Exception {
    PgcdcRun.Result run = new PgcdcRun.Result(phase("pgcdc", 1200, 3.0), 2.0, 3.0, 3.0,
        java.util.OptionalDouble.of(0.004), java.util.OptionalDouble.of(0.012), 100, 200_000, 730, 1.0);
    BenchReport r = report();
    BenchReport report = new BenchReport("m", BACKLOG, r.phases(), r.walSender(), r.broker(), r.pgcdc(), run,
        null, List.of(), CpuMeter.MachineAccount.NONE);

    assertThat(report.table())
        .contains("publish -> basic.ack (its own timer, last 60 s: includes the backlog): p50 4.0 ms  p99 12.0 ms")
        .doesNotContain("commit -> consumer");
    JsonNode json = new ObjectMapper().readTree(report.json());
    assertThat(json.path("pgcdc").path("publish_confirm_window").asText()).isEqualTo("includes backlog");
    assertThat(json.path("pgcdc").path("publish_confirm_p99_seconds").asDouble()).isEqualTo(0.012);
    assertThat(json.has("live")).isFalse();
  }

  @Test
  void chartIsAReadablePng(@TempDir Path dir) throws Exception {
    Series throughput = new Series("pgcdc", "events/s");
    throughput.add(1, 3000);
    throughput.add(2, 120_000);
    Series p99 = new Series("p99", "ms");
    p99.add(1, 12);
    Path png = dir.resolve("chart.png");

    BenchChart.write(png, "test", List.of(throughput), List.of(p99));

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(BenchChart.WIDTH);
    assertThat(image.getHeight()).isEqualTo(BenchChart.HEIGHT);
    assertThat(BenchChart.niceCeiling(130)).isEqualTo(200);
    assertThat(BenchChart.niceCeiling(4.1)).isEqualTo(5);
  }

  private static BenchReport report() {
    PhaseResult wal = phase("pg_recvlogical", 1200, 0.75);
    PhaseResult broker = phase("raw", 1200, 2.4);
    PhaseResult pgcdc = phase("pgcdc", 1200, 3.0);
    return new BenchReport("m", BACKLOG, List.of(wal, broker, pgcdc), wal, broker, pgcdc, null, null, List.of(),
        CpuMeter.MachineAccount.NONE);
  }

  private static PhaseResult phase(String name, long events, double seconds) {
    return new PhaseResult(name, "limit", events, events * 500, "body", seconds, List.of(), new Series(name, "events/s"));
  }
}
