package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;

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

  private FaultBed bed;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.create("faultpg");
  }

  @AfterEach
  void removeBed() throws Exception {
    bed.closeAfter(Servers::ensurePostgresRunning);
  }

  @Test
  void postgresRestartMidStreamIsSurvivedByTheSameProcessWithoutLoss() throws Exception {
    SingleNodeStream stream = SingleNodeStream.start(bed, ROWS);

    stream.awaitCommitted(ROWS / 3);
    try {
      Servers.restartPostgres();
    } finally {
      Servers.ensurePostgresRunning();
    }
    stream.awaitResumed();

    stream.assertSameProcessDeliveredEveryRow("pgcdc reconnected instead of exiting");
    assertThat(stream.writer().retries()).as("the writer saw the restart").isPositive();
  }
}
