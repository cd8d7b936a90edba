package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drains a backlog of 50 000 rows (five 10 000-row transactions) into a durable queue with
 * confirms and prints the rate; asserts nothing is lost and that the slot ends caught up. A
 * coarse figure for this shared machine, not a benchmark (that is the perf module's job).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BacklogThroughputIT {
  private static final int ROWS = 50_000;

  @Test
  void drainsABacklogWithEveryRowConfirmedAndTheSlotCaughtUp() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_backlog").bindQueue()) {
      f.sql("CREATE TABLE events (id int PRIMARY KEY, payload text, at timestamptz DEFAULT now())");
      f.start().close();
      for (int t = 0; t < ROWS / 10_000; t++) {
        f.sql("INSERT INTO events (id, payload) SELECT g, md5(g::text) || md5((g + 1)::text)"
            + " FROM generate_series(" + (t * 10_000 + 1) + ", " + ((t + 1) * 10_000) + ") g");
      }
      long target = f.currentWal();

      long start = System.nanoTime();
      f.start();
      await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(100))
          .until(() -> f.channel.messageCount(f.queue) >= ROWS + 1);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("backlog of %d rows drained in %.2f s: %.0f events/s (end to end, confirms, persistent)%n",
          ROWS, seconds, ROWS / seconds);

      await().atMost(Duration.ofSeconds(20)).until(() -> f.slotFlushed() >= target);
      assertThat(f.channel.messageCount(f.queue)).isEqualTo(ROWS + 1);
      assertThat(f.metrics.events().getCount()).isEqualTo(ROWS + 1);
      f.channel.queuePurge(f.queue);
    }
  }
}
