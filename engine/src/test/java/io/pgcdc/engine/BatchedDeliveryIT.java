package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineFixture.Message;
import io.pgcdc.journal.Journal;
import io.pgcdc.journal.JournalReader;
import io.pgcdc.journal.JournalRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batched mode ({@code sink.rabbitmq.batch}, issue 7) against real PostgreSQL and RabbitMQ: runs
 * of one transaction's events with one routing key arrive as one JSON array, every event exactly
 * once and in order, with deterministic ids that a re-send (after an unroutable stop and a
 * restart) reproduces byte for byte; the journal holds the same messages.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BatchedDeliveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aReSentTransactionRebuildsTheSameBatchesWithTheSameIdsAndBytes() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_batch_resend")) {
      f.channel.exchangeDeclare(f.exchange, "topic", true);
      f.channel.queueDeclare(f.queue, true, false, false, null);
      f.channel.queueBind(f.queue, f.exchange, "public.a");
      f.declareExtraQueue(f.queue + ".schema", f.exchange, "_schema.#");
      f.sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE b (id int PRIMARY KEY)");
      String batch3 = "    batch: 3\n";
      Pipeline first = f.start("", batch3);
      // a: ordinals 0..6 -> 0-2, 3-5, 6-6; b: 7-8 (no queue bound yet: unroutable, the pipeline stops); a: 9-9
      f.sql("BEGIN; INSERT INTO a SELECT g, 'row ' || g FROM generate_series(1, 7) g;"
          + " INSERT INTO b VALUES (1), (2); INSERT INTO a VALUES (8, 'last'); COMMIT");
      await().atMost(Duration.ofSeconds(30)).until(() -> first.terminated().isDone());
      assertThat(first.terminated()).isCompletedExceptionally();

      f.declareExtraQueue(f.queue + ".b", f.exchange, "public.b");
      Pipeline second = f.start("", batch3);
      List<Message> b = f.receive(f.queue + ".b", 1, Duration.ofSeconds(30));
      long commitLsn = Lsn.parse(b.get(0).properties().getHeaders().get("pgcdc-commit-lsn").toString());
      await().atMost(Duration.ofSeconds(30)).until(() -> second.flushedLsn() > commitLsn);
      String prefix = f.slot + "/" + Lsn.format(commitLsn) + "/";
      assertThat(b.get(0).properties().getMessageId()).isEqualTo(prefix + "7-8");
      assertThat(b.get(0).properties().getHeaders()).containsEntry("pgcdc-events", 2);

      // Every a-message of both sessions: the first session's are repeated by the second, same id, same bytes.
      List<Message> a = f.drain(f.queue);
      Map<String, String> bodyById = new LinkedHashMap<>();
      int duplicates = 0;
      for (Message m : a) {
        String previous = bodyById.putIfAbsent(m.properties().getMessageId(), m.body());
        if (previous != null) {
          duplicates++;
          assertThat(m.body()).as("re-sent " + m.properties().getMessageId()).isEqualTo(previous);
        }
      }
      assertThat(bodyById.keySet()).containsExactly(prefix + "0-2", prefix + "3-5", prefix + "6-6", prefix + "9-9");
      assertThat(duplicates).as("the first session published 0-2 before b stopped it").isGreaterThanOrEqualTo(1);

      // Every event exactly once, in statement order, each element the SPEC §3 object.
      List<JsonNode> events = new ArrayList<>();
      for (String body : bodyById.values()) {
        JSON.readTree(body).forEach(events::add);
      }
      List<JsonNode> bEvents = new ArrayList<>();
      JSON.readTree(b.get(0).body()).forEach(bEvents::add);
      events.addAll(7, bEvents);
      assertThat(events).extracting(e -> e.get("ordinal").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      assertThat(events).extracting(e -> e.get("id").asText())
          .containsExactly(prefix + "0", prefix + "1", prefix + "2", prefix + "3", prefix + "4", prefix + "5",
              prefix + "6", prefix + "7", prefix + "8", prefix + "9");
      assertThat(events).extracting(e -> e.get("table").asText() + ":" + e.get("after").get("id").asInt())
          .containsExactly("a:1", "a:2", "a:3", "a:4", "a:5", "a:6", "a:7", "b:1", "b:2", "a:8");
    }
  }

  @Test
  void wholeTransactionsBecomeOneMessagePerRoutingKeyRunAndTheJournalHoldsExactlyThem() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_batch_tx")) {
      f.bindQueue();
      f.sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE b (id int PRIMARY KEY)");
      Pipeline p = f.start("", "    batch: transaction\n");
      f.sql("INSERT INTO a VALUES (1, 'x')");
      f.sql("BEGIN; INSERT INTO a SELECT g, 'y' FROM generate_series(2, 501) g; UPDATE a SET v = 'z' WHERE id = 2;"
          + " DELETE FROM a WHERE id = 3; SELECT pg_logical_emit_message(true, 'p', 'in tx');"
          + " INSERT INTO b VALUES (1); COMMIT");
      f.sql("SELECT pg_logical_emit_message(false, 'p', 'outside')");

      List<Message> got = f.receive(6);
      // b's schema event goes out when its Relation arrives, ahead of the still open _message.p batch
      assertThat(got).extracting(Message::routingKey).containsExactly("_schema.public.a", "public.a", "public.a",
          "_schema.public.b", "_message.p", "public.b");
      Message single = got.get(1);
      assertThat(single.body()).startsWith("[{").endsWith("}]");
      assertThat(single.properties().getHeaders()).containsEntry("pgcdc-events", 1);
      assertThat(single.properties().getHeaders().get("pgcdc-op")).hasToString("I");
      assertThat(single.properties().getMessageId()).endsWith("/0-0");

      Message big = got.get(2);
      JsonNode bigEvents = JSON.readTree(big.body());
      assertThat(bigEvents).hasSize(502);
      assertThat(big.properties().getMessageId()).endsWith("/0-501");
      assertThat(big.properties().getHeaders()).containsEntry("pgcdc-events", 502);
      assertThat(big.properties().getHeaders().get("pgcdc-op")).as("mixed ops").hasToString("*");
      assertThat(big.properties().getHeaders().get("pgcdc-lsn")).as("first event's LSN")
          .hasToString(bigEvents.get(0).get("lsn").asText());
      assertThat(bigEvents.get(500).get("op").asText()).isEqualTo("U");
      assertThat(bigEvents.get(501).get("op").asText()).isEqualTo("D");
      assertThat(JSON.readTree(got.get(4).body()).get(0).get("content").asText()).isEqualTo("in tx");
      assertThat(got.get(4).properties().getMessageId()).endsWith("/502-502");
      assertThat(got.get(5).properties().getMessageId()).endsWith("/503-503");

      List<Message> outside = f.receive(1);
      assertThat(outside.get(0).routingKey()).isEqualTo("_message.p");
      assertThat(JSON.readTree(outside.get(0).body()).get(0).get("transactional").asBoolean()).isFalse();
      got.addAll(outside);

      p.close(); // drains the ring: everything published is journaled

      List<String> journaled = new ArrayList<>();
      try (Journal journal = Journal.openReadOnly(f.journalDir); JournalReader reader = journal.reader()) {
        JournalRecord r = new JournalRecord();
        while (reader.next(r)) {
          journaled.add(r.messageId() + " " + r.routingKey() + " " + new java.util.TreeMap<>(r.headersAsMap()) + " "
              + new String(r.body(), r.bodyOffset(), r.bodyLength(), StandardCharsets.UTF_8));
        }
      }
      assertThat(journaled).as("one journal entry per published message, same id, headers and body")
          .containsExactlyElementsOf(got.stream().map(m -> m.properties().getMessageId() + " " + m.routingKey() + " "
              + m.properties().getHeaders().entrySet().stream()
                  .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString(),
                      (x, y) -> x, java.util.TreeMap::new))
              + " " + m.body()).toList());
    }
  }

  @Test
  void anUnroutableBatchGoesWholeToTheAlternateExchange() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_batch_alternate")) {
      String alternate = f.exchange + ".ae";
      String aeQueue = f.queue + ".ae";
      f.forgetExchangeLater(alternate);
      f.channel.exchangeDeclare(alternate, "fanout", true);
      f.declareExtraQueue(aeQueue, alternate, "");
      f.sql("CREATE TABLE orders (id int PRIMARY KEY)");
      f.start("", "    batch: transaction\n    unroutable: alternate\n    alternate_exchange: " + alternate + "\n");
      f.sql("INSERT INTO orders SELECT generate_series(1, 5)");

      List<Message> got = f.receive(aeQueue, 2, Duration.ofSeconds(30));
      assertThat(got).extracting(Message::routingKey).containsExactly("_schema.public.orders", "public.orders");
      assertThat(JSON.readTree(got.get(1).body())).extracting(e -> e.get("after").get("id").asInt())
          .containsExactly(1, 2, 3, 4, 5);
      long commit = Lsn.parse(got.get(1).properties().getHeaders().get("pgcdc-commit-lsn").toString());
      await().atMost(Duration.ofSeconds(15)).until(() -> f.slotFlushed() > commit);
      assertThat(f.pipeline.terminated()).isNotDone();
    }
  }
}
