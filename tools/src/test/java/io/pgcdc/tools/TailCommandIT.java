package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pgcdc.testsupport.TestServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TailCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final String exchange = "tail_it_" + UUID.randomUUID().toString().substring(0, 8);
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Connection rabbit;
  private Channel channel;
  private Path config;

  @BeforeEach
  void declareExchange() throws Exception {
    rabbit = TestServers.rabbitmq().connect();
    channel = rabbit.createChannel();
    channel.exchangeDeclare(exchange, "topic", true);
    // Only a sink: tail never talks to PostgreSQL, so it needs no source section.
    config = Files.writeString(dir.resolve("pgcdc.yaml"),
        "sink:\n  rabbitmq:\n    uri: \"" + TestServers.rabbitmq().uri() + "\"\n    exchange: " + exchange + "\n");
  }

  @AfterEach
  void deleteExchange() throws Exception {
    channel.exchangeDelete(exchange);
    rabbit.close();
  }

  @Test
  void printsEachMatchingMessageAsOneJsonLineAndExitsAfterCount() throws Exception {
    CompletableFuture<Integer> tail = tail("tail", "--config", config.toString(), "--binding", "public.#",
        "--count", "2", "--timeout", "30s");
    awaitBound();

    publish("public.users", "pgcdc_slot/0/16B37A0/0",
        Map.of("pgcdc-op", "U", "pgcdc-xid", 745L, "pgcdc-epoch", 0L, "pgcdc-commit-lsn", "0/16B37A0"),
        "{\"op\":\"U\",\"after\":{\"id\":1,\"full_name\":\"Mikael Åkerfeldt\"}}");
    publish("other.table", "ignored/0/1/0", Map.of(), "{}");
    publish("public.orders", "pgcdc_slot/0/16B3800/1", Map.of(), "not json");

    assertThat(tail.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("routing_key").asText()).isEqualTo("public.users");
    assertThat(first.get("message_id").asText()).isEqualTo("pgcdc_slot/0/16B37A0/0");
    assertThat(first.at("/headers/pgcdc-op").asText()).isEqualTo("U");
    assertThat(first.at("/headers/pgcdc-xid").isNumber()).isTrue();
    assertThat(first.at("/headers/pgcdc-xid").asLong()).isEqualTo(745);
    assertThat(first.at("/headers/pgcdc-commit-lsn").asText()).isEqualTo("0/16B37A0");
    assertThat(first.at("/body/after/full_name").asText()).isEqualTo("Mikael Åkerfeldt");
    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.get("routing_key").asText()).isEqualTo("public.orders");
    assertThat(second.get("body").asText()).isEqualTo("not json");
  }

  @Test
  void exchangeFromTheConfigIsTheDefaultAndOptionOverridesIt() throws Exception {
    CompletableFuture<Integer> tail = tail("tail", "--config", config.toString(), "--count", "1", "--timeout", "30s");
    awaitBound();
    assertThat(err.toString()).contains("bound to exchange '" + exchange + "' with [#]");

    publish("_schema.public.users", "s/0/1/0", Map.of(), "{\"columns\":[]}");

    assertThat(tail.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString()).contains("\"routing_key\":\"_schema.public.users\"");
  }

  @Test
  void missingExchangeFailsWithOneLineNamingIt() {
    int exit = PgcdcCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("tail", "--config", config.toString(), "--exchange", exchange + "_absent", "--count", "1");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().lines()).singleElement().asString()
        .startsWith("pgcdc: exchange '" + exchange + "_absent' does not exist on RabbitMQ at ")
        .contains("--exchange");
  }

  @Test
  void timeoutBeforeCountFailsSayingHowManyArrived() {
    int exit = PgcdcCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("tail", "--config", config.toString(), "--count", "2", "--timeout", "500ms");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("pgcdc: received 0 of 2 messages within 500ms");
  }

  @Test
  void countBelowOneIsAUsageError() {
    int exit = PgcdcCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("tail", "--config", config.toString(), "--count", "0");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("pgcdc: --count must be at least 1, got 0");
  }

  private CompletableFuture<Integer> tail(String... args) {
    CommandLine cli = PgcdcCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    return CompletableFuture.supplyAsync(() -> cli.execute(args));
  }

  private void awaitBound() {
    await("tail bound its queue").atMost(Duration.ofSeconds(20)).until(() -> err.toString().contains("bound to exchange"));
  }

  private void publish(String routingKey, String messageId, Map<String, Object> headers, String body) throws Exception {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .messageId(messageId).headers(headers).contentType("application/json").deliveryMode(2).build();
    channel.basicPublish(exchange, routingKey, properties, body.getBytes(StandardCharsets.UTF_8));
  }
}
