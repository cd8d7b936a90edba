package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AMQP caps routing keys at 255 bytes: a longer one stops the pipeline with one line, not a reconnect loop. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingKeyLimitIT {

  @Test
  void aLogicalMessageWhosePrefixMakesTheKeyTooLongStopsThePipelineSayingWhatToShorten() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_longkey").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      Pipeline p = f.start();
      f.sql("SELECT pg_logical_emit_message(true, repeat('p', 250), 'x')");

      await().atMost(Duration.ofSeconds(30)).until(() -> p.terminated().isDone());
      ExecutionException stopped = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> p.terminated().get());
      assertThat(stopped.getCause()).isInstanceOf(PipelineException.class)
          .hasMessageStartingWith("routing key '_message.ppp")
          .hasMessageContaining("is 259 bytes, AMQP allows 255; shorten sink.rabbitmq.routing_key")
          .hasMessageNotContaining("\n");
    }
  }
}
