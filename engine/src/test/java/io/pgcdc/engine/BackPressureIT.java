package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.sink.EpochExchanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A sink that cannot keep up: the ring fills, the reader waits for capacity while it keeps sending
 * status updates, so a short {@code wal_sender_timeout} never kills the replication connection,
 * and nothing is lost when the sink resumes. A queue that refuses publishes while full is retried
 * with backoff, not in a loop of reconnects, and gets every row once it has room.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BackPressureIT {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  @Test
  void aFullQueueThatRejectsPublishesIsRetriedWithBackoffAndGetsEveryRowOnceDrained() throws Exception {
    try (PipelineFixture f = rejectingQueue("e_reject")) {
      f.start();
      f.sql("INSERT INTO t SELECT generate_series(1, 100)");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.metrics.publishRecoveries().getCount() > 0);
      long first = f.metrics.publishRecoveries().getCount();
      Thread.sleep(10_000); // nothing can be confirmed: the queue stays full
      assertThat(f.metrics.publishRecoveries().getCount() - first)
          .as("recoveries in 10 s with nothing confirmed: 0.1 s doubling, not ~2 a second").isLessThanOrEqualTo(10);

      List<Integer> arrivals = new ArrayList<>();
      assertThat(drainDistinctRows(f, arrivals)).as("every row").containsExactlyInAnyOrderElementsOf(range(100));
      long target = f.currentWal();
      // A consumer keeps consuming: re-sent copies of rows it already has still need room in the
      // 10-message queue before the broker acks them and the flushed LSN passes them.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (PipelineFixture.Message m : f.drain(f.queue)) {
          arrivals.add(rowId(m));
        }
        return f.slotFlushed() >= target;
      });
      assertThat(lastCopyOrder(arrivals)).as("the last copies of one key's rows arrive in commit order, so a consumer"
          + " that applies every copy ends with the newest state").isEqualTo(range(100));
    }
  }

  /**
   * One consumer's bounded queue refusing messages does not make the others' queues receive the
   * whole confirm window again with every nack: a re-send skips events the broker acked, unless a
   * message of the same routing key was re-sent before them.
   */
  @Test
  void aNackForOneQueueDoesNotDuplicateTheMessagesOtherQueuesAccepted() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_reject_other")) {
      f.channel.exchangeDeclare(f.exchange, "topic", true);
      f.channel.queueDeclare(f.queue, true, false, false, Map.of("x-max-length", 10, "x-overflow", "reject-publish"));
      f.channel.queueBind(f.queue, f.exchange, "public.a");
      String other = f.queue + ".b";
      f.declareExtraQueue(other, f.exchange, "public.b");
      f.declareExtraQueue(f.queue + ".schema", f.exchange, "_schema.#");
      f.sql("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)");
      f.start();
      f.sql("INSERT INTO a SELECT generate_series(1, 50); INSERT INTO b SELECT generate_series(1, 50);"
          + " INSERT INTO a SELECT generate_series(51, 100); INSERT INTO b SELECT generate_series(51, 100)");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.metrics.publishRecoveries().getCount() > 0);

      Set<String> rowsOfA = new LinkedHashSet<>();
      List<String> copiesOfB = new ArrayList<>();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
        f.drain(f.queue).forEach(m -> rowsOfA.add(m.properties().getMessageId()));
        f.drain(other).forEach(m -> copiesOfB.add(m.properties().getMessageId()));
        return rowsOfA.size() == 100;
      });
      copiesOfB.addAll(f.drain(other).stream().map(m -> m.properties().getMessageId()).toList());
      // Before: 444 copies (each nack re-sent the whole window). Now b's rows are re-sent only when the
      // event being published as a nack arrives was one of them (it is sent again whole): 100-101 seen.
      assertThat(new HashSet<>(copiesOfB)).as("b's rows").hasSize(100);
      assertThat(copiesOfB).as("copies of b's rows, whose queue acked every one").hasSizeLessThan(150);
      assertThat(f.metrics.publishResent().getCount()).as("a's refused rows were re-sent").isGreaterThan(0);
    }
  }

  /**
   * Under nacks a message published after the nacked one may be queued ahead of its re-sent copy
   * (README, "Order"); one message in flight at a time is the documented way to keep commit order.
   */
  @Test
  void withOneMessageInFlightARejectingQueueStillGetsEveryRowInCommitOrder() throws Exception {
    try (PipelineFixture f = rejectingQueue("e_reject_one")) {
      f.start("", "    max_in_flight: 1\n");
      f.sql("INSERT INTO t SELECT generate_series(1, 100)");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.metrics.publishRecoveries().getCount() > 0);

      assertThat(drainDistinctRows(f)).as("each row first seen in commit order").isEqualTo(range(100));
    }
  }

  /**
   * A broker memory alarm blocks the connection: the pipeline says so (its problem, so /health), stops
   * within the drain timeout plus a few seconds instead of waiting on the blocked socket, and a
   * restart after the alarm delivers every row.
   */
  @Test
  @Tag("disruptive")
  void aBrokerAlarmIsReportedAStopDoesNotHangOnItAndNothingIsLost() throws Exception {
    assumeTrue(PipelineFixture.rabbitmqctl("status") != null, "needs rabbitmqctl for the local broker");
    try (PipelineFixture f = new PipelineFixture("e_alarm").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY, v text)");
      Pipeline first = f.start();
      try {
        PipelineFixture.rabbitmqctl("set_vm_memory_high_watermark", "0.00001");
        f.sql("INSERT INTO t SELECT g, repeat('x', 1000) FROM generate_series(1, 20000) g");
        await().atMost(Duration.ofSeconds(30)).until(() -> first.problem().orElse("").contains("RabbitMQ blocks publishing"));
        assertThat(first.problem().get()).contains("short of memory or disk", "loses nothing");
        Logger amqp = (Logger) LoggerFactory.getLogger("com.rabbitmq");
        ListAppender<ILoggingEvent> amqpLog = new ListAppender<>();
        amqpLog.start();
        amqp.addAppender(amqpLog);
        first.close();
        amqp.detachAppender(amqpLog);
        assertThat(first.terminated()).as("a clean stop, no stage failing on a closed journal").isCompleted()
            .isNotCompletedExceptionally();
        assertThat(amqpLog.list).as("no 'unexpected connection driver error' for the socket pgcdc closed itself")
            .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
      } finally {
        PipelineFixture.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
      }
      f.start();
      Set<String> ids = new LinkedHashSet<>();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
        f.drain(f.queue).forEach(m -> ids.add(m.properties().getMessageId()));
        return ids.size() == 20_001;
      });
    }
  }

  /** A queue of at most 10 messages that nacks publishes while full, bound for everything; table t. */
  private static PipelineFixture rejectingQueue(String prefix) throws Exception {
    PipelineFixture f = new PipelineFixture(prefix);
    f.channel.exchangeDeclare(f.exchange, "topic", true);
    f.channel.queueDeclare(f.queue, true, false, false, Map.of("x-max-length", 10, "x-overflow", "reject-publish"));
    f.channel.queueBind(f.queue, f.exchange, "#");
    f.sql("CREATE TABLE t (id int PRIMARY KEY)");
    return f;
  }

  /** Consumes until every row of t arrived; each row's id in the order its first copy came. */
  private static List<Integer> drainDistinctRows(PipelineFixture f) {
    return drainDistinctRows(f, new ArrayList<>());
  }

  /** {@link #drainDistinctRows(PipelineFixture)}, adding the row id of every copy, in arrival order, to {@code arrivals}. */
  private static List<Integer> drainDistinctRows(PipelineFixture f, List<Integer> arrivals) {
    Set<String> ids = new LinkedHashSet<>();
    List<Integer> firstSeen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (PipelineFixture.Message m : f.drain(f.queue)) {
        if (m.routingKey().equals("public.t")) {
          arrivals.add(rowId(m));
          if (ids.add(m.properties().getMessageId())) {
            firstSeen.add(rowId(m));
          }
        }
      }
      return firstSeen.size() == 100;
    });
    return firstSeen;
  }

  /** Row id of a row event of t (-1 for anything else). */
  private static int rowId(PipelineFixture.Message m) throws java.io.IOException {
    return m.routingKey().equals("public.t") ? JSON.readTree(m.body()).at("/after/id").asInt() : -1;
  }

  /** Row ids ordered by the arrival of their last copy. */
  private static List<Integer> lastCopyOrder(List<Integer> arrivals) {
    Map<Integer, Integer> last = new HashMap<>();
    for (int i = 0; i < arrivals.size(); i++) {
      last.put(arrivals.get(i), i);
    }
    last.remove(-1);
    return last.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
  }

  private static List<Integer> range(int n) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(i);
    }
    return ids;
  }
}
