package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.journal.JournalRecord;
import io.pgcdc.testsupport.TestServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code pgcdc replay} into a real RabbitMQ: a 50,000-message journal written with the journal's
 * own appender, replayed from an LSN in the middle to a fresh queue; every replayed message must
 * equal the journaled original byte for byte, in order.
 *
 * <p>Not yet covered here: the end-to-end variant (messages journaled by the running engine from
 * real PostgreSQL changes), which needs the engine's pipeline.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplayCommandIT {

  private static final int MESSAGES = 50_000;

  @TempDir
  Path dir;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String exchange = "replay_it_" + suffix;
  private final String queue = "replay_it_" + suffix;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Connection rabbit;
  private Channel channel;
  private Path config;

  @BeforeEach
  void declareExchangeAndQueue() throws Exception {
    rabbit = TestServers.rabbitmq().connect();
    channel = rabbit.createChannel();
    channel.exchangeDeclare(exchange, "topic", true);
    config = Files.writeString(dir.resolve("pgcdc.yaml"), "source:\n  url: jdbc:postgresql://127.0.0.1:5432/unused\n"
        + "sink:\n  rabbitmq:\n    uri: \"" + TestServers.rabbitmq().uri() + "\"\n    exchange: " + exchange + "\n");
  }

  @AfterEach
  void deleteExchangeAndQueue() throws Exception {
    channel.queueDelete(queue);
    channel.exchangeDelete(exchange);
    rabbit.close();
  }

  private int pgcdc(String... args) {
    CommandLine cli = PgcdcCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private BlockingQueue<Delivery> consume() throws Exception {
    BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
    channel.basicQos(2000);
    channel.basicConsume(queue, true, new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        received.add(new Delivery(envelope, properties, body));
      }
    });
    return received;
  }

  record Delivery(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {}

  @Test
  void replaysFromAnLsnInTheMiddleToAFreshQueueByteForByteInOrder() throws Exception {
    Path journal = JournalFixture.write(dir.resolve("journal"), 0, MESSAGES);
    channel.queueDeclare(queue, true, false, false, null);
    channel.queueBind(queue, exchange, "#");
    BlockingQueue<Delivery> received = consume();

    int from = MESSAGES / 2;
    int code = pgcdc("replay", "--config", config.toString(), "--journal", journal.toString(),
        "--from-lsn", Lsn.format(JournalFixture.commitLsn(from)));

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("replayed " + (MESSAGES - from) + " messages")
        .contains("to exchange '" + exchange + "'");
    JournalRecord expected = new JournalRecord();
    for (int i = from; i < MESSAGES; i++) {
      Delivery d = received.poll(30, TimeUnit.SECONDS);
      assertThat(d).as("message %d", i).isNotNull();
      JournalFixture.fill(expected, i, 0);
      assertThat(d.envelope().getExchange()).isEqualTo(exchange);
      assertThat(d.envelope().getRoutingKey()).isEqualTo(expected.routingKey().toString());
      assertThat(d.properties().getMessageId()).isEqualTo(JournalFixture.messageId(i));
      assertThat(d.properties().getContentType()).isEqualTo("application/json");
      assertThat(d.properties().getDeliveryMode()).isEqualTo(2);
      assertThat(d.body()).isEqualTo(JournalFixture.body(i));
      assertThat(d.properties().getHeaders()).hasSize(5);
      assertThat(d.properties().getHeaders().get("pgcdc-lsn")).hasToString(Lsn.format(JournalFixture.lsn(i)));
      assertThat(d.properties().getHeaders().get("pgcdc-commit-lsn")).hasToString(Lsn.format(JournalFixture.commitLsn(i)));
      assertThat(d.properties().getHeaders().get("pgcdc-xid")).isEqualTo(900L + i / 2);
      assertThat(d.properties().getHeaders().get("pgcdc-op")).hasToString("I");
      assertThat(d.properties().getHeaders().get("pgcdc-epoch")).isEqualTo(0L);
    }
    assertThat(received.poll(500, TimeUnit.MILLISECONDS)).as("nothing after the last message").isNull();
  }

  @Test
  void refusesToDropUnroutableMessagesAndSaysWhereToResume() throws Exception {
    Path journal = JournalFixture.write(dir.resolve("journal"), 0, 10);
    int code = pgcdc("replay", "--config", config.toString(), "--journal", journal.toString(),
        "--from-lsn", Lsn.format(JournalFixture.commitLsn(4)));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).contains("unroutable").contains("bind a queue to exchange '" + exchange + "'")
        .contains("re-run with --from-lsn " + Lsn.format(JournalFixture.commitLsn(4)));
  }
}
