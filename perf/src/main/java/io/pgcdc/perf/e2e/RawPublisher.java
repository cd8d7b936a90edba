package io.pgcdc.perf.e2e;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Phase (b): the broker's own limit for pgcdc's traffic. One connection, one channel with
 * publisher confirms, persistent messages of the same body size and the same properties pgcdc
 * sets (message-id, content-type, the five {@code pgcdc-*} headers, {@code mandatory}) into a
 * durable topic exchange with one durable queue bound; at most {@code maxInFlight} unconfirmed
 * messages, confirms handled asynchronously and usually {@code multiple} — the same window pgcdc
 * keeps ({@code sink.rabbitmq.max_in_flight}). The caller's thread publishes; amqp-client's
 * connection thread handles acks. The exchange and queue are deleted afterwards.
 */
final class RawPublisher {

  private final String uri;
  private final String name;
  private final int maxInFlight;

  RawPublisher(String uri, String name, int maxInFlight) {
    this.uri = uri;
    this.name = name;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Publishes one message per event of {@code backlog}; {@code acked} runs when the last ack came,
   * before the queue is deleted. With a warm-up ({@code --backlog-warm-up}) the result also holds
   * the rate after the first {@code warmUpRows} confirms: the same message range, and so the same
   * queue depth, as pgcdc's steady figure.
   */
  PhaseResult publish(Backlog backlog, int bodySize, Runnable acked) throws Exception {
    long messages = backlog.events();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    factory.setAutomaticRecoveryEnabled(false);
    byte[] body = body(bodySize);
    AtomicLong confirmed = new AtomicLong();
    Series progress = new Series("raw RabbitMQ publisher", "events");
    try (Connection connection = factory.newConnection("pgcdc-bench-raw")) {
      Channel channel = connection.createChannel();
      channel.exchangeDeclare(name, BuiltinExchangeType.TOPIC, true);
      channel.queueDeclare(name, true, false, false, null);
      channel.queueBind(name, name, BenchDatabase.ROUTING_KEY);
      channel.confirmSelect();
      Semaphore window = new Semaphore(maxInFlight);
      // One queue: RabbitMQ confirms in publish order, so a multiple ack covers (lastAck, tag].
      long[] lastAck = {0};
      channel.addConfirmListener((tag, multiple) -> {
        int n = (int) (multiple ? tag - lastAck[0] : 1);
        lastAck[0] = Math.max(lastAck[0], tag);
        confirmed.addAndGet(n);
        window.release(n);
      }, (tag, multiple) -> {
        throw new IllegalStateException("broker nacked raw benchmark messages up to tag=" + tag);
      });
      Sampler.Probe probe = confirmed::get;
      Sampler sampler = new Sampler(progress, probe);
      try {
        for (long i = 0; i < messages; i++) {
          window.acquire();
          channel.basicPublish(name, BenchDatabase.ROUTING_KEY, true, properties(i), body);
        }
        while (!window.tryAcquire(maxInFlight, 100, TimeUnit.MILLISECONDS)) {
          if (!channel.isOpen()) {
            throw new IllegalStateException("raw publisher channel closed: " + channel.getCloseReason());
          }
        }
      } finally {
        sampler.finish(probe);
      }
      double seconds = sampler.elapsedSeconds();
      acked.run();
      channel.queueDelete(name);
      channel.exchangeDelete(name);
      return new PhaseResult("raw RabbitMQ publisher", "RabbitMQ (persistent, confirms, one queue)",
          messages, messages * bodySize, "body", seconds,
          PhaseResult.afterWarmUp(backlog, progress.timeToReach(backlog.warmUpRows()), seconds),
          progress.rate("raw RabbitMQ publisher", "events/s", 1.0));
    }
  }

  /** Deletes the exchange and queue if a failed run left them; never throws. */
  void cleanUp() {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
      try (Connection connection = factory.newConnection("pgcdc-bench-cleanup")) {
        Channel channel = connection.createChannel();
        channel.queueDelete(name);
        channel.exchangeDelete(name);
      }
    } catch (Exception e) {
      System.err.println("bench: could not delete queue/exchange " + name + ": " + e.getMessage());
    }
  }

  /** pgcdc's properties: persistent, JSON, a message id and the five pgcdc-* headers. */
  static AMQP.BasicProperties properties(long i) {
    String lsn = "0/" + Long.toHexString(0x16B3748L + i * 64).toUpperCase();
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .contentType("application/json")
        .messageId("pgcdc_bench_slot/" + lsn + "/" + i)
        .headers(Map.of("pgcdc-lsn", lsn, "pgcdc-commit-lsn", lsn, "pgcdc-xid", 745L + i,
            "pgcdc-op", "I", "pgcdc-epoch", 0L))
        .build();
  }

  private static byte[] body(int size) {
    byte[] body = new byte[Math.max(2, size)];
    Arrays.fill(body, (byte) 'x');
    body[0] = '"';
    body[body.length - 1] = '"';
    return body;
  }
}
