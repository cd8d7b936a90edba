package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL or RabbitMQ restarted in the middle of a running node's initial snapshot
 * ({@code source.snapshot: initial}), with a writer committing rows meanwhile. The same process
 * rides out both: after a database restart it takes a new snapshot (the exported one died with its
 * connection), after a broker restart it re-sends from its ring and goes on with the same snapshot;
 * either way every committed row arrives, in per-key order. DISRUPTIVE: the shared servers restart.
 */
@Tag("disruptive")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SnapshotRestartIT {
  private static final int PREFILLED = 60_000;
  private static final int RESTART_AFTER_EVENTS = 5_000;

  private FaultBed bed;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.create("faultsnaprs");
  }

  @AfterEach
  void removeBed() throws Exception {
    bed.closeAfter(() -> {
      Servers.ensurePostgresRunning();
      Servers.ensureRabbitRunning();
    });
  }

  private PgcdcNode startMidSnapshot(RowWriter writer) throws Exception {
    bed.prefill(PREFILLED);
    writer.start();
    PgcdcNode node = bed.node("n1", bed.config("n1").withInitialSnapshot()).start();
    bed.awaitStreaming(node, RESTART_AFTER_EVENTS);
    return node;
  }

  @Test
  void postgresRestartMidSnapshotMakesTheSameProcessTakeANewSnapshotAndLoseNothing() throws Exception {
    RowWriter writer = bed.writer(4_000, 16, 400);
    PgcdcNode node = startMidSnapshot(writer);
    long firstSnapshot = bed.recorder().deliveries().get(0).commitLsn();
    try {
      Servers.restartPostgres();
    } finally {
      Servers.ensurePostgresRunning();
    }
    bed.awaitAllRowsWritten(writer);
    long committed = PREFILLED + writer.committed();

    // The interrupted snapshot's events come first (one channel, ring order); what follows them is
    // the new snapshot and the stream, which alone must hold every row.
    FaultBed.awaitRows("every row delivered after the interrupted snapshot", () -> afterFirstSnapshot(firstSnapshot),
        committed);
    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(writer.committedRows(), afterFirstSnapshot(firstSnapshot),
        bed.slot());
    assertThat(verdict.problems()).as(verdict.summary()).isEmpty();
    assertThat(node.isRunning()).isTrue();
    assertThat(node.starts()).as("the same process took the snapshot again").isEqualTo(1);
    assertThat(bed.slots()).containsExactly(bed.slot());
  }

  private List<Delivery> afterFirstSnapshot(long firstSnapshot) {
    List<Delivery> all = bed.recorder().deliveries().stream().filter(Delivery::isRow).toList();
    int i = 0;
    while (i < all.size() && all.get(i).commitLsn() == firstSnapshot) {
      i++;
    }
    return all.subList(i, all.size());
  }

  @Test
  void rabbitRestartMidSnapshotIsRiddenOutWithTheSameSnapshotAndTheSameIds() throws Exception {
    RowWriter writer = bed.writer(4_000, 16, 400);
    PgcdcNode node = startMidSnapshot(writer);
    try {
      Servers.stopRabbitApp();
      Thread.sleep(2_000); // the broker stays down a moment while the snapshot waits in the ring
      Servers.startRabbitApp();
    } finally {
      Servers.ensureRabbitRunning();
    }
    bed.awaitAllRowsWritten(writer);
    FaultBed.awaitRows("every row delivered", bed.recorder()::deliveries, PREFILLED + writer.committed());

    // One snapshot throughout: every delivery of a row, re-sends included, carries one id.
    DeliveryCheck.Verdict verdict = bed.verify(writer);
    assertThat(verdict.problems()).as(verdict.summary()).isEmpty();
    assertThat(verdict.committed()).isEqualTo(PREFILLED + writer.committed());
    assertThat(node.starts()).isEqualTo(1);
    assertThat(node.isRunning()).isTrue();
    assertThat(bed.slots()).containsExactly(bed.slot());
  }
}
