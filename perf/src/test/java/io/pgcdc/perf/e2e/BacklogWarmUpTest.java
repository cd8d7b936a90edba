package io.pgcdc.perf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacklogWarmUpTest {

  /** 300 warm-up rows + 700 more in 100-row txns, no single-row txns. */
  private static final Backlog WARMED = new Backlog(1_000, 100, 0, 0x1000, 0x9000, 0x9000, 0.5, 180, 300, 0x3000);

  @Test
  void backlogWithoutWarmUpMeasuresEveryEvent() {
    Backlog plain = new Backlog(1_000, 100, 200, 0x1000, 0x9000, 0x11000, 0.5, 180);

    assertThat(plain.hasWarmUp()).isFalse();
    assertThat(plain.measuredEvents()).isEqualTo(1_200);
    assertThat(plain.warmUpLsn()).isEqualTo(0x1000);
    assertThat(PhaseResult.afterWarmUp(plain, 1.0, 2.0)).isEmpty();
  }

  @Test
  void steadyPartCountsTheEventsAfterTheWarmUpFromWhenTheConsumerPassedIt() {
    List<PhaseResult.PartRate> parts = PhaseResult.afterWarmUp(WARMED, 1.5, 5.0);

    assertThat(parts).containsExactly(new PhaseResult.PartRate(PhaseResult.AFTER_WARM_UP, 700, 3.5));
    assertThat(parts.get(0).eventsPerSecond()).isCloseTo(200, within(1e-9));
  }

  @Test
  void warmUpNeverPassedGivesNoSteadyPart() {
    assertThat(PhaseResult.afterWarmUp(WARMED, Double.NaN, 5.0)).isEmpty();
    assertThat(PhaseResult.afterWarmUp(WARMED, 5.0, 5.0)).isEmpty();
  }

  @Test
  void reportShowsTheSteadyRatioBesidesTheColdOne() throws Exception {
    PhaseResult wal = phase("pg_recvlogical", 2.0, PhaseResult.afterWarmUp(WARMED, 0.6, 2.0)); // 500/s steady
    PhaseResult pgcdc = phase("pgcdc", 4.0, PhaseResult.afterWarmUp(WARMED, 2.25, 4.0)); // 400/s steady
    BenchReport report = new BenchReport("m", WARMED, List.of(wal, pgcdc), wal, null, pgcdc, null, null, List.of(),
        CpuMeter.MachineAccount.NONE);

    assertThat(report.ratioToWalSender()).isCloseTo(0.5, within(1e-9));
    assertThat(report.steadyRatioToWalSender()).isCloseTo(0.8, within(1e-9));
    assertThat(report.table())
        .contains("the first 300 rows are a warm-up (up to 0/3000); steady rates count the 700 events after it")
        .contains("pgcdc / pg_recvlogical = 0.50 (target >= 0.80)")
        .contains("pgcdc / pg_recvlogical = 0.80 after the 300-row warm-up")
        .contains(PhaseResult.AFTER_WARM_UP);
    JsonNode json = new ObjectMapper().readTree(report.json());
    assertThat(json.path("ratio_pgcdc_to_pg_recvlogical_after_warm_up").asDouble()).isCloseTo(0.8, within(1e-9));
    assertThat(json.path("backlog").path("warm_up_rows").asLong()).isEqualTo(300);
  }

  @Test
  void reportComparesPgcdcWithTheRawPublisherOverTheSameMessagesAfterTheWarmUp() throws Exception {
    PhaseResult pgcdc = phase("pgcdc", 4.0, PhaseResult.afterWarmUp(WARMED, 2.25, 4.0)); // 400/s steady
    PhaseResult raw = phase("raw RabbitMQ publisher", 2.5, PhaseResult.afterWarmUp(WARMED, 1.5, 2.5)); // 700/s
    BenchReport report = new BenchReport("m", WARMED, List.of(pgcdc, raw), null, raw, pgcdc, null, null, List.of(),
        CpuMeter.MachineAccount.NONE);

    assertThat(report.ratioToBroker()).isCloseTo(0.625, within(1e-9));
    assertThat(report.steadyRatioToBroker()).isCloseTo(400.0 / 700.0, within(1e-9));
    assertThat(report.table())
        .contains("pgcdc / raw RabbitMQ   = 0.63 (target >= 0.90)")
        .contains("pgcdc / raw RabbitMQ   = 0.57 after the 300-row warm-up (steady, same message range");
    assertThat(new ObjectMapper().readTree(report.json()).path("ratio_pgcdc_to_raw_rabbitmq_after_warm_up").asDouble())
        .isCloseTo(400.0 / 700.0, within(1e-9));
  }

  @Test
  void reportWithoutWarmUpHasNoSteadyRatio() throws Exception {
    Backlog plain = new Backlog(1_000, 100, 0, 0x1000, 0x9000, 0x9000, 0.5, 180);
    PhaseResult wal = phase("pg_recvlogical", 2.0, List.of());
    BenchReport report = new BenchReport("m", plain, List.of(wal), wal, null, wal, null, null, List.of(),
        CpuMeter.MachineAccount.NONE);

    assertThat(report.steadyRatioToWalSender()).isNaN();
    assertThat(report.table()).doesNotContain("warm-up");
    assertThat(new ObjectMapper().readTree(report.json()).has("ratio_pgcdc_to_pg_recvlogical_after_warm_up")).isFalse();
  }

  @Test
  void perThreadLineNamesTheSpanItCovers() {
    String line = ProcCpu.threadCpuLine("(c) pgcdc", "after the warm-up", java.util.Map.of("pgcdc-encode", 1.0),
        java.util.Map.of("pgcdc-encode", 2.5), 1_000_000);

    assertThat(line).isEqualTo("bench: (c) pgcdc CPU by thread after the warm-up (s, µs/event): pgcdc-encode 1.50 (1.5);");
  }

  private static PhaseResult phase(String name, double seconds, List<PhaseResult.PartRate> parts) {
    return new PhaseResult(name, "limit", 1_000, 500_000, "body", seconds, parts, new Series(name, "events/s"));
  }
}
