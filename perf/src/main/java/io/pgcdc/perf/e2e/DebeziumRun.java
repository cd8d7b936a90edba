package io.pgcdc.perf.e2e;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Phase (e), opt-in ({@code --debezium}): Debezium Server with its RabbitMQ sink
 * ({@link DebeziumProcess}, config {@link DebeziumConfig}) streams the bench's fourth slot into
 * exchange {@code <db>.dbz} (durable topic), whose messages land in the durable queue
 * {@code <db>.dbz.q} (binding {@code public.bench_rows}, the sink's static routing key). The
 * clock starts when Debezium logs that it streams (JVM start-up is reported separately) and
 * stops when the queue holds every backlog event: the backlog is the first WAL the slot holds,
 * so live-phase rows that follow it never count. Its CPU comes from {@code /proc} like pgcdc's,
 * and the {@link CpuMeter} accounts the same span for the whole machine.
 * After the clock, up to {@link #BODY_SAMPLE} messages are consumed for the mean body size.
 * Main thread plus the sampler and amqp-client's consumer thread.
 */
final class DebeziumRun {

  /** Messages read back for the mean body size (the first ones; every row has the same shape). */
  static final long BODY_SAMPLE = 200_000;

  /** Everything (e) measured. */
  record Result(PhaseResult backlog, String version, String java, double startupSeconds, double queueFullSeconds,
                double meanBodyBytes, long bodySample, double backlogCpuSeconds, long vmHwmKb) {

    /** Debezium Server's own CPU (user + system, all its threads) per backlog event, µs. */
    double cpuMicrosPerEvent() {
      return backlog == null ? Double.NaN : backlog.microsPerEvent(backlogCpuSeconds);
    }
  }

  private final BenchServers servers;
  private final BenchDatabase db;
  private final Backlog backlog;
  private final Path workDir;
  private final DebeziumDist dist;
  private final Path java;
  private final Duration timeout;
  private final CpuMeter cpu;

  DebeziumRun(BenchServers servers, BenchDatabase db, Backlog backlog, Path workDir, DebeziumDist dist, Path java,
              Duration timeout, CpuMeter cpu) {
    this.cpu = cpu;
    this.servers = servers;
    this.db = db;
    this.backlog = backlog;
    this.workDir = workDir;
    this.dist = dist;
    this.java = java;
    this.timeout = timeout;
  }

  String exchange() {
    return db.name() + ".dbz";
  }

  String queue() {
    return exchange() + ".q";
  }

  /** The settings the phase runs with (also what the README states). */
  DebeziumConfig config(String slot) {
    return new DebeziumConfig(servers.pgHost(), servers.pgPort(), servers.user(), servers.password(), db.name(),
        slot, db.publication(), servers.rabbitUri(), exchange(), BenchDatabase.ROUTING_KEY,
        workDir.resolve("debezium").resolve("offsets.dat"));
  }

  Result run(String slot) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(servers.rabbitUri());
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection rabbit = factory.newConnection("pgcdc-bench-debezium-consumer")) {
      Channel channel = rabbit.createChannel();
      channel.exchangeDeclare(exchange(), BuiltinExchangeType.TOPIC, true);
      channel.queueDeclare(queue(), true, false, false, null);
      channel.queueBind(queue(), exchange(), BenchDatabase.ROUTING_KEY);
      long launched = System.nanoTime();
      try (DebeziumProcess debezium = DebeziumProcess.start(workDir.resolve("debezium"), java, dist, config(slot))) {
        debezium.awaitStreaming(Duration.ofSeconds(180));
        double startup = (System.nanoTime() - launched) / 1e9;
        System.out.printf("bench: (e) Debezium Server %s pid %d streaming after %.1f s%n", dist.version(),
            debezium.pid(), startup);
        double cpuAtStart = debezium.cpuSeconds();
        Map<String, Double> threadsAtStart = debezium.threadCpuSeconds();
        Series queued = new Series("Debezium Server", "events");
        Sampler.Probe probe = () -> channel.queueDeclarePassive(queue()).getMessageCount();
        CpuMeter.Window window = cpu.open("(e) Debezium Server", "Debezium JVM", debezium.pid(),
            debezium::cpuSeconds);
        double queueFull = awaitQueueFull(debezium, queued, probe);
        window.close(backlog.events());
        double backlogCpu = debezium.cpuSeconds() - cpuAtStart;
        System.out.println(ProcCpu.threadCpuLine("(e) Debezium Server", threadsAtStart,
            debezium.threadCpuSeconds(), backlog.events()));
        long hwm = ProcCpu.vmHwmKb(debezium.pid());
        debezium.stop(); // nothing more to decode: keep the body sample off a busy CPU
        long[] sample = sampleBodies(channel);
        double meanBody = sample[0] == 0 ? Double.NaN : (double) sample[1] / sample[0];
        PhaseResult phase = new PhaseResult("Debezium Server " + dist.version() + " (RabbitMQ sink)",
            "Debezium Server itself (bounded by the WAL sender and the broker)", backlog.events(),
            Double.isNaN(meanBody) ? 0 : Math.round(meanBody * backlog.events()), "body", queueFull,
            PhaseResult.parts(backlog, queued, queueFull), queued.rate("Debezium Server", "events/s", 1.0));
        return new Result(phase, dist.version(), java.toString(), startup, queueFull, meanBody, sample[0],
            backlogCpu, hwm);
      }
    }
  }

  /** Seconds from the streaming line until the queue holds every backlog event. */
  private double awaitQueueFull(DebeziumProcess debezium, Series queued, Sampler.Probe probe) throws Exception {
    Sampler sampler = new Sampler(queued, probe);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (probe.read() >= backlog.events()) {
          return sampler.elapsedSeconds();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Debezium Server did not deliver the backlog within " + timeout
              + ": queue holds " + (long) probe.read() + " of " + backlog.events() + "; log " + debezium.log());
        }
        debezium.checkAlive();
        Thread.sleep(100); // each check is a broker round trip, as in phase (c)
      }
    } finally {
      sampler.finish(probe);
    }
  }

  /** Consumes up to {@link #BODY_SAMPLE} messages; returns {messages, body bytes}. */
  private long[] sampleBodies(Channel channel) throws Exception {
    long want = Math.min(BODY_SAMPLE, backlog.events());
    AtomicLong messages = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    channel.basicQos(1000);
    DeliverCallback deliver = (tag, delivery) -> {
      bytes.addAndGet(delivery.getBody().length);
      messages.incrementAndGet();
    };
    CancelCallback cancel = tag -> { };
    String consumer = channel.basicConsume(queue(), true, deliver, cancel);
    long last = -1;
    long idleSince = System.nanoTime();
    while (messages.get() < want) {
      long now = System.nanoTime();
      if (messages.get() != last) {
        last = messages.get();
        idleSince = now;
      } else if (now - idleSince > 5_000_000_000L) {
        break; // nothing arrived for 5 s: report what was read
      }
      Thread.sleep(50);
    }
    channel.basicCancel(consumer);
    return new long[] {messages.get(), bytes.get()};
  }
}
