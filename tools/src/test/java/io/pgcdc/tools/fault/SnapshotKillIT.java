package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -9} of a real {@code pgcdc run} process in the middle of its initial snapshot
 * ({@code source.snapshot: initial}), while a writer keeps committing rows: the kill leaves no slot
 * (the snapshot's temporary slot goes with the dead connection), and the next start takes a new
 * snapshot and streams what follows it, so that start alone delivers every committed row, in
 * per-key order, each with one id.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SnapshotKillIT {
  /** Rows in the table before pgcdc starts: enough that the kill lands well inside the snapshot. */
  private static final int PREFILLED = 60_000;
  private static final int KILL_AFTER_EVENTS = 5_000;

  private FaultBed bed;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.create("faultsnap");
  }

  @AfterEach
  void removeBed() throws Exception {
    bed.close();
  }

  @Test
  void killingPgcdcMidSnapshotLeavesNoSlotAndTheNextStartDeliversEveryRow() throws Exception {
    bed.prefill(PREFILLED);
    RowWriter writer = bed.writer(4_000, 16, 400).start();
    PgcdcNode node = bed.node("n1", bed.config("n1").withInitialSnapshot()).start();

    bed.awaitStreaming(node, KILL_AFTER_EVENTS);
    node.kill();
    await("no slot left after the kill").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> bed.slots().isEmpty());
    bed.awaitDrained();
    int firstRun = bed.recorder().deliveries().size();
    assertThat(firstRun).as("row events before the kill").isLessThan(PREFILLED);

    node.start();
    bed.awaitAllRowsWritten(writer);
    long committed = PREFILLED + writer.committed();
    FaultBed.awaitRows("every row delivered by the second start", () -> secondRun(firstRun), committed);
    assertThat(bed.slots()).containsExactly(bed.slot());

    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(writer.committedRows(), secondRun(firstRun), bed.slot());
    assertThat(verdict.problems()).as(verdict.summary()).isEmpty();
    assertThat(verdict.committed()).isEqualTo(committed);
  }

  private List<Delivery> secondRun(int firstRun) {
    List<Delivery> all = bed.recorder().deliveries();
    return all.subList(firstRun, all.size());
  }
}
