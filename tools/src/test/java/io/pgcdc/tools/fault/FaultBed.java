package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.RabbitServer;
import io.pgcdc.testsupport.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one fault test needs, created fresh and removed afterwards: a database with the
 * fault table, slot and publication names, an exchange, a durable queue with its
 * {@link ChangeRecorder}, a working directory for configs, journals and logs, and the nodes and
 * writers the test starts.
 *
 * <pre>
 *   FaultBed.create("faultkill")
 *     database  faultkill_1a2b3c4d5e      table fault_rows
 *     slot      &lt;database&gt;_slot          publication &lt;database&gt;_pub
 *     exchange  &lt;database&gt;               queue &lt;database&gt;.q  (durable, bound with #)
 *     files     target/fault/&lt;database&gt;/{pgcdc.jar, &lt;node&gt;.yaml, &lt;node&gt;.log, &lt;node&gt;-journal/}
 * </pre>
 *
 * <p>{@link #close()} kills every node, stops every writer, deletes queue and exchange, drops
 * the database (which drops its slot), the journals and the jar copy. Threading: one test thread.
 */
public final class FaultBed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultBed.class);
  /** Generous: the machine is shared and JVMs start slowly under load. */
  public static final Duration PATIENCE = Duration.ofSeconds(120);

  private final PostgresServer postgres;
  private final RabbitServer rabbit;
  private final String database;
  private final Path dir;
  /** Null for a bed made by {@link #createWithoutRecorder}. */
  private final ChangeRecorder recorder;
  private final List<PgcdcNode> nodes = new ArrayList<>();
  private final List<RowWriter> writers = new ArrayList<>();
  /** This bed's copy of the built jar, made at the first {@link #node}. */
  private Path jar;

  private FaultBed(PostgresServer postgres, RabbitServer rabbit, String database, Path dir, ChangeRecorder recorder) {
    this.postgres = postgres;
    this.rabbit = rabbit;
    this.database = database;
    this.dir = dir;
    this.recorder = recorder;
  }

  /** Creates database, table, exchange and queue, and starts recording. */
  public static FaultBed create(String prefix) throws Exception {
    return create(prefix, true);
  }

  /**
   * Creates database and table only: the test consumes {@link #exchange()} through
   * {@link #queue()} with a consumer of its own (say, one that keeps no per-delivery record for
   * millions of rows); {@link #close()} still deletes that queue. The methods that need the
   * {@link ChangeRecorder} throw {@link IllegalStateException}.
   */
  public static FaultBed createWithoutRecorder(String prefix) throws Exception {
    return create(prefix, false);
  }

  private static FaultBed create(String prefix, boolean record) throws Exception {
    PostgresServer postgres = TestServers.postgres();
    RabbitServer rabbit = TestServers.rabbitmq();
    String database = postgres.createDatabase(prefix);
    try {
      try (java.sql.Connection c = postgres.connect(database)) {
        RowWriter.createTable(c);
      }
      ChangeRecorder recorder = record ? ChangeRecorder.start(rabbit.uri(), database, database + ".q") : null;
      return new FaultBed(postgres, rabbit, database, Path.of("target", "fault", database), recorder);
    } catch (Exception e) {
      postgres.dropDatabase(database);
      throw e;
    }
  }

  public String database() {
    return database;
  }

  public String slot() {
    return database + "_slot";
  }

  public String exchange() {
    return database;
  }

  public String queue() {
    return database + ".q";
  }

  public ChangeRecorder recorder() {
    if (recorder == null) {
      throw new IllegalStateException(database + " was created without a recorder (createWithoutRecorder)");
    }
    return recorder;
  }

  public PostgresServer postgres() {
    return postgres;
  }

  public RabbitServer rabbit() {
    return rabbit;
  }

  /** {@code fileName} in this bed's directory, where configs and logs stay after {@link #close()}. */
  public Path file(String fileName) {
    return dir.resolve(fileName);
  }

  /** The standalone config of a node of this bed; {@code journal} under the bed's directory. */
  public NodeConfig config(String nodeName) {
    return new NodeConfig(postgres.jdbcUrl(database), postgres.user(), slot(), database + "_pub", rabbit.uri(),
        exchange(), journalDir(nodeName), Optional.empty());
  }

  /** The journal directory of {@code nodeName}. */
  public Path journalDir(String nodeName) {
    return dir.resolve(nodeName + "-journal");
  }

  /** A standalone node (not started). */
  public PgcdcNode node(String name) throws Exception {
    return node(name, config(name));
  }

  /** A node with {@code config} (not started), e.g. {@code config(name).withCluster(...)}. */
  public PgcdcNode node(String name, NodeConfig config) throws Exception {
    return node(name, config, PgcdcNode.DEFAULT_JVM_ARGS);
  }

  /** A node with {@code config} whose child JVM gets {@code jvmArgs} instead of {@link PgcdcNode#DEFAULT_JVM_ARGS}. */
  public PgcdcNode node(String name, NodeConfig config, List<String> jvmArgs) throws Exception {
    if (jar == null) {
      jar = PgcdcNode.copyBuiltJar(dir.resolve("pgcdc.jar"));
    }
    PgcdcNode node = new PgcdcNode(name, config.writeTo(dir.resolve(name + ".yaml")), dir.resolve(name + ".log"),
        postgres.password(), jar, PgcdcNode.builtJvmOptions(), jvmArgs);
    nodes.add(node);
    return node;
  }

  /** Runs {@code statement} in the bed's database (e.g. rows that exist before any node starts). */
  public void sql(String statement) throws SQLException {
    try (java.sql.Connection c = postgres.connect(database); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /**
   * Writes {@code rows} rows straight into the fault table, under keys 100..115 (a {@link RowWriter}
   * uses keys from 0, and the table is UNIQUE (k, seq)): the rows an initial snapshot finds.
   */
  public void prefill(int rows) throws SQLException {
    sql("INSERT INTO " + RowWriter.TABLE + " (k, seq, payload) SELECT 100 + g % 16, g / 16, 'prefilled ' || g"
        + " FROM generate_series(0, " + (rows - 1) + ") g");
  }

  /** The slots of the bed's database, temporary ones included. */
  public List<String> slots() throws SQLException {
    List<String> names = new ArrayList<>();
    try (java.sql.Connection c = postgres.connect(database); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT slot_name FROM pg_replication_slots"
             + " WHERE database = current_database()")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }

  /** A writer of {@code rows} single-row transactions over {@code keys} keys at {@code rowsPerSecond} (not started). */
  public RowWriter writer(int rows, int keys, int rowsPerSecond) {
    RowWriter writer = new RowWriter(postgres, database, rows, keys, rowsPerSecond);
    writers.add(writer);
    return writer;
  }

  /** The slot's {@code confirmed_flush_lsn}; 0 while the slot does not exist. */
  public long confirmedFlushLsn() throws SQLException {
    return slotColumn("confirmed_flush_lsn::text").map(Lsn::parse).orElse(0L);
  }

  /** The pid of the walsender holding the slot, if one does. */
  public Optional<Integer> walsenderPid() throws SQLException {
    return slotColumn("active_pid::text").map(Integer::parseInt);
  }

  /** {@code pg_terminate_backend} on the slot's walsender; false when none held it. */
  public boolean terminateWalsender() throws SQLException {
    Optional<Integer> pid = walsenderPid();
    if (pid.isEmpty()) {
      return false;
    }
    postgres.execute("SELECT pg_terminate_backend(" + pid.get() + ")");
    return true;
  }

  /**
   * Waits until a walsender holds the slot, i.e. {@code node} created it and streams. Start
   * writers only after this: rows committed before the slot exists are never decoded.
   */
  public void awaitSlotActive(PgcdcNode node) {
    await("a walsender on slot " + slot() + " (log: " + node.log() + ")").atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .failFast(() -> assertThat(node.isRunning()).as(() -> node + " exited:\n" + node.logTail(30)).isTrue())
        .until(() -> walsenderPid().isPresent());
  }

  /** Waits until {@code node}'s pipeline delivers again: more row events than {@code before}. */
  public void awaitStreaming(PgcdcNode node, int before) {
    await("rows from " + node + " (log: " + node.log() + ")").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .failFast(() -> assertThat(node.isRunning()).as(() -> node + " exited:\n" + node.logTail(30)).isTrue())
        .until(() -> recorder().rowEvents() > before);
  }

  /**
   * Waits until {@code deliveries} (read again at each poll: e.g. what followed an interrupted
   * snapshot) hold {@code committed} distinct rows.
   */
  public static void awaitRows(String what, Supplier<List<Delivery>> deliveries, long committed) {
    await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
        .until(() -> deliveries.get().stream().filter(Delivery::isRow).map(Delivery::row).distinct().count()
            >= committed);
  }

  /** Waits until the recorder has taken everything the broker holds. */
  public void awaitDrained() {
    await("queue " + queue() + " drained").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
        .until(() -> recorder().isDrained(500));
  }

  /** Waits until {@code writer} has committed all its rows. */
  public void awaitAllRowsWritten(RowWriter writer) {
    await("writer done").atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(writer::isDone);
    assertThat(writer.failure()).as("writer failure").isNull();
  }

  /**
   * Waits until every row of {@code writer} has arrived. On timeout it logs where each node
   * stands ({@code /health}) and returns, leaving the verdict to {@link #verify}, which names the
   * missing rows.
   */
  public void awaitAllRows(RowWriter writer) {
    try {
      await("all committed rows delivered").atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
          .until(() -> writer.isDone() && recorder().receivedRows().size() >= writer.committed());
    } catch (ConditionTimeoutException e) {
      LOG.warn("{}: after {} s, {} of {} committed rows arrived (writer done: {}, {} messages ready in {})", database,
          PATIENCE.toSeconds(), recorder.receivedRows().size(), writer.committed(), writer.isDone(),
          recorder.queueDepth(), queue());
      for (PgcdcNode node : nodes) {
        LOG.warn("{}: {} health {}", database, node, node.health().map(Object::toString).orElse("(no answer)"));
      }
    }
  }

  /** {@link DeliveryCheck#verify} of what the database holds against what the queue delivered. */
  public DeliveryCheck.Verdict verify(RowWriter writer) throws SQLException {
    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(writer.committedRows(), recorder().deliveries(), slot());
    LOG.info("{}: {}", database, verdict.summary());
    return verdict;
  }

  /**
   * Reads {@code confirmed_flush_lsn} (pgcdc must be dead or frozen), drains the queue, and checks
   * that every row certainly committed before it is among what the queue delivered.
   */
  public List<String> checkFlushCoverage(RowWriter writer) throws SQLException {
    long flushed = confirmedFlushLsn();
    awaitDrained();
    List<CommittedRow> committed = writer.committedRows();
    Set<Long> received = recorder().receivedRows();
    List<String> problems = DeliveryCheck.flushCoverage(flushed, committed, received);
    LOG.info("{}: confirmed_flush_lsn {} (the first {} rows) covered by the queue ({} distinct rows): {}", database,
        Lsn.format(flushed), DeliveryCheck.rowsBelow(flushed, committed), received.size(), problems.isEmpty());
    return problems;
  }

  /**
   * Kills nodes, stops writers, removes queue, exchange, database and slot, and deletes the
   * journals (with their stream spools) and the jar copy. Configs and logs stay under {@code target/fault/} for diagnosis.
   */
  @Override
  public void close() throws Exception {
    for (PgcdcNode node : nodes) {
      node.close();
    }
    for (RowWriter writer : writers) {
      writer.close();
    }
    if (recorder != null) {
      recorder.close();
    }
    try (Connection c = rabbit.connect(); Channel channel = c.createChannel()) {
      channel.queueDelete(queue());
      channel.exchangeDelete(exchange());
    } finally {
      postgres.dropDatabase(database);
      deleteJournals();
      if (jar != null) {
        Files.deleteIfExists(jar);
      }
    }
  }

  /**
   * Runs {@code cleanup} (say {@link Servers#ensurePostgresRunning}, so a failed disruptive test
   * still leaves the shared server up), then {@link #close()}, even when {@code cleanup} failed.
   */
  public void closeAfter(Cleanup cleanup) throws Exception {
    try {
      cleanup.run();
    } finally {
      close();
    }
  }

  /** A step {@link #closeAfter} runs before closing the bed. */
  @FunctionalInterface
  public interface Cleanup {
    void run() throws Exception;
  }

  private void deleteJournals() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      // <node>-journal and pgcdc's <node>-journal-spool beside it, where a node killed inside a
      // streamed transaction leaves that transaction's changes (hundreds of MB for LargeTransactionIT).
      List<Path> journalFiles = files.filter(f -> isJournal(dir.relativize(f).getName(0).toString()))
          .sorted(Comparator.reverseOrder()).toList();
      for (Path f : journalFiles) {
        Files.delete(f);
      }
    }
  }

  private static boolean isJournal(String name) {
    return name.endsWith("-journal") || name.endsWith("-journal-spool");
  }

    private Optional<String> slotColumn(String column) throws SQLException {
    try (java.sql.Connection c = postgres.connect();
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + column + " FROM pg_replication_slots WHERE slot_name = '"
             + slot() + "'")) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    }
  }
}
