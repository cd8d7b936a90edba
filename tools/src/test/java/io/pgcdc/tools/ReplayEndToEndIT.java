package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.Pipeline;
import io.pgcdc.engine.Term;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.ops.PipelineMetrics;
import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole path: PostgreSQL changes streamed by the engine's {@link Pipeline} into RabbitMQ and
 * the journal, then {@code pgcdc replay} from an LSN in the middle to a fresh exchange. The
 * replayed messages must equal what the pipeline published from that point on, byte for byte,
 * in order: routing key, message-id, content-type, delivery mode, header table, body.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReplayEndToEndIT {

  private static final int TRANSACTIONS = 500;
  private static final int ROWS_PER_TRANSACTION = 100;
  private static final int MESSAGES = TRANSACTIONS * ROWS_PER_TRANSACTION;

  @TempDir
  Path dir;

  private final PostgresServer pg = TestServers.postgres();
  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private final String exchange = "replay_e2e_" + suffix;
  private final String replayExchange = "replay_e2e_again_" + suffix;
  private final String queue = "replay_e2e_" + suffix;
  private final String replayQueue = "replay_e2e_again_" + suffix;
  private final String slot = "replay_e2e_" + suffix;
  private String database;
  private Connection rabbit;
  private Channel channel;
  private Pipeline pipeline;

  record Message(String routingKey, AMQP.BasicProperties properties, byte[] body) {}

  @BeforeEach
  void createDatabaseExchangesAndQueues() throws Exception {
    database = pg.createDatabase("replay_e2e");
    rabbit = TestServers.rabbitmq().connect();
    channel = rabbit.createChannel();
    for (String[] xq : new String[][] {{exchange, queue}, {replayExchange, replayQueue}}) {
      channel.exchangeDeclare(xq[0], "topic", true);
      channel.queueDeclare(xq[1], true, false, false, null);
      channel.queueBind(xq[1], xq[0], "#");
    }
  }

  @AfterEach
  void removeEverything() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    for (String q : List.of(queue, replayQueue)) {
      channel.queueDelete(q);
    }
    for (String x : List.of(exchange, replayExchange)) {
      channel.exchangeDelete(x);
    }
    rabbit.close();
    pg.dropDatabase(database);
  }

  private BlockingQueue<Message> consume(String name) throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    channel.basicQos(5000);
    channel.basicConsume(name, true, new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        received.add(new Message(envelope.getRoutingKey(), properties, body));
      }
    });
    return received;
  }

  private static List<Message> take(BlockingQueue<Message> from, int n) throws InterruptedException {
    List<Message> got = new ArrayList<>(n);
    while (got.size() < n) {
      Message m = from.poll(60, TimeUnit.SECONDS);
      assertThat(m).as("message %d of %d", got.size(), n).isNotNull();
      got.add(m);
    }
    return got;
  }

  private String yaml(Path journal, String rabbitExtra) {
    return "source:\n  url: " + pg.jdbcUrl(database) + "\n  user: " + pg.user() + "\n  slot: " + slot
        + "\n  publication: " + slot + "_pub\n  tables: [public.items]\n  status_interval: 200ms\n"
        + "sink:\n  rabbitmq:\n    uri: " + TestServers.rabbitmq().uri() + "\n    exchange: " + exchange + "\n"
        + rabbitExtra
        + "journal:\n  dir: " + journal + "\n";
  }

  @Test
  void replaysWhatThePipelinePublishedFromAnLsnInTheMiddleByteForByte() throws Exception {
    publishThenReplayFromTheMiddle("", MESSAGES);
  }

  @Test
  void replaysBatchedMessagesByteForByte() throws Exception {
    // sink.rabbitmq.batch: 30 -> each 100-row transaction is 4 messages (30 + 30 + 30 + 10 events)
    publishThenReplayFromTheMiddle("    batch: 30\n", TRANSACTIONS * 4);
  }

  private void publishThenReplayFromTheMiddle(String rabbitExtra, int messages) throws Exception {
    Path journal = dir.resolve("journal");
    Path config = Files.writeString(dir.resolve("pgcdc.yaml"), yaml(journal, rabbitExtra));
    try (java.sql.Connection c = pg.connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric)");
    }
    BlockingQueue<Message> published = consume(queue);
    pipeline = Pipeline.start(PgcdcConfig.load(config, Map.of()), PipelineMetrics.create(), Term.standalone());
    try (java.sql.Connection c = pg.connect(database); Statement s = c.createStatement()) {
      for (int t = 0; t < TRANSACTIONS; t++) {
        int first = t * ROWS_PER_TRANSACTION + 1;
        s.execute("INSERT INTO items SELECT g, 'Åkerfeldt ' || g, g * 1.000000000000000001 FROM generate_series("
            + first + ", " + (first + ROWS_PER_TRANSACTION - 1) + ") g");
      }
    }
    List<Message> originals = new ArrayList<>();
    for (Message m : take(published, messages + 1)) {
      if (m.routingKey().equals("public.items")) {
        originals.add(m); // the one other message is the table's _schema event
      }
    }
    assertThat(originals).hasSize(messages);
    await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.journaledLsn() != 0
        && Long.compareUnsigned(pipeline.journaledLsn(), commitLsn(originals.get(messages - 1))) >= 0);
    pipeline.close();
    pipeline = null;

    int middle = messages / 2;
    long from = commitLsn(originals.get(middle));
    List<Message> expected = new ArrayList<>();
    for (Message m : originals) {
      if (Long.compareUnsigned(commitLsn(m), from) >= 0) {
        expected.add(m);
      }
    }
    assertThat(expected.size()).isBetween(messages / 2 - ROWS_PER_TRANSACTION, messages / 2 + ROWS_PER_TRANSACTION);

    BlockingQueue<Message> replayed = consume(replayQueue);
    StringWriter err = new StringWriter();
    CommandLine cli = PgcdcCommand.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("replay", "--config", config.toString(), "--from-lsn", Lsn.format(from),
        "--exchange", replayExchange);
    assertThat(code).as(err.toString()).isZero();

    List<Message> again = take(replayed, expected.size());
    for (int i = 0; i < expected.size(); i++) {
      Message want = expected.get(i);
      Message got = again.get(i);
      assertThat(got.routingKey()).isEqualTo(want.routingKey());
      assertThat(got.properties().getMessageId()).isEqualTo(want.properties().getMessageId());
      assertThat(got.properties().getContentType()).isEqualTo(want.properties().getContentType());
      assertThat(got.properties().getDeliveryMode()).isEqualTo(want.properties().getDeliveryMode());
      assertThat(text(got.properties().getHeaders())).isEqualTo(text(want.properties().getHeaders()));
      assertThat(got.body()).as("body of %s", want.properties().getMessageId()).isEqualTo(want.body());
    }
    assertThat(replayed.poll(500, TimeUnit.MILLISECONDS)).as("nothing more").isNull();
  }

  private static long commitLsn(Message m) {
    return Lsn.parse(m.properties().getHeaders().get("pgcdc-commit-lsn").toString());
  }

  /** Header table with values as text plus their Java type: equal tables print equal. */
  private static Map<String, String> text(Map<String, Object> headers) {
    Map<String, String> out = new TreeMap<>();
    headers.forEach((k, v) -> out.put(k, v.getClass().getSimpleName() + ":" + v));
    return out;
  }
}
