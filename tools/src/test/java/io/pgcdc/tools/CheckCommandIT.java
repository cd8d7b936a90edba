package io.pgcdc.tools;

import static io.pgcdc.tools.CommandRun.pgcdc;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgcdc check} against the real PostgreSQL, RabbitMQ and ZooKeeper. */
@Timeout(120)
class CheckCommandIT {
  private static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private static final String SLOT = "fcheck_" + SUFFIX;
  private static final String EXCHANGE = "fcheck." + SUFFIX;
  private static final String NO_REPLICATION_ROLE = "fcheck_norepl_" + SUFFIX;
  private static final String REPLICATION_ROLE = "fcheck_repl_" + SUFFIX;

  private static PostgresServer pg;
  private static String db;

  @TempDir
  Path dir;

  @BeforeAll
  static void createDatabase() throws Exception {
    pg = TestServers.postgres();
    db = pg.createDatabase("fcheck");
    try (var c = pg.connect(db); var s = c.createStatement()) {
      s.execute("CREATE TABLE public.orders (id bigint PRIMARY KEY, total numeric)");
      s.execute("CREATE TABLE public.events (at timestamptz, what text)");
    }
    pg.execute("CREATE ROLE " + NO_REPLICATION_ROLE + " LOGIN");
    pg.execute("CREATE ROLE " + REPLICATION_ROLE + " LOGIN REPLICATION");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    pg.dropDatabase(db);
    pg.execute("DROP ROLE IF EXISTS " + NO_REPLICATION_ROLE);
    pg.execute("DROP ROLE IF EXISTS " + REPLICATION_ROLE);
  }

  private Path config(String sourceExtra, String rabbitUri) throws Exception {
    String yaml = "source:\n"
        + "  url: " + pg.jdbcUrl(db) + "\n"
        + "  user: " + pg.user() + "\n"
        + "  slot: " + SLOT + "\n"
        + sourceExtra
        + "sink:\n  rabbitmq:\n    uri: " + rabbitUri + "\n    exchange: " + EXCHANGE + "\n"
        + "cluster:\n  name: fcheck\n  zookeeper: " + TestServers.zookeeper() + "\n  connection_timeout: 5s\n";
    return Files.writeString(dir.resolve("pgcdc.yaml"), yaml);
  }

  private Path config(String sourceExtra) throws Exception {
    return config(sourceExtra, TestServers.rabbitmq().uri());
  }

  /**
   * Creates {@code slot} in the test database with {@code pg_create_logical_replication_slot(slot,
   * arguments)}; returns a config that names it.
   */
  private Path configWithNewSlot(String slot, String arguments) throws Exception {
    try (var c = pg.connect(db); var s = c.createStatement()) {
      s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', " + arguments + ")");
    }
    return Files.writeString(dir.resolve("c.yaml"), Files.readString(config("")).replace(SLOT, slot));
  }

  private static void dropSlot(String slot) throws Exception {
    try (var c = pg.connect(db); var s = c.createStatement()) {
      s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
    }
  }

  @Test
  void passesOnTheProvisionedServicesAndWarnsAboutTheKeylessTable() throws Exception {
    CommandRun run = pgcdc("check", "--config", config("").toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.outLines()).contains(
        "ok    wal_level = logical",
        "ok    2 tables match source.tables [public.*]",
        "warn  table public.events has no primary key and REPLICA IDENTITY DEFAULT: its updates and deletes carry no key "
            + "(and fail while it is published); fix: ALTER TABLE public.events REPLICA IDENTITY FULL;",
        "ok    exchange " + EXCHANGE + " does not exist yet; the user may declare it (pgcdc does at start)",
        "ok    ZooKeeper at " + TestServers.zookeeper() + " answers (cluster fcheck)");
    assertThat(run.out()).contains("ok    slot " + SLOT + " does not exist yet; pgcdc creates it at start (")
        .contains("accepts the credentials of sink.rabbitmq.uri").contains("pgcdc check: ready");
    assertThat(run.outLines()).noneMatch(l -> l.startsWith("FAIL"))
        .as("a superuser on PostgreSQL 15+ publishes TABLES IN SCHEMA public").noneMatch(l -> l.contains("created later"));
  }

  @Test
  void warnsARoleThatIsNotASuperuserThatTablesCreatedLaterWaitForTheNextStart() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"),
        Files.readString(config("")).replace("  user: " + pg.user() + "\n", "  user: " + REPLICATION_ROLE + "\n"));

    CommandRun run = pgcdc("check", "--config", file.toString());

    assertThat(run.outLines()).contains("warn  tables created later that match source.tables [public.*] join publication"
        + " pgcdc_pub only at pgcdc's next start: rows written to them before that never reach consumers; fix: have a"
        + " superuser run ALTER PUBLICATION pgcdc_pub ADD TABLES IN SCHEMA public; (PostgreSQL 15+, pgcdc keeps it),"
        + " or restart pgcdc after creating such a table and before writing to it");
  }

  @Test
  void failsForARoleWithoutReplication() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"),
        Files.readString(config("")).replace("  user: " + pg.user() + "\n", "  user: " + NO_REPLICATION_ROLE + "\n"));

    CommandRun run = pgcdc("check", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).contains("FAIL  role " + NO_REPLICATION_ROLE + " lacks the REPLICATION privilege; "
        + "fix: ALTER ROLE " + NO_REPLICATION_ROLE + " REPLICATION; (as a superuser)");
    assertThat(run.out()).contains("pgcdc check: NOT ready");
  }

  @Test
  void failsForARoleThatDoesNotExist() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"),
        Files.readString(config("")).replace("  user: " + pg.user() + "\n", "  user: fcheck_nobody\n"));

    CommandRun run = pgcdc("check", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).anySatisfy(l -> assertThat(l)
        .startsWith("FAIL  PostgreSQL at " + pg.jdbcUrl(db) + " refused user 'fcheck_nobody'")
        .contains("fcheck_nobody\" does not exist")
        .endsWith("; fix: check source.user and source.password (PGCDC_SOURCE_PASSWORD) and pg_hba.conf"));
    assertThat(run.out()).contains("ok    RabbitMQ");
  }

  @Test
  void failsForAWrongRabbitMqPassword() throws Exception {
    URI uri = URI.create(TestServers.rabbitmq().uri());
    String user = uri.getUserInfo().split(":")[0];
    String wrong = "amqp://" + user + ":wrong-" + SUFFIX + "@" + uri.getHost() + ":" + uri.getPort();

    CommandRun run = pgcdc("check", "--config", config("", wrong).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).contains("FAIL  RabbitMQ at " + uri.getHost() + ":" + uri.getPort() + " refused user '"
        + user + "' (wrong password, or no access to vhost '/'); fix: check the user, password and vhost in sink.rabbitmq.uri");
    assertThat(run.out()).doesNotContain("wrong-" + SUFFIX);
  }

  @Test
  void failsForAnUnreachableRabbitMq() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }

    CommandRun run = pgcdc("check", "--config", config("", "amqp://guest:guest@127.0.0.1:" + port).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).anySatisfy(l -> assertThat(l)
        .startsWith("FAIL  cannot reach RabbitMQ at 127.0.0.1:" + port + ": Connection refused")
        .endsWith("; fix: check sink.rabbitmq.uri (PGCDC_SINK_RABBITMQ_URI) and that the broker runs"));
  }

  @Test
  void failsForAnUnreachableZooKeeper() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path file = Files.writeString(dir.resolve("c.yaml"), Files.readString(config(""))
        .replace(TestServers.zookeeper(), "127.0.0.1:" + port).replace("connection_timeout: 5s", "connection_timeout: 1s"));

    CommandRun run = pgcdc("check", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).contains("FAIL  ZooKeeper at 127.0.0.1:" + port + " does not answer within "
        + "cluster.connection_timeout; fix: check cluster.zookeeper (PGCDC_CLUSTER_ZOOKEEPER) and that ZooKeeper runs");
  }

  @Test
  void warnsAboutAPublicationThatSkipsDeletes() throws Exception {
    String publication = "fcheck_pub_" + SUFFIX;
    try (var c = pg.connect(db); var s = c.createStatement()) {
      s.execute("CREATE PUBLICATION " + publication + " FOR TABLE public.orders WITH (publish = 'insert, update')");
    }
    try {
      CommandRun run = pgcdc("check", "--config", config("  publication: " + publication + "\n").toString());

      assertThat(run.exitCode()).isZero();
      assertThat(run.outLines()).contains("warn  publication " + publication + " does not publish delete, truncate: "
          + "those changes never reach pgcdc; fix: ALTER PUBLICATION " + publication
          + " SET (publish = 'insert, update, delete, truncate');");
    } finally {
      try (var c = pg.connect(db); var s = c.createStatement()) {
        s.execute("DROP PUBLICATION " + publication);
      }
    }
  }

  @Test
  void failsForAMissingTable() throws Exception {
    CommandRun run = pgcdc("check", "--config", config("  tables: [public.orders, public.missing]\n").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).contains(
        "ok    1 table matches source.tables [public.orders, public.missing]",
        "FAIL  table public.missing (source.tables) does not exist in database " + db
            + "; fix: create it, or correct source.tables");
  }

  @Test
  void failsForASlotWithAnotherPlugin() throws Exception {
    String slot = "fcheck_td_" + SUFFIX;
    Path file = configWithNewSlot(slot, "'test_decoding'");

    CommandRun run = pgcdc("check", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).anySatisfy(l -> assertThat(l)
        .startsWith("FAIL  slot " + slot + " is a logical slot with plugin test_decoding, pgcdc needs pgoutput"));
    dropSlot(slot);
  }

  @Test
  void failsForASlotCreatedWithTwoPhaseBecauseItDecodesPreparedTransactions() throws Exception {
    String slot = "fcheck_2pc_" + SUFFIX;
    Path file = configWithNewSlot(slot, "'pgoutput', false, true"); // temporary = false, two_phase = true
    try {
      CommandRun run = pgcdc("check", "--config", file.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.outLines()).anySatisfy(l -> assertThat(l)
          .startsWith("FAIL  slot " + slot + " has two_phase = true: PostgreSQL decodes prepared transactions from it"
              + " at PREPARE TRANSACTION, which pgcdc does not support yet; fix: point source.slot at a new name")
          .contains("re-sync from the source tables what was committed after ")
          .endsWith("then drop this one: SELECT pg_drop_replication_slot('" + slot + "');"));
      assertThat(run.out()).contains("pgcdc check: NOT ready, 1 of ");
      assertThat(run.err()).isEmpty();
    } finally {
      dropSlot(slot);
    }
  }

  @Test
  void failsForAnUnreachablePostgresButStillChecksRabbitMq() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"),
        Files.readString(config("")).replace(pg.jdbcUrl(db), "jdbc:postgresql://127.0.0.1:1/" + db));

    CommandRun run = pgcdc("check", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).anySatisfy(l -> assertThat(l).startsWith("FAIL  cannot reach PostgreSQL at "));
    assertThat(run.out()).contains("ok    RabbitMQ");
  }
}
