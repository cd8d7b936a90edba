package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineFixture.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC §2 against real servers: unroutable messages, the flushed LSN, idle slots. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeliveryIT {

  @Test
  void unroutableMessageWithDefaultPolicyStopsThePipelineWithoutAdvancingTheSlot() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_unroutable")) {
      f.sql("CREATE TABLE orders (id int PRIMARY KEY)");
      Pipeline p = f.start();
      f.sql("INSERT INTO orders VALUES (1)");

      await().atMost(Duration.ofSeconds(30)).until(() -> p.terminated().isDone());
      assertThat(p.terminated()).isCompletedExceptionally();
      Throwable failure = PipelineFixture.failureOf(p);
      assertThat(failure).isInstanceOf(PipelineException.class)
          .hasMessageContaining("is unroutable")
          .hasMessageContaining("sink.rabbitmq.unroutable=alternate");
      java.util.regex.Matcher id = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(f.slot)
          + "/([0-9A-F]+/[0-9A-F]+)/").matcher(failure.getMessage());
      assertThat(id.find()).isTrue();
      long commitLsn = Lsn.parse(id.group(1));
      // PostgreSQL re-sends a transaction after a restart only if its commit LSN is not below the
      // slot's confirmed_flush_lsn.
      assertThat(f.slotFlushed()).as("the slot never passes the unroutable transaction's commit")
          .isLessThanOrEqualTo(commitLsn);
      assertThat(p.flushedLsn()).isLessThanOrEqualTo(commitLsn);
      assertThat(p.lsnSafetyViolations()).as("flushed-LSN safety checks that fired").isZero();
    }
  }

  @Test
  void alternateExchangeReceivesWhatNoQueueRoutes() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_alternate")) {
      String alternate = f.exchange + ".ae";
      String aeQueue = f.queue + ".ae";
      f.forgetExchangeLater(alternate);
      f.sql("CREATE TABLE orders (id int PRIMARY KEY)");
      f.start("", "    unroutable: alternate\n    alternate_exchange: " + alternate + "\n");
      f.declareExtraQueue(aeQueue, alternate, "");
      f.sql("INSERT INTO orders VALUES (1)");

      List<Message> got = f.receive(aeQueue, 2, Duration.ofSeconds(30));
      assertThat(got).extracting(Message::routingKey).containsExactly("_schema.public.orders", "public.orders");
      long commit = Lsn.parse(got.get(1).properties().getHeaders().get("pgcdc-commit-lsn").toString());
      await().atMost(Duration.ofSeconds(15)).until(() -> f.slotFlushed() > commit);
      assertThat(f.pipeline.terminated()).isNotDone();
    }
  }

  @Test
  void flushedLsnFollowsTheServerWhenEveryChangeIsFilteredOut() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_idle").bindQueue()) {
      f.sql("CREATE TABLE included (id int PRIMARY KEY)", "CREATE TABLE excluded (id int PRIMARY KEY)");
      f.start("  tables: [public.included]\n", "");
      f.sql("INSERT INTO excluded SELECT generate_series(1, 1000)");
      long target = f.currentWal();

      await().atMost(Duration.ofSeconds(20)).until(() -> f.slotFlushed() >= target);
      assertThat(f.drain(f.queue)).isEmpty();
    }
  }

  @Test
  void flushedLsnCatchesUpWithTheCurrentWalAfterTheLastChange() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_caughtup").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      f.start();
      f.sql("INSERT INTO t SELECT generate_series(1, 100)");
      f.receive(101);
      long target = f.currentWal();

      await().atMost(Duration.ofSeconds(20)).until(() -> f.slotFlushed() >= target);
      assertThat(f.pipeline.flushedLsn()).isGreaterThanOrEqualTo(target);
    }
  }
}
