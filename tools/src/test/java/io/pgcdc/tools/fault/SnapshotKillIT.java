package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
  /** Prefilled rows use keys 100..115, the writer's 0..15 (the table is UNIQUE (k, seq)). */
  private static final int PREFILL_KEY_BASE = 100;
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
    sql("INSERT INTO " + RowWriter.TABLE + " (k, seq, payload) SELECT " + PREFILL_KEY_BASE + " + g % 16, g / 16,"
        + " 'prefilled ' || g FROM generate_series(0, " + (PREFILLED - 1) + ") g");
    RowWriter writer = bed.writer(4_000, 16, 400).start();
    PgcdcNode node = bed.node("n1", bed.config("n1").withInitialSnapshot()).start();

    bed.awaitStreaming(node, KILL_AFTER_EVENTS);
    node.kill();
    await("no slot left after the kill").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> slots().isEmpty());
    bed.awaitDrained();
    int firstRun = bed.recorder().deliveries().size();
    assertThat(firstRun).as("row events before the kill").isLessThan(PREFILLED);

    node.start();
    bed.awaitAllRowsWritten(writer);
    long committed = PREFILLED + writer.committed();
    await("every row delivered by the second start").atMost(FaultBed.PATIENCE).pollInterval(Duration.ofMillis(250))
        .until(() -> secondRun(firstRun).stream().filter(Delivery::isRow).map(Delivery::row).distinct().count()
            >= committed);
    assertThat(slots()).containsExactly(bed.slot());

    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(writer.committedRows(), secondRun(firstRun), bed.slot());
    assertThat(verdict.problems()).as(verdict.summary()).isEmpty();
    assertThat(verdict.committed()).isEqualTo(committed);
  }

  private List<Delivery> secondRun(int firstRun) {
    List<Delivery> all = bed.recorder().deliveries();
    return all.subList(firstRun, all.size());
  }

  /** The slots of the bed's database, temporary ones included. */
  private List<String> slots() throws SQLException {
    try (Connection c = bed.postgres().connect(bed.database()); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE database = current_database()")) {
      List<String> names = new java.util.ArrayList<>();
      while (r.next()) {
        names.add(r.getString(1));
      }
      return names;
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = bed.postgres().connect(bed.database()); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
