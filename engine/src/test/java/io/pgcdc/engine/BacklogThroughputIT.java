package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drains a backlog of 50 000 rows (five 10 000-row transactions) into a durable queue with
 * confirms and prints the rate; asserts nothing is lost and that the slot ends caught up. Then the
 * same rows as a backlog and, with the slot dropped, as an initial snapshot, both rates printed (the
 * backlog first: whichever runs first in the JVM pays its warm-up). Coarse figures for this shared
 * machine, not a benchmark (that is the perf module's job).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BacklogThroughputIT {
  private static final int ROWS = 50_000;
  private static final String TABLE = "CREATE TABLE events (id int PRIMARY KEY, payload text, at timestamptz DEFAULT now())";

  /** {@link #ROWS} rows from id {@code first}, in 10 000-row transactions. */
  private static void insertRows(PipelineFixture f, int first) throws Exception {
    for (int t = 0; t < ROWS / 10_000; t++) {
      int from = first + t * 10_000;
      f.sql("INSERT INTO events (id, payload) SELECT g, md5(g::text) || md5((g + 1)::text)"
          + " FROM generate_series(" + from + ", " + (from + 9_999) + ") g");
    }
  }

  /** Seconds until the queue holds {@code messages}, counted from {@code start}. */
  private static double secondsUntil(PipelineFixture f, long messages, long start) {
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.channel.messageCount(f.queue) >= messages);
    return (System.nanoTime() - start) / 1e9;
  }

  @Test
  void drainsABacklogWithEveryRowConfirmedAndTheSlotCaughtUp() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_backlog").bindQueue()) {
      f.sql(TABLE);
      f.start().close();
      insertRows(f, 1);
      long target = f.currentWal();

      long start = System.nanoTime();
      f.start();
      double seconds = secondsUntil(f, ROWS + 1, start);
      System.out.printf("backlog of %d rows drained in %.2f s: %.0f events/s (end to end, confirms, persistent)%n",
          ROWS, seconds, ROWS / seconds);

      await().atMost(Duration.ofSeconds(20)).until(() -> f.slotFlushed() >= target);
      assertThat(f.channel.messageCount(f.queue)).isEqualTo(ROWS + 1);
      assertThat(f.metrics.events().getCount()).isEqualTo(ROWS + 1);
      f.channel.queuePurge(f.queue);
    }
  }

  @Test
  void snapshotsATableAtAboutTheRateItDrainsTheSameRowsAsABacklog() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_backlog_snap").bindQueue()) {
      f.sql(TABLE);
      f.start().close();
      insertRows(f, 1);
      long start = System.nanoTime();
      f.start();
      double backlog = secondsUntil(f, ROWS + 1, start);
      f.pipeline.close();
      f.channel.queuePurge(f.queue);

      // The same rows again, as a snapshot: without the slot, a start with snapshot: initial reads them.
      f.sql("SELECT pg_drop_replication_slot('" + f.slot + "')");
      start = System.nanoTime();
      f.start("  snapshot: initial\n", "");
      double snapshot = secondsUntil(f, ROWS + 1, start);
      System.out.printf("a backlog of %d rows in %.2f s: %.0f events/s; an initial snapshot of the same rows in %.2f s:"
          + " %.0f events/s; snapshot / backlog = %.2f%n", ROWS, backlog, ROWS / backlog, snapshot, ROWS / snapshot,
          backlog / snapshot);
      await().atMost(Duration.ofSeconds(20)).until(() -> f.queryText(
          "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'").equals("1"));
      assertThat(f.channel.messageCount(f.queue)).as("schema event + rows").isEqualTo(ROWS + 1);
      f.channel.queuePurge(f.queue);
    }
  }
}
