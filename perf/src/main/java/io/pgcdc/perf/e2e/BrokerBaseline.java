package io.pgcdc.perf.e2e;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker's own latency floor at the live rate, next to (d): a raw amqp-client publisher with
 * confirms, paced like (d)'s writers (message i due at {@code t0 + i / rate}), persistent, pgcdc's
 * mean body size and properties, {@code mandatory}, into a fresh queue of the same kind as (d)'s
 * (same vhost, same arguments) with an auto-ack consumer attached, as in (d). Per message it
 * records publish -> {@code basic.ack} (what SPEC's commit-to-confirm adds on top of PostgreSQL
 * and pgcdc) and publish -> delivery to the consumer (what (d)'s probe measures on top of them).
 * If this stalls, the broker stalls without pgcdc.
 *
 * <p>Threads: the caller's thread publishes; amqp-client's connection thread records acks (its
 * confirm listener) and deliveries (the consumer on a second connection). The exchange and queue
 * are deleted afterwards.
 */
final class BrokerBaseline {

  private final String uri;
  private final String name;
  private final Map<String, Object> queueArguments;

  /** {@code name}: exchange and queue, created here and deleted after the run. */
  BrokerBaseline(String uri, String name, Map<String, Object> queueArguments) {
    this.uri = uri;
    this.name = name;
    this.queueArguments = queueArguments;
  }

  /** Publish -> confirm and publish -> delivery, whole run, with their per-second p50/p99/max. */
  record Result(int rate, int bodyBytes, long published, long confirmed, long delivered, LatencyStats confirm,
                LatencyStats delivery, List<Series> confirmOverTime, List<Series> deliveryOverTime) { }

  Result run(int rate, int seconds, int bodyBytes) throws Exception {
    int total = rate * seconds;
    long[] sentNanos = new long[total + 1]; // by delivery tag (from 1)
    long[] ackMicros = new long[total];
    double[] ackAt = new double[total];
    long[] deliveryMicros = new long[total];
    double[] deliveryAt = new double[total];
    AtomicLong acked = new AtomicLong();
    AtomicLong delivered = new AtomicLong();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection publisher = factory.newConnection("pgcdc-bench-baseline-pub");
         Connection consumer = factory.newConnection("pgcdc-bench-baseline-sub")) {
      Channel pub = publisher.createChannel();
      pub.exchangeDeclare(name, BuiltinExchangeType.TOPIC, true);
      pub.queueDeclare(name, true, false, false, queueArguments);
      pub.queueBind(name, name, BenchDatabase.ROUTING_KEY);
      pub.confirmSelect();
      long t0 = System.nanoTime();
      boolean[] isAcked = new boolean[total + 1];
      long[] lowest = {1}; // every tag below it is acked; acks may skip tags that a later multiple ack covers
      pub.addConfirmListener((tag, multiple) -> {
        long now = System.nanoTime();
        for (long t = multiple ? lowest[0] : tag; t <= tag; t++) {
          if (!isAcked[(int) t]) {
            isAcked[(int) t] = true;
            int i = (int) acked.getAndIncrement();
            ackMicros[i] = (now - sentNanos[(int) t]) / 1000;
            ackAt[i] = (now - t0) / 1e9;
          }
        }
        while (lowest[0] <= total && isAcked[(int) lowest[0]]) {
          lowest[0]++;
        }
      }, (tag, multiple) -> {
        throw new IllegalStateException("broker nacked baseline messages up to tag=" + tag);
      });
      Channel sub = consumer.createChannel();
      String consumerTag = sub.basicConsume(name, true, (ctag, delivery) -> {
        long now = System.nanoTime();
        int i = (int) delivered.getAndIncrement();
        if (i < total) {
          deliveryMicros[i] = (now - sentAt(delivery.getBody())) / 1000;
          deliveryAt[i] = (now - t0) / 1e9;
        }
      }, ctag -> { });
      byte[] body = new byte[Math.max(24, bodyBytes)];
      Arrays.fill(body, (byte) 'x');
      for (int i = 0; i < total; i++) {
        long due = t0 + i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        long now = System.nanoTime();
        stamp(body, now);
        sentNanos[i + 1] = now;
        pub.basicPublish(name, BenchDatabase.ROUTING_KEY, true, RawPublisher.properties(i), body);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((acked.get() < total || delivered.get() < total) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      sub.basicCancel(consumerTag);
      pub.queueDelete(name);
      pub.exchangeDelete(name);
      int a = (int) Math.min(acked.get(), total);
      int d = (int) Math.min(delivered.get(), total);
      return new Result(rate, body.length, total, acked.get(), delivered.get(), LatencyStats.of(ackMicros, a),
          LatencyStats.of(deliveryMicros, d), LatencyProbe.perSecond(ackMicros, ackAt, a),
          LatencyProbe.perSecond(deliveryMicros, deliveryAt, d));
    }
  }

  /** Deletes the exchange and queue if a failed run left them; never throws. */
  void cleanUp() {
    new RabbitCleanup(uri).delete(List.of(name), name);
  }

  /** The publish time (System.nanoTime, this JVM) as 20 digits at the start of the body. */
  static void stamp(byte[] body, long nanos) {
    byte[] digits = String.format("%020d", nanos).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, body, 0, digits.length);
  }

  static long sentAt(byte[] body) {
    return Long.parseLong(new String(body, 0, 20, StandardCharsets.US_ASCII));
  }
}
