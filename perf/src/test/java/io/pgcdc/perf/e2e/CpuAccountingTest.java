package io.pgcdc.perf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuAccountingTest {

  // fields 14-17 (utime stime cutime cstime) = 250 50 1000 200; the name holds a space and parentheses
  private static final String STAT = "4321 (beam (x) smp) S 17 4321 4321 0 -1 4194560 9 0 0 0 250 50 1000 200 20 0"
      + " 30 0 100 1 2 3";

  @Test
  void statLineGivesOwnAndReapedChildrenTicks() {
    ProcCpu.Times t = ProcCpu.Times.parse(STAT);

    assertThat(t.pid()).isEqualTo(4321);
    assertThat(t.comm()).isEqualTo("beam (x) smp");
    assertThat(t.ppid()).isEqualTo(17);
    assertThat(t.ownTicks()).isEqualTo(300);
    assertThat(t.withReapedTicks()).isEqualTo(1500);
  }

  @Test
  void threadLineGivesEachThreadsCpuBetweenTwoSamplesAndLeavesOutTheIdleOnes() {
    String line = ProcCpu.threadCpuLine("(e) x", Map.of("a", 1.0), Map.of("a", 3.0, "b", 0.01), 1_000_000);

    assertThat(line).isEqualTo("bench: (e) x CPU by thread during the backlog (s, µs/event): a 2.00 (2.0);");
  }

  @Test
  void machineTicksCountIdleAndIowaitAsNotBusy() {
    String procStat = "cpu  100 5 45 800 50 0 0 0 7 0\ncpu0 50 2 20 400 25 0 0 0 0 0\nintr 1 2 3\n";

    ProcCpu.MachineTicks m = ProcCpu.MachineTicks.parse(procStat);

    assertThat(m.total()).isEqualTo(1000); // guest (7) is already inside user
    assertThat(m.busy()).isEqualTo(150);
    assertThat(m.iowait()).isEqualTo(50);
  }

  @Test
  void treeSecondsSumTheRootAndEveryDescendantButNotOthers() {
    List<ProcCpu.Times> all = List.of(
        new ProcCpu.Times(10, "postgres", 1, 100, 0, 5000, 0),   // postmaster: 50 s of reaped backends
        new ProcCpu.Times(11, "postgres", 10, 200, 100, 0, 0),   // walsender
        new ProcCpu.Times(12, "postgres", 11, 0, 100, 0, 0),     // (grandchild, for the walk)
        new ProcCpu.Times(20, "beam.smp", 1, 900, 0, 0, 0));     // not in the tree

    assertThat(ProcCpu.treeSeconds(all, 10)).isCloseTo(55.0, within(1e-9));
    assertThat(ProcCpu.treeSeconds(all, 99)).isNaN();
  }

  @Test
  void phaseCpuIsTheDifferenceOfTwoSnapshotsPerEvent() {
    PhaseCpu.Snapshot start = new PhaseCpu.Snapshot(0, 10.0, 20.0, 1.0, new ProcCpu.MachineTicks(1_000, 50, 5_000));
    PhaseCpu.Snapshot end = new PhaseCpu.Snapshot(2_000_000_000L, 12.0, 20.8, 1.4,
        new ProcCpu.MachineTicks(1_000 + 380, 50 + 8, 5_000 + 400));

    PhaseCpu p = PhaseCpu.between("(c) pgcdc", "pgcdc JVM", 200_000, start, end, List.of("java[7] 0.30 s"));

    assertThat(p.wallSeconds()).isCloseTo(2.0, within(1e-9));
    assertThat(p.brokerMicrosPerEvent()).isCloseTo(10.0, within(1e-6));
    assertThat(p.postgresMicrosPerEvent()).isCloseTo(4.0, within(1e-6));
    assertThat(p.consumerMicrosPerEvent()).isCloseTo(2.0, within(1e-6));
    assertThat(p.otherSeconds()).isCloseTo(3.8 - 2.0 - 0.8 - 0.4, within(1e-9));
    assertThat(p.busyPercent()).isCloseTo(95.0, within(1e-9));
    assertThat(p.iowaitPercent()).isCloseTo(2.0, within(1e-9));
    assertThat(p.verdict()).isEqualTo("CPU-bound; most: broker");
  }

  @Test
  void otherProcessesAreRankedByTheirOwnCpuBetweenTheScansLeavingOutTheAccountedOnes() {
    List<ProcCpu.Times> start = List.of(
        new ProcCpu.Times(1, "java", 0, 100, 0, 0, 0),
        new ProcCpu.Times(2, "beam.smp", 0, 0, 0, 0, 0),
        new ProcCpu.Times(3, "cc1", 0, 10, 0, 0, 0));
    List<ProcCpu.Times> end = List.of(
        new ProcCpu.Times(1, "java", 0, 150, 20, 0, 0),   // +0.70 s
        new ProcCpu.Times(2, "beam.smp", 0, 900, 0, 0, 0), // accounted: left out
        new ProcCpu.Times(3, "cc1", 0, 10, 0, 0, 0),      // idle: left out
        new ProcCpu.Times(4, "mvn", 0, 5, 5, 0, 0));      // new: counts whole, +0.10 s

    assertThat(CpuMeter.topOthers(start, end, java.util.Set.of(2), 3, pid -> pid == 1 ? " in /w" : ""))
        .containsExactly("java[1 in /w] 0.70 s", "mvn[4] 0.10 s");
  }

  @Test
  void phaseBelowNinetyPercentBusyIsNotCpuBound() {
    PhaseCpu p = new PhaseCpu("(a)", "pg_recvlogical", 100, 1, 0, 0.5, 0.1, 1.2, 0.3, 2.0, List.of());

    assertThat(p.verdict()).startsWith("not CPU-bound (60% busy, 15% iowait)");
    assertThat(new PhaseCpu("x", "y", 0, 1, 1, 1, 1, 1, 0, 0, List.of()).brokerMicrosPerEvent()).isNaN();
    assertThat(new PhaseCpu("x", "y", 0, 1, 1, 1, 1, 1, 0, 0, List.of()).verdict()).isEqualTo("n/a");
  }

  @Test
  void brokerSettlesOnlyAfterQuietSecondsWithEmptyQueueAndLowCpu() {
    BrokerSettle.Detector d = new BrokerSettle.Detector(2.0, 0.10);

    assertThat(d.offer(0.0, 100.0, 0)).isFalse();
    assertThat(d.offer(1.0, 100.9, 0)).isFalse();     // busy clean-up: 0.9 cores
    assertThat(d.offer(2.0, 101.0, 0)).isFalse();     // 2 s span, but 0.5 cores on average
    assertThat(d.offer(3.0, 101.15, 0)).isFalse();    // span 1..3: 0.125 cores
    assertThat(d.lastCores()).isCloseTo(0.125, within(1e-9));
    assertThat(d.offer(4.0, 101.18, 0)).isTrue();     // span 2..4: 0.09 cores
  }

  @Test
  void aNonEmptyQueueRestartsTheQuietSpan() {
    BrokerSettle.Detector d = new BrokerSettle.Detector(2.0, 0.10);

    d.offer(0.0, 0, 0);
    d.offer(1.0, 0, 3);
    assertThat(d.offer(2.5, 0, 0)).isFalse();          // empty for 1.5 s only
    assertThat(d.offer(3.0, Double.NaN, 0)).isTrue();  // unknown broker CPU counts as quiet
  }

  @Test
  void liveTimelineGivesCoresAndSharesPerInterval() {
    List<CpuTimeline.Sample> samples = List.of(
        new CpuTimeline.Sample(0.0, 10.0, 5.0, new ProcCpu.MachineTicks(0, 0, 0)),
        new CpuTimeline.Sample(1.0, 10.5, 5.2, new ProcCpu.MachineTicks(150, 20, 200)),
        new CpuTimeline.Sample(2.0, 10.5, 5.2, new ProcCpu.MachineTicks(150, 20, 200))); // no ticks: skipped

    List<Series> series = CpuTimeline.perInterval(samples);

    assertThat(series.get(0).points()).containsExactly(new Series.Point(1.0, 0.5));
    assertThat(series.get(1).points().get(0).value()).isCloseTo(0.2, within(1e-9));
    assertThat(series.get(2).points().get(0).value()).isCloseTo(75.0, within(1e-9));
    assertThat(series.get(3).points().get(0).value()).isCloseTo(10.0, within(1e-9));
    assertThat(CpuTimeline.describe(series)).isEqualTo(" 1s 0.50/0.20 75%/10%;");
  }

  @Test
  void steadyLatenciesLeaveOutTheWarmUpArrivals() {
    long[] micros = {400_000, 300_000, 5_000, 6_000, 7_000};
    double[] arrivals = {0.5, 4.9, 5.0, 6.0, 7.5};

    LatencyStats steady = LatencyProbe.statsAfter(micros, arrivals, 5, 5.0);

    assertThat(steady.count()).isEqualTo(3);
    assertThat(steady.maxMillis()).isEqualTo(7.0);
    assertThat(LatencyProbe.statsAfter(micros, arrivals, 2, 5.0)).isEqualTo(LatencyStats.EMPTY);
  }
}
