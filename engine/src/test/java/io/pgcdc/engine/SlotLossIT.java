package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import io.pgcdc.decoder.Lsn;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC §4: a slot dropped or invalidated under a running pipeline stops it and is never recreated. */
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
      assertThat(PipelineFixture.failureOf(p)).isInstanceOf(PipelineException.class)
          .hasMessageContaining("replication slot '" + f.slot + "' no longer exists")
          .hasMessageContaining("may have been lost")
          .hasMessageContaining("To resume");
      assertThat(f.queryText("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'"))
          .isEqualTo("0");
    }
  }

  /**
   * The slot falls behind by more than {@code max_slot_wal_keep_size} (here: the broker refuses every
   * message, so the flushed LSN cannot move) and the checkpointer invalidates it under the running
   * walsender. Disruptive: lowers that server-wide setting for the test and restores it.
   */
  @Test
  @Tag("disruptive")
  void invalidatedSlotStopsThePipelineWithTheLostEventsError() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_slotgone")) {
      Channel c = f.channel;
      c.exchangeDeclare(f.exchange, "topic", true);
      c.queueDeclare(f.queue, true, false, false, Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
      c.queueBind(f.queue, f.exchange, "#");
      f.sql("CREATE TABLE t (id int PRIMARY KEY)", "CREATE SCHEMA other", "CREATE TABLE other.filler (x text)");
      Pipeline p = f.start();
      f.sql("INSERT INTO t VALUES (1)");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.metrics.publishRecoveries().getCount() > 0);
      long flushed = f.slotFlushed();
      try {
        f.sql("ALTER SYSTEM SET max_slot_wal_keep_size = '32MB'", "SELECT pg_reload_conf()");
        // ~100 MB of WAL in a table pgcdc does not publish, then a checkpoint that finds the slot behind.
        f.sql("INSERT INTO other.filler SELECT repeat(md5(g::text), 32) FROM generate_series(1, 100000) g",
            "SELECT pg_switch_wal()", "CHECKPOINT");
        await().atMost(Duration.ofSeconds(60)).until(() -> p.terminated().isDone());
      } finally {
        f.sql("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
      }
      assertThat(PipelineFixture.failureOf(p)).isInstanceOf(PipelineException.class)
          .hasMessageContaining("replication slot '" + f.slot + "' was invalidated")
          .hasMessageContaining(Lsn.format(flushed) + " (the last flushed LSN) may have been lost")
          .hasMessageContaining("To resume");
      assertThat(f.queryText("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'"))
          .as("left as it is, not recreated").isEqualTo("lost");
    }
  }
}
