package io.pgcdc.perf.e2e;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * CPU per persistent, confirmed message on both ends of one publisher, for comparing amqp-client
 * settings: this JVM's threads (from {@code /proc/self/task}) and the broker's process (from
 * {@code /proc/<pid>/stat}, so broker and client must share the machine). Same traffic as the
 * bench's raw publisher (730-byte body, message-id, content type, the five {@code pgcdc-*} headers,
 * {@code mandatory}, a window of unconfirmed messages), into its own durable exchange and queue,
 * deleted afterwards.
 *
 * <pre>
 *   java -cp perf/target/benchmarks.jar io.pgcdc.perf.e2e.PublishCost MODE MESSAGES WINDOW BROKER_PID
 *   MODE: comma-separated: blocking (amqp-client's default socket IO), nio, netty, qv2 (x-queue-version 2)
 * </pre>
 *
 * <p>Threading: the main thread publishes; amqp-client's connection thread releases the window.
 * Not part of {@code scripts/bench.sh}: hold the team's bench lock while it runs.
 */
public final class PublishCost {
  private static final String ROUTING_KEY = "public.bench_rows";
  private static final int WARM_UP = 20_000;

  private PublishCost() {
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int messages = Integer.parseInt(args[1]);
    int window = Integer.parseInt(args[2]);
    String brokerPid = args[3];
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(System.getenv().getOrDefault("PGCDC_TEST_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672"));
    factory.setAutomaticRecoveryEnabled(false);
    Map<String, Object> queueArguments = new HashMap<>();
    for (String option : mode.split(",")) {
      switch (option) {
        case "nio" -> factory.useNio();
        case "netty" -> factory.netty();
        case "qv2" -> queueArguments.put("x-queue-version", 2);
        case "blocking" -> { }
        default -> throw new IllegalArgumentException("unknown mode " + option);
      }
    }
    byte[] body = new byte[730];
    Arrays.fill(body, (byte) 'x');
    String name = "pgcdc_publish_cost_" + ProcessHandle.current().pid();
    try (Connection connection = factory.newConnection("pgcdc-publish-cost")) {
      Channel channel = connection.createChannel();
      channel.exchangeDeclare(name, BuiltinExchangeType.TOPIC, true);
      channel.queueDeclare(name, true, false, false, queueArguments);
      channel.queueBind(name, name, ROUTING_KEY);
      channel.confirmSelect();
      Semaphore room = new Semaphore(window);
      AtomicLong ackFrames = new AtomicLong();
      long[] lastAck = {0};
      channel.addConfirmListener((tag, multiple) -> {
        int n = (int) (multiple ? tag - lastAck[0] : 1);
        lastAck[0] = Math.max(lastAck[0], tag);
        ackFrames.incrementAndGet();
        room.release(n);
      }, (tag, multiple) -> {
        throw new IllegalStateException("broker nacked up to tag " + tag);
      });
      try {
        publish(channel, name, body, room, WARM_UP);
        room.acquire(window);
        room.release(window);
        channel.queuePurge(name);
        Thread.sleep(2_000);
        long frames0 = ackFrames.get();
        Map<String, Long> client0 = threadTicks();
        long broker0 = processTicks(brokerPid);
        long start = System.nanoTime();
        publish(channel, name, body, room, messages);
        room.acquire(window);
        double seconds = (System.nanoTime() - start) / 1e9;
        long broker = processTicks(brokerPid) - broker0;
        Map<String, Long> client1 = threadTicks();
        StringBuilder perThread = new StringBuilder();
        long client = 0;
        for (Map.Entry<String, Long> e : client1.entrySet()) {
          long ticks = e.getValue() - client0.getOrDefault(e.getKey(), 0L);
          client += ticks;
          if (ticks > 0) {
            perThread.append(String.format(" %s %.2f;", e.getKey(), micros(ticks, messages)));
          }
        }
        System.out.printf("%s: %d messages, %.0f msg/s; µs of CPU per message: client %.2f (%s ), broker %.2f;"
                + " ack frames per message %.4f%n", mode, messages, messages / seconds, micros(client, messages),
            perThread.toString().trim(), micros(broker, messages), (ackFrames.get() - frames0) / (double) messages);
      } finally {
        channel.queueDelete(name);
        channel.exchangeDelete(name);
      }
    }
  }

  private static void publish(Channel channel, String exchange, byte[] body, Semaphore room, int messages)
      throws IOException, InterruptedException {
    for (int i = 0; i < messages; i++) {
      room.acquire();
      String lsn = "0/" + Long.toHexString(0x16B3748L + i * 64L).toUpperCase();
      AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().deliveryMode(2)
          .contentType("application/json").messageId("pgcdc_bench_slot/" + lsn + "/" + i)
          .headers(Map.of("pgcdc-lsn", lsn, "pgcdc-commit-lsn", lsn, "pgcdc-xid", 745L + i, "pgcdc-op", "I",
              "pgcdc-epoch", 0L))
          .build();
      channel.basicPublish(exchange, ROUTING_KEY, true, properties, body);
    }
  }

  private static double micros(long ticks, int messages) {
    return ticks * 10_000.0 / messages; // 100 ticks per second
  }

  /** utime + stime of a process, in clock ticks. */
  private static long processTicks(String pid) throws IOException {
    return ticks(Files.readString(Path.of("/proc", pid, "stat")));
  }

  /** utime + stime per thread name of this JVM (numbered threads summed), in clock ticks. */
  private static Map<String, Long> threadTicks() throws IOException {
    Map<String, Long> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("#?\\d+$", "");
          byName.merge(name, ticks(Files.readString(task.resolve("stat"))), Long::sum);
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    return byName;
  }

  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
