package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineFixture.Message;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.sink.EpochExchanges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Broker-side fencing against a real RabbitMQ: in a cluster the leader of epoch N publishes to
 * {@code <exchange>.e<N>}, bound to the main exchange, and the next leader deletes it. Pipelines
 * here run with a term that always says "leading", i.e. without the client-side lease check, so
 * what stops a stale leader is the broker alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EpochFencingIT {

  /** Claims {@code epoch}'s exchange (deleting older ones from {@code oldestLive}) and starts a pipeline under it. */
  private static Pipeline lead(PipelineFixture f, PgcdcConfig config, long epoch, long oldestLive) throws Exception {
    f.forgetExchangeLater(EpochExchanges.name(f.exchange, epoch));
    EpochExchanges.claim(config.rabbitmq(), epoch, oldestLive, () -> true);
    return Pipeline.start(config, f.metrics, new Term(epoch, e -> true));
  }

  private static boolean exchangeExists(PipelineFixture f, String name) throws Exception {
    try (Channel probe = f.amqp.createChannel()) {
      probe.exchangeDeclarePassive(name);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static long epochOf(Message m) {
    return (Long) m.properties().getHeaders().get("pgcdc-epoch");
  }

  @Test
  void consumersBoundToTheMainExchangeSeeTheMessagesOfEveryEpoch() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_fence_main").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      PgcdcConfig config = f.config("", "");
      f.pipeline = lead(f, config, 1, 1);
      f.sql("INSERT INTO t VALUES (1)");
      assertThat(f.take("public.t", 1)).extracting(EpochFencingIT::epochOf).containsExactly(1L);
      f.pipeline.close();

      f.pipeline = lead(f, config, 2, 1);
      f.sql("INSERT INTO t VALUES (2)");

      Message second = f.take("public.t", 1).get(0);
      assertThat(epochOf(second)).isEqualTo(2);
      assertThat(second.body()).contains("\"after\":{\"id\":2}");
      assertThat(exchangeExists(f, EpochExchanges.name(f.exchange, 1))).as("epoch 1's exchange").isFalse();
      assertThat(exchangeExists(f, EpochExchanges.name(f.exchange, 2))).as("epoch 2's exchange").isTrue();
    }
  }

  @Test
  void aStaleLeaderWhoseEpochExchangeWasDeletedGetsNothingRouted() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_fence_stale").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      PgcdcConfig config = f.config("", "");
      Pipeline stale = lead(f, config, 1, 1);
      try {
        f.sql("INSERT INTO t VALUES (1)");
        assertThat(f.take("public.t", 1)).extracting(EpochFencingIT::epochOf).containsExactly(1L);

        // A newer leader fences epoch 1 off while its pipeline still runs and believes it leads.
        EpochExchanges.claim(config.rabbitmq(), 2, 1, () -> true);
        f.forgetExchangeLater(EpochExchanges.name(f.exchange, 2));
        f.sql("INSERT INTO t VALUES (2)");
        long commit = Lsn.parse(f.queryText("SELECT pg_current_wal_lsn()::text"));

        await("the stale pipeline sees its exchange refused").atMost(Duration.ofSeconds(30))
            .until(() -> stale.problem().isPresent());
        // Whatever it tries (publish, reconnect, re-send), the broker routes none of it.
        await("nothing of epoch 1 routed").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
            .until(() -> f.drain(f.queue).isEmpty());
        assertThat(stale.problem()).hasValueSatisfying(p -> assertThat(p).contains(f.exchange + ".e1"));
        assertThat(stale.flushedLsn()).as("row 2 never confirmed under epoch 1").isLessThan(commit);
      } finally {
        stale.close();
      }

      f.pipeline = Pipeline.start(config, f.metrics, new Term(2, e -> true));
      Message resent = f.take("public.t", 1).get(0);
      assertThat(resent.body()).contains("\"after\":{\"id\":2}");
      assertThat(epochOf(resent)).isEqualTo(2);
    }
  }

  @Test
  void theBrokerClosesTheChannelOfAPublishToADeletedEpochExchange() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_fence_404").bindQueue()) {
      PgcdcConfig config = f.config("", "");
      f.forgetExchangeLater(EpochExchanges.name(f.exchange, 1));
      f.forgetExchangeLater(EpochExchanges.name(f.exchange, 2));
      EpochExchanges.claim(config.rabbitmq(), 1, 1, () -> true);
      try (Connection stale = f.rabbit.connect()) {
        Channel channel = stale.createChannel();
        channel.confirmSelect();
        channel.basicPublish(EpochExchanges.name(f.exchange, 1), "public.t", true, null, bytes("before"));
        channel.waitForConfirmsOrDie(5_000);

        EpochExchanges.claim(config.rabbitmq(), 2, 1, () -> true);
        channel.basicPublish(EpochExchanges.name(f.exchange, 1), "public.t", true, null, bytes("after"));

        assertThatThrownBy(() -> channel.waitForConfirmsOrDie(5_000)).hasMessageContaining("404")
            .hasMessageContaining("NOT_FOUND");
        assertThat(channel.isOpen()).isFalse();
      }
      assertThat(f.drain(f.queue)).extracting(Message::body).containsExactly("before");
    }
  }

  @Test
  void aNodeThatStopsLeadingWhileClaimingLeavesNoEpochExchangeBehind() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_fence_late")) {
      PgcdcConfig config = f.config("", "");
      String own = EpochExchanges.name(f.exchange, 5);
      f.forgetExchangeLater(own);
      AtomicInteger checks = new AtomicInteger();

      // Leading at the check before the declare, no longer at the one after (frozen in between).
      assertThatThrownBy(() -> EpochExchanges.claim(config.rabbitmq(), 5, 1, () -> checks.incrementAndGet() == 1))
          .isInstanceOf(PipelineException.class).hasMessageContaining("no longer the leader of epoch 5");
      assertThat(exchangeExists(f, own)).isFalse();
      assertThatThrownBy(() -> EpochExchanges.claim(config.rabbitmq(), 5, 1, () -> false))
          .isInstanceOf(PipelineException.class);
      assertThat(exchangeExists(f, own)).isFalse();
    }
  }

  @Test
  void anUnroutableMessageStillStopsThePipelineThroughTheEpochExchange() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_fence_unroutable")) {
      f.sql("CREATE TABLE orders (id int PRIMARY KEY)");
      Pipeline p = lead(f, f.config("", ""), 3, 1);
      f.pipeline = p;
      f.sql("INSERT INTO orders VALUES (1)");

      await().atMost(Duration.ofSeconds(30)).until(() -> p.terminated().isDone());
      assertThatThrownBy(() -> p.terminated().get()).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(PipelineException.class)
          .hasMessageContaining("is unroutable")
          .hasMessageContaining("no queue is bound to exchange '" + f.exchange + "'");
    }
  }

  @Test
  void theMainExchangesAlternateExchangeStillReceivesWhatNoQueueRoutes() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_fence_alternate")) {
      String alternate = f.exchange + ".ae";
      String aeQueue = f.queue + ".ae";
      f.forgetExchangeLater(alternate);
      f.sql("CREATE TABLE orders (id int PRIMARY KEY)");
      PgcdcConfig config = f.config("", "    unroutable: alternate\n    alternate_exchange: " + alternate + "\n");
      f.pipeline = lead(f, config, 4, 1);
      f.declareExtraQueue(aeQueue, alternate, "");
      f.sql("INSERT INTO orders VALUES (1)");

      List<Message> got = f.receive(aeQueue, 2, Duration.ofSeconds(30));
      assertThat(got).extracting(Message::routingKey).containsExactly("_schema.public.orders", "public.orders");
      assertThat(got).extracting(EpochFencingIT::epochOf).containsOnly(4L);
      long commit = Lsn.parse(got.get(1).properties().getHeaders().get("pgcdc-commit-lsn").toString());
      await().atMost(Duration.ofSeconds(15)).until(() -> f.slotFlushed() > commit);
      assertThat(f.pipeline.terminated()).isNotDone();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
