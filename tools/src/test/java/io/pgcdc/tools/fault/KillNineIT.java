package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -9} of a real {@code pgcdc run} process, several times during one stream of
 * single-row transactions: after each restart the node resumes from the slot, and in the end
 * every committed row has arrived, in per-key order, re-sends carrying their original ids. At
 * every kill the slot's {@code confirmed_flush_lsn} is checked against what the queue holds.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KillNineIT {
  private static final Logger LOG = LoggerFactory.getLogger(KillNineIT.class);
  private static final int ROWS = 12_000;
  private static final int KEYS = 16;
  private static final int ROWS_PER_SECOND = 1_000;
  private static final int KILLS = 3;

  private FaultBed bed;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.create("faultkill");
  }

  @AfterEach
  void removeBed() throws Exception {
    bed.close();
  }

  @Test
  void killingPgcdcRepeatedlyMidStreamLosesNothingAndKeepsOrderAndIds() throws Exception {
    PgcdcNode node = bed.node("n1").start();
    bed.awaitSlotActive(node);
    RowWriter writer = bed.writer(ROWS, KEYS, ROWS_PER_SECOND).start();
    bed.awaitStreaming(node, 0);

    for (int kill = 1; kill <= KILLS; kill++) {
      // Spread the kills over pgcdc's own progress, not the writer's: on a loaded machine the
      // writer may finish first, and every run between two kills should still move the slot.
      long threshold = (long) ROWS * kill / (KILLS + 1);
      await("pgcdc past row " + threshold).atMost(FaultBed.PATIENCE).pollInterval(Duration.ofMillis(50))
          .until(() -> bed.recorder().receivedRows().size() >= threshold);
      int before = bed.recorder().rowEvents();

      node.kill();
      LOG.info("kill #{} at {} committed rows, {} row events received", kill, writer.committed(), before);
      assertThat(bed.checkFlushCoverage(writer)).as("confirmed_flush_lsn after kill #%d", kill).isEmpty();

      node.start();
      bed.awaitStreaming(node, bed.recorder().rowEvents());
    }

    bed.awaitAllRows(writer);
    assertThat(writer.failure()).isNull();
    DeliveryCheck.Verdict verdict = bed.verify(writer);
    assertThat(verdict.problems()).as(verdict.summary()).isEmpty();
    assertThat(verdict.committed()).isEqualTo(ROWS);
    // Each kill hits a node that is streaming, so what the broker had taken but not yet confirmed,
    // or confirmed after the node's last flushed-LSN report (at most 50 ms old), is re-sent: the
    // same-id check had work to do.
    assertThat(verdict.duplicates()).as("re-sent row events").isPositive();
    assertThat(node.starts()).isEqualTo(KILLS + 1);
  }
}
