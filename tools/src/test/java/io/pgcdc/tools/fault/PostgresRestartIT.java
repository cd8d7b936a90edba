package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL restarted ({@code pg_ctlcluster --skip-systemctl-redirect 15 main restart}) under a
 * running pgcdc and a writer: the same pgcdc process reconnects and resumes from the slot, and
 * every committed row arrives. DISRUPTIVE: every session on the shared server is cut.
 */
@Tag("disruptive")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresRestartIT {
  private static final int ROWS = 8_000;
  private static final int KEYS = 8;
  private static final int ROWS_PER_SECOND = 1_000;

  private FaultBed bed;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.create("faultpg");
  }

  @AfterEach
  void removeBed() throws Exception {
    try {
      Servers.ensurePostgresRunning();
    } finally {
      bed.close();
    }
  }

  @Test
  void postgresRestartMidStreamIsSurvivedByTheSameProcessWithoutLoss() throws Exception {
    PgcdcNode node = bed.node("n1").start();
    bed.awaitSlotActive(node);
    RowWriter writer = bed.writer(ROWS, KEYS, ROWS_PER_SECOND).start();
    bed.awaitStreaming(node, 0);
    long pid = node.pid();

    await().atMost(FaultBed.PATIENCE).until(() -> writer.committed() >= ROWS / 3);
    try {
      Servers.restartPostgres();
    } finally {
      Servers.ensurePostgresRunning();
    }
    bed.awaitStreaming(node, bed.recorder().rowEvents());

    bed.awaitAllRows(writer);
    assertThat(writer.retries()).as("the writer saw the restart").isPositive();
    assertThat(node.isRunning()).as("pgcdc reconnected instead of exiting:\n%s", node.logTail(30)).isTrue();
    assertThat(node.pid()).isEqualTo(pid);
    DeliveryCheck.Verdict verdict = bed.verify(writer);
    assertThat(verdict.problems()).as(verdict.summary()).isEmpty();
    assertThat(verdict.committed()).isEqualTo(ROWS);
  }
}
