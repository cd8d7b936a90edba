package io.pgcdc.engine;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.config.ConfigException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.ops.PipelineMetrics;
import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.RabbitServer;
import io.pgcdc.testsupport.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * One IT's private world: a fresh database, slot, publication, exchange, a queue bound with
 * {@code #}, a journal directory, and a {@link Pipeline} streaming between them. {@link #close()}
 * removes all of it.
 */
final class PipelineFixture implements AutoCloseable {
  final PostgresServer pg;
  final RabbitServer rabbit = TestServers.rabbitmq();
  final String database;
  final String slot;
  final String exchange;
  final String queue;
  final Path journalDir;
  final PipelineMetrics metrics = PipelineMetrics.create();
  final Connection amqp;
  final Channel channel;
  private final List<String> extraExchanges = new ArrayList<>();
  private final List<String> extraQueues = new ArrayList<>();
  Pipeline pipeline;

  PipelineFixture(String prefix) throws Exception {
    this(prefix, TestServers.postgres());
  }

  /** The same world on another PostgreSQL server (e.g. {@link TestServers#postgres17()}). */
  PipelineFixture(String prefix, PostgresServer pg) throws Exception {
    this.pg = pg;
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    database = pg.createDatabase(prefix);
    slot = prefix + "_slot_" + suffix;
    exchange = prefix + ".x." + suffix;
    queue = prefix + ".q." + suffix;
    journalDir = Files.createTempDirectory(prefix + "-journal");
    amqp = rabbit.connect();
    channel = amqp.createChannel();
  }

  /** Declares the exchange and a queue bound to it with {@code #} (what a consumer would do first). */
  PipelineFixture bindQueue() throws Exception {
    channel.exchangeDeclare(exchange, "topic", true);
    channel.queueDeclare(queue, true, false, false, null);
    channel.queueBind(queue, exchange, "#");
    return this;
  }

  String yaml(String sourceExtra, String rabbitExtra) {
    return "source:\n"
        + "  url: " + pg.jdbcUrl(database) + "\n"
        + sourceExtra
        + "  user: " + pg.user() + "\n"
        + "  slot: " + slot + "\n"
        + "  publication: " + slot + "_pub\n"
        + "  status_interval: 200ms\n"
        + "sink:\n"
        + "  rabbitmq:\n"
        + "    uri: " + rabbit.uri() + "\n"
        + "    exchange: " + exchange + "\n"
        + rabbitExtra
        + "journal:\n"
        + "  dir: " + journalDir + "\n";
  }

  PgcdcConfig config(String sourceExtra, String rabbitExtra) throws ConfigException {
    return PgcdcConfig.parse(yaml(sourceExtra, rabbitExtra), Map.of());
  }

  Pipeline start() throws Exception {
    return start("", "");
  }

  /** Starts the pipeline; the extras are YAML lines (2 and 4 spaces indented) of source and rabbitmq. */
  Pipeline start(String sourceExtra, String rabbitExtra) throws Exception {
    pipeline = Pipeline.start(config(sourceExtra, rabbitExtra), metrics, Term.standalone());
    return pipeline;
  }

  void sql(String... statements) throws SQLException {
    try (java.sql.Connection c = pg.connect(database); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** First column of the first row of {@code sql}, run in a UTC session. */
  String queryText(String sql) throws SQLException {
    try (java.sql.Connection c = pg.connect(database); Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'UTC'");
      try (ResultSet r = s.executeQuery(sql)) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  List<String> queryTexts(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (java.sql.Connection c = pg.connect(database); Statement s = c.createStatement();
         ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /** The slot's confirmed_flush_lsn as PostgreSQL reports it. */
  long slotFlushed() throws SQLException {
    String text = queryText("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    return text == null ? 0 : Lsn.parse(text);
  }

  long currentWal() throws SQLException {
    return Lsn.parse(queryText("SELECT pg_current_wal_lsn()::text"));
  }

  /** A delivered message: routing key, properties, body. */
  record Message(String routingKey, AMQP.BasicProperties properties, String body) {}

  /** Waits until {@code n} messages arrived on {@code queueName} and returns them in order. */
  List<Message> receive(String queueName, int n, Duration timeout) {
    List<Message> got = new ArrayList<>();
    await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
      GetResponse r;
      while (got.size() < n && (r = channel.basicGet(queueName, true)) != null) {
        got.add(new Message(r.getEnvelope().getRoutingKey(), r.getProps(),
            new String(r.getBody(), StandardCharsets.UTF_8)));
      }
      return got.size() >= n;
    });
    return got;
  }

  List<Message> receive(int n) {
    return receive(queue, n, Duration.ofSeconds(30));
  }

  private final List<Message> inbox = new ArrayList<>();

  /**
   * The next {@code n} messages of the main queue whose routing key is {@code routingKey}, in
   * arrival order; messages for other keys stay in an inbox for later calls (tests of one class
   * share the queue, each on its own tables).
   */
  List<Message> take(String routingKey, int n) {
    List<Message> got = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      GetResponse r;
      while ((r = channel.basicGet(queue, true)) != null) {
        inbox.add(new Message(r.getEnvelope().getRoutingKey(), r.getProps(),
            new String(r.getBody(), StandardCharsets.UTF_8)));
      }
      for (var it = inbox.iterator(); it.hasNext() && got.size() < n; ) {
        Message m = it.next();
        if (m.routingKey().equals(routingKey)) {
          got.add(m);
          it.remove();
        }
      }
      return got.size() >= n;
    });
    return got;
  }

  /**
   * {@code rabbitmqctl ARGS} against the local broker: its output, trimmed, or null when it cannot
   * run here (no local broker, a container without the CLI). For disruptive tests only: it changes
   * the shared broker.
   */
  static String rabbitmqctl(String... args) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor() == 0 ? out : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** What a terminated pipeline failed with, or null when it stopped cleanly. */
  static Throwable failureOf(Pipeline p) throws InterruptedException {
    try {
      p.terminated().get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** Messages that arrived and no {@link #take} asked for, in arrival order, without waiting for more. */
  List<Message> untaken() throws Exception {
    inbox.addAll(drain(queue));
    return List.copyOf(inbox);
  }

  /** Messages already waiting on the queue, without waiting for more. */
  List<Message> drain(String queueName) throws Exception {
    List<Message> got = new ArrayList<>();
    GetResponse r;
    while ((r = channel.basicGet(queueName, true)) != null) {
      got.add(new Message(r.getEnvelope().getRoutingKey(), r.getProps(),
          new String(r.getBody(), StandardCharsets.UTF_8)));
    }
    return got;
  }

  void declareExtraQueue(String name, String boundTo, String key) throws Exception {
    channel.queueDeclare(name, true, false, false, null);
    channel.queueBind(name, boundTo, key);
    extraQueues.add(name);
  }

  void forgetExchangeLater(String name) {
    extraExchanges.add(name);
  }

  @Override
  public void close() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    Channel c = amqp.createChannel();
    for (String q : extraQueues) {
      c.queueDelete(q);
    }
    c.queueDelete(queue);
    c.exchangeDelete(exchange);
    for (String x : extraExchanges) {
      c.exchangeDelete(x);
    }
    amqp.close();
    pg.dropDatabase(database);
    try (Stream<Path> files = Files.walk(journalDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
