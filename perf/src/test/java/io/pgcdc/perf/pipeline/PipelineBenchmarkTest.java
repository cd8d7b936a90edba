package io.pgcdc.perf.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lmax.disruptor.RingBuffer;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.RingEvent;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One invocation of each {@link PipelineBenchmark} method, checked end to end: every row event of
 * the transaction reaches both stand-in stages, with the body pgcdc would publish, and the confirm
 * tracker flushes the transaction. Guards against the benchmark silently measuring nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineBenchmarkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AFTER = "{\"id\":4242424242,\"email\":\"mikael.akerfeldt@example.com\","
      + "\"amount\":12345.67,\"active\":true,\"created_at\":\"2026-11-21T22:41:03.123456+00:00\","
      + "\"attrs\":{\"plan\": \"pro\", \"seats\": 12},\"tags\":[\"red\",\"green\",\"dark blue\"],"
      + "\"ref\":\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"}";

  @Test
  void aThousandRowTransactionArrivesOneMessagePerEventWithItsRow() throws IOException {
    PipelineBenchmark b = benchmark("none", "parking");
    try {
      long cursor = runOnce(b, b::transactionOf1000Rows, PipelineBenchmark.ROWS, PipelineBenchmark.ROWS);
      RingBuffer<RingEvent> ring = b.pipeline.ring();
      assertThat(ring.getCursor() - cursor).as("Begin, rows, Commit").isEqualTo(PipelineBenchmark.ROWS + 2);
      long commitLsn = ring.get(cursor + 1).commitLsn();
      for (int row = 0; row < PipelineBenchmark.ROWS; row++) {
        Outbox out = ring.get(cursor + 2 + row).outbox();
        assertThat(out.count()).isEqualTo(1);
        assertThat(out.routingKey(0)).isEqualTo("public.accounts");
        checkEvent(JSON.readTree(body(out)), commitLsn, row);
      }
      assertThat(b.pipeline.tracker().flushedLsn()).isEqualTo(b.pipeline.lastEndLsn());
      assertThat(b.pipeline.tracker().violations()).isZero();
    } finally {
      b.tearDown();
    }
  }

  @Test
  void inBatchedModeTheTransactionArrivesAsOneArrayOnItsCommit() throws IOException {
    PipelineBenchmark b = benchmark("transaction", "busySpin");
    try {
      long cursor = runOnce(b, b::transactionOf1000Rows, 1, PipelineBenchmark.ROWS);
      RingBuffer<RingEvent> ring = b.pipeline.ring();
      long commitLsn = ring.get(cursor + 1).commitLsn();
      Outbox onCommit = ring.get(ring.getCursor()).outbox();
      assertThat(onCommit.count()).isEqualTo(1);
      assertThat(onCommit.events(0)).isEqualTo(PipelineBenchmark.ROWS);
      JsonNode array = JSON.readTree(body(onCommit));
      assertThat(array.size()).isEqualTo(PipelineBenchmark.ROWS);
      for (int row = 0; row < PipelineBenchmark.ROWS; row++) {
        checkEvent(array.get(row), commitLsn, row);
      }
      assertThat(b.pipeline.tracker().flushedLsn()).isEqualTo(b.pipeline.lastEndLsn());
    } finally {
      b.tearDown();
    }
  }

  @Test
  void aSingleRowTransactionArrivesAndIsFlushed() throws IOException {
    for (String batch : new String[] {"none", "transaction"}) {
      PipelineBenchmark b = benchmark(batch, "parking");
      try {
        runOnce(b, () -> {
          b.singleRowTransaction();
          b.singleRowTransaction();
        }, 2, 2);
        RingBuffer<RingEvent> ring = b.pipeline.ring();
        Outbox last = ring.get(ring.getCursor() - ("none".equals(batch) ? 1 : 0)).outbox();
        JsonNode event = JSON.readTree(body(last));
        checkEvent(event.isArray() ? event.get(0) : event, ring.get(ring.getCursor()).commitLsn(), 0);
        assertThat(b.pipeline.tracker().flushedLsn()).isEqualTo(b.pipeline.lastEndLsn());
      } finally {
        b.tearDown();
      }
    }
  }

  private static PipelineBenchmark benchmark(String batch, String waitStrategy) {
    PipelineBenchmark b = new PipelineBenchmark();
    b.batch = batch;
    b.waitStrategy = waitStrategy;
    b.setUp();
    return b;
  }

  private static void checkEvent(JsonNode event, long commitLsn, int ordinal) {
    assertThat(event.get("id").asText()).isEqualTo(NoIoPipeline.SLOT + "/" + Lsn.format(commitLsn) + "/" + ordinal);
    assertThat(event.get("op").asText()).isEqualTo("I");
    assertThat(event.get("schema").asText() + "." + event.get("table").asText()).isEqualTo("public.accounts");
    assertThat(event.get("ordinal").asInt()).isEqualTo(ordinal);
    assertThat(event.get("after").toString()).isEqualTo(AFTER.replace(", ", ",").replace(": ", ":"));
  }

  private static String body(Outbox out) {
    return new String(out.bodies(), out.offset(0), out.length(0), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code invocation}, drains the ring and checks that both stand-ins got {@code messages}
   * messages carrying {@code events} events; returns the ring cursor from before the invocation.
   */
  private static long runOnce(PipelineBenchmark b, Runnable invocation, long messages, long events) {
    long[] before = counts(b.pipeline);
    long cursor = b.pipeline.ring().getCursor();
    invocation.run();
    b.pipeline.drain();
    long[] now = counts(b.pipeline);
    for (int i = 0; i < now.length; i++) {
      now[i] -= before[i];
    }
    assertThat(now).as("journal messages, events; publish messages, events")
        .containsExactly(messages, events, messages, events);
    return cursor;
  }

  private static long[] counts(NoIoPipeline p) {
    return new long[] {p.journal().messages(), p.journal().events(), p.publish().messages(), p.publish().events()};
  }
}
