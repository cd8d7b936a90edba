package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.sink.EpochExchanges;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sink that cannot keep up: the ring fills, the reader waits for capacity while it keeps sending
 * status updates, so a short {@code wal_sender_timeout} never kills the replication connection,
 * and nothing is lost when the sink resumes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BackPressureIT {
  private static final int ROWS = 12_000;

  @Test
  void aFullRingKeepsTheReplicationConnectionAliveAndLosesNothing() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_backpressure").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)",
          "ALTER DATABASE " + f.database + " SET wal_sender_timeout = '1s'");
      AtomicBoolean sinkOpen = new AtomicBoolean(false);
      // A cluster term whose lease is held back: epoch 1 publishes through its own exchange.
      PgcdcConfig config = f.config("", "");
      f.forgetExchangeLater(EpochExchanges.name(f.exchange, 1));
      EpochExchanges.claim(config.rabbitmq(), 1, 1, () -> true);
      Pipeline p = Pipeline.start(config, f.metrics, new Term(1, epoch -> sinkOpen.get()));
      f.pipeline = p;
      String walsender = "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'";
      String pidBefore = f.queryText(walsender);
      f.sql("INSERT INTO t SELECT generate_series(1, " + ROWS + ")");

      await().atMost(Duration.ofSeconds(60)).until(() -> p.ringOccupancy() == p.ringCapacity());
      Thread.sleep(4_000); // four wal_sender_timeouts with a full ring and nothing confirmed
      assertThat(p.problem()).isEmpty();
      assertThat(f.queryText(walsender)).as("same walsender, never timed out").isEqualTo(pidBefore);
      assertThat(f.channel.messageCount(f.queue)).isZero();

      sinkOpen.set(true);
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> f.channel.messageCount(f.queue) >= ROWS + 1);
      long target = f.currentWal();
      await().atMost(Duration.ofSeconds(20)).until(() -> f.slotFlushed() >= target);
      assertThat(f.channel.messageCount(f.queue)).isEqualTo(ROWS + 1);
      f.channel.queuePurge(f.queue);
    }
  }
}
