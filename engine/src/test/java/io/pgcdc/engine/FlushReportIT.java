package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.engine.config.PgcdcConfig;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The slot's {@code confirmed_flush_lsn} follows the flushed LSN soon after it moves, not only on
 * the status-update timer (here 30 s): after a crash, PostgreSQL re-sends only what was confirmed
 * in the last moments. Prints how far the slot trailed the pipeline during a steady stream.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlushReportIT {

  @Test
  void theSlotFollowsTheFlushedLsnWithoutWaitingForTheStatusInterval() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_flushreport").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      String yaml = f.yaml("", "").replace("status_interval: 200ms", "status_interval: 30s");
      Pipeline p = Pipeline.start(PgcdcConfig.parse(yaml, Map.of()), f.metrics, Term.standalone());
      f.pipeline = p;

      f.sql("INSERT INTO t VALUES (0)");
      f.receive(2);
      long target = f.currentWal();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.flushedLsn() >= target);
      long flushed = p.flushedLsn();
      await().atMost(Duration.ofSeconds(10)).until(() -> f.slotFlushed() >= flushed);

      // A steady stream of single-row transactions; sample how far the slot trails the pipeline.
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer = new Thread(() -> {
        try (Connection c = f.pg.connect(f.database); Statement s = c.createStatement()) {
          for (int i = 1; writing.get(); i++) {
            s.execute("INSERT INTO t VALUES (" + i + ")");
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "flush-report-writer");
      writer.start();
      List<Long> lagBytes = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      while (System.nanoTime() - end < 0) {
        long pipelineFlushed = p.flushedLsn();
        long slot = f.slotFlushed();
        lagBytes.add(Math.max(0, pipelineFlushed - slot));
        Thread.sleep(20);
      }
      writing.set(false);
      writer.join();
      long last = f.currentWal();
      long start = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> f.slotFlushed() >= last);
      long catchUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      Collections.sort(lagBytes);
      System.out.printf("FlushReportIT: slot behind the pipeline's flushed LSN over %d samples: median %d bytes,"
          + " p90 %d bytes, max %d bytes; slot reached the last WAL position %d ms after the writer stopped%n",
          lagBytes.size(), lagBytes.get(lagBytes.size() / 2), lagBytes.get(lagBytes.size() * 9 / 10),
          lagBytes.get(lagBytes.size() - 1), catchUpMillis);
      assertThat(p.terminated()).isNotDone();
    }
  }
}
