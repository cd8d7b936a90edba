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
 * RabbitMQ's application stopped and started ({@code rabbitmqctl stop_app/start_app}) under a
 * running pgcdc. DISRUPTIVE: every client of the shared broker loses its connections.
 *
 * <pre>
 *   writer ─────────────────────────────────────────────────────────────▶ 10 000 rows
 *   broker  up ── stop_app ──(down, writer goes on)── start_app ── up ──────────▶
 *   pgcdc   streams ── reconnecting ── SIGSTOP ─────────────── SIGCONT ── re-sends, streams ─▶
 *                                       │ read confirmed_flush_lsn, drain the queue:
 *                                       │ every row committed below it must be there
 * </pre>
 *
 * <p>pgcdc is frozen while the queue is inspected so that neither the flushed LSN nor the queue
 * can move; then the same process must reconnect, re-send what was unconfirmed, and lose nothing.
 */
@Tag("disruptive")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RabbitRestartIT {
  private static final int ROWS = 10_000;

  private FaultBed bed;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.create("faultmq");
  }

  @AfterEach
  void removeBed() throws Exception {
    bed.closeAfter(Servers::ensureRabbitRunning);
  }

  @Test
  void brokerRestartMidStreamIsSurvivedWithoutLossAndFlushNeverPassesTheQueue() throws Exception {
    SingleNodeStream stream = SingleNodeStream.start(bed, ROWS);
    RowWriter writer = stream.writer();

    stream.awaitCommitted(ROWS / 3);
    try {
      Servers.stopRabbitApp();
      long atStop = writer.committed();
      await("writer goes on while the broker is down").atMost(FaultBed.PATIENCE)
          .until(() -> writer.committed() >= atStop + 1_500);
      stream.node().freeze();
      try {
        Servers.startRabbitApp();
        assertThat(bed.checkFlushCoverage(writer)).as("confirmed_flush_lsn vs the queue after the broker restart")
            .isEmpty();
      } finally {
        stream.node().thaw();
      }
    } finally {
      Servers.ensureRabbitRunning();
    }
    stream.awaitResumed();

    stream.assertSameProcessDeliveredEveryRow("pgcdc reconnected instead of exiting");
  }
}
