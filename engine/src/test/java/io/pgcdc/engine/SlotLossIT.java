package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC §4: a slot dropped under a running pipeline stops it and is never recreated. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlotLossIT {

  @Test
  void droppedSlotStopsThePipelineWithTheLostEventsErrorAndIsNotRecreated() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_slotloss").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      Pipeline p = f.start();
      f.sql("INSERT INTO t VALUES (1)");
      f.receive(2);

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
        f.sql("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + f.slot
            + "' AND active_pid IS NOT NULL");
        try {
          f.sql("SELECT pg_drop_replication_slot('" + f.slot + "')");
          return true;
        } catch (java.sql.SQLException stillActive) {
          return false;
        }
      });

      await().atMost(Duration.ofSeconds(30)).until(() -> p.terminated().isDone());
      Throwable failure = null;
      try {
        p.terminated().get();
      } catch (ExecutionException e) {
        failure = e.getCause();
      }
      assertThat(failure).isInstanceOf(PipelineException.class)
          .hasMessageContaining("replication slot '" + f.slot + "' no longer exists")
          .hasMessageContaining("may have been lost")
          .hasMessageContaining("To resume");
      assertThat(f.queryText("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'"))
          .isEqualTo("0");
    }
  }
}
