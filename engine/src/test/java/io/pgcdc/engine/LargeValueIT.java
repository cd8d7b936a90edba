package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.journal.Journal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Column values of many megabytes against a real PostgreSQL and RabbitMQ: a 7 MB value is
 * published (its event is ~14 MB: the value is in {@code after} and {@code diff}); one whose event
 * is over {@link Journal#MAX_BODY_BYTES} stops the pipeline with a line that says how to go past it,
 * and following that line works. A message over the broker's {@code max_message_size} stops it too.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LargeValueIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADVANCE = Pattern.compile("SELECT pg_replication_slot_advance\\('[^']+', '[^']+'\\)");

  @Test
  void aSevenMegabyteValueIsPublishedAndATooLargeEventStopsWithTheWayPastIt() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_large").bindQueue()) {
      f.sql("CREATE TABLE docs (id int PRIMARY KEY, v text)");
      f.start();
      f.sql("INSERT INTO docs VALUES (1, repeat('x', 7000000))");
      f.take("_schema.public.docs", 1);
      JsonNode big = JSON.readTree(f.take("public.docs", 1).get(0).body());
      assertThat(big.at("/after/v").asText()).hasSize(7_000_000);

      int tooLarge = Journal.MAX_BODY_BYTES / 2 + 1;
      f.sql("INSERT INTO docs VALUES (2, repeat('y', " + tooLarge + "))", "INSERT INTO docs VALUES (3, 'small')");
      await().atMost(Duration.ofSeconds(60)).until(() -> f.pipeline.problem().isPresent());
      String problem = f.pipeline.problem().get();
      assertThat(problem).contains("(routing key public.docs, LSN ", "bytes of JSON, more than the "
          + Journal.MAX_BODY_BYTES, "nothing from it on was confirmed to PostgreSQL");
      assertThat(f.untaken()).as("nothing of the too large event or after it").isEmpty();

      Matcher advance = ADVANCE.matcher(problem);
      assertThat(advance.find()).as(problem).isTrue();
      f.pipeline.close();
      f.sql(advance.group());
      f.start();
      JsonNode next = JSON.readTree(f.take("public.docs", 1).get(0).body());
      assertThat(next.at("/after/id").asInt()).as("the skipped transaction is not re-sent").isEqualTo(3);
    }
  }

  /** Lowers the shared broker's limit for the test's own channel only (read at channel open), then restores it. */
  @Test
  @Tag("disruptive")
  void aMessageOverTheBrokersMaxMessageSizeStopsThePipelineWithTheFixInsteadOfResendingItForEver() throws Exception {
    String limit = PipelineFixture.rabbitmqctl("eval", "application:get_env(rabbit, max_message_size).");
    assumeTrue(limit != null && limit.matches("\\{ok,\\d+}"), "needs rabbitmqctl for the local broker, got " + limit);
    try (PipelineFixture f = new PipelineFixture("e_maxsize").bindQueue()) {
      f.sql("CREATE TABLE docs (id int PRIMARY KEY, v text)");
      PipelineFixture.rabbitmqctl("eval", "application:set_env(rabbit, max_message_size, 1048576).");
      try {
        f.start();
      } finally {
        PipelineFixture.rabbitmqctl("eval", "application:set_env(rabbit, max_message_size, " + limit.replaceAll("\\D", "") + ").");
      }
      f.sql("INSERT INTO docs VALUES (1, repeat('x', 1000000))");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.pipeline.problem().isPresent());
      assertThat(f.pipeline.problem().get()).contains("RabbitMQ refused a message: PRECONDITION_FAILED - message size",
          "larger than configured max size 1048576", "raise max_message_size in rabbitmq.conf");
      assertThat(f.slotFlushed()).as("nothing of it confirmed").isLessThan(f.currentWal());
    }
  }
}
