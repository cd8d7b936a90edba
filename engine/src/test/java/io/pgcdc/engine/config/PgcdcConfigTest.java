package io.pgcdc.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.engine.config.PgcdcConfig.RabbitMq.Unroutable;
import io.pgcdc.ha.ClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgcdcConfigTest {
  private static final String MINIMAL = "source:\n  url: jdbc:postgresql://db:5432/app\n";

  @Test
  void minimalFileGetsEveryDefault() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse(MINIMAL, Map.of());

    assertThat(c.source().url()).isEqualTo("jdbc:postgresql://db:5432/app");
    assertThat(c.source().user()).isEqualTo("postgres");
    assertThat(c.source().password()).isEmpty();
    assertThat(c.source().slot()).isEqualTo("pgcdc_slot");
    assertThat(c.source().publication()).isEqualTo("pgcdc_pub");
    assertThat(c.source().tables()).containsExactly(new TablePattern("public", "*"));
    assertThat(c.source().create()).isTrue();
    assertThat(c.source().statusInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.rabbitmq().uri()).isEqualTo("amqp://guest:guest@127.0.0.1:5672");
    assertThat(c.rabbitmq().exchange()).isEqualTo("pgcdc");
    assertThat(c.rabbitmq().routingKey()).isEqualTo("{schema}.{table}");
    assertThat(c.rabbitmq().unroutable()).isEqualTo(Unroutable.STOP);
    assertThat(c.rabbitmq().alternateExchange()).isEmpty();
    assertThat(c.rabbitmq().maxInFlight()).isEqualTo(4096);
    assertThat(c.journal().dir()).isEqualTo(Path.of("data/journal"));
    assertThat(c.journal().retentionAge()).isEqualTo(Duration.ofDays(7));
    assertThat(c.journal().retentionBytes()).isEqualTo(10L << 30);
    assertThat(c.cluster()).isEmpty();
    assertThat(c.metrics()).isEqualTo(new PgcdcConfig.Metrics("127.0.0.1", 9464));
  }

  @Test
  void specExampleParsesIntoEverySection() throws Exception {
    String yaml = String.join("\n",
        "source:",
        "  url: jdbc:postgresql://127.0.0.1:5432/app",
        "  user: pgcdc",
        "  password: ${PGPASSWORD}",
        "  slot: my_slot",
        "  publication: my_pub",
        "  tables: [public.orders, 'sales.*']",
        "  create: false",
        "  publish_via_partition_root: true",
        "  status_interval: 500ms",
        "sink:",
        "  rabbitmq:",
        "    uri: amqp://app:s3cret@mq:5672/prod",
        "    exchange: events",
        "    routing_key: \"{op}.{schema}.{table}\"",
        "    unroutable: alternate",
        "    alternate_exchange: lost",
        "    max_in_flight: 100",
        "journal:",
        "  dir: /var/lib/pgcdc",
        "  retention:",
        "    age: 2h",
        "    size: 1GiB",
        "cluster:",
        "  name: prod",
        "  zookeeper: zk1:2181,zk2:2181",
        "  session_timeout: 6s",
        "  connection_timeout: 2s",
        "  node_id: node-a",
        "metrics:",
        "  listen: 0.0.0.0:0",
        "");
    PgcdcConfig c = PgcdcConfig.parse(yaml, Map.of("PGPASSWORD", "pw"));

    assertThat(c.source()).isEqualTo(new PgcdcConfig.Source("jdbc:postgresql://127.0.0.1:5432/app", "pgcdc", "pw",
        "my_slot", "my_pub", List.of(new TablePattern("public", "orders"), new TablePattern("sales", "*")),
        false, true, Duration.ofMillis(500)));
    assertThat(c.rabbitmq().uri()).isEqualTo("amqp://app:s3cret@mq:5672/prod");
    assertThat(c.rabbitmq().routingKey()).isEqualTo("{op}.{schema}.{table}");
    assertThat(c.rabbitmq().unroutable()).isEqualTo(Unroutable.ALTERNATE);
    assertThat(c.rabbitmq().alternateExchange()).contains("lost");
    assertThat(c.rabbitmq().maxInFlight()).isEqualTo(100);
    assertThat(c.journal().dir()).isEqualTo(Path.of("/var/lib/pgcdc"));
    assertThat(c.journal().retentionAge()).isEqualTo(Duration.ofHours(2));
    assertThat(c.journal().retentionBytes()).isEqualTo(1L << 30);
    assertThat(c.cluster()).contains(new ClusterConfig("prod", "zk1:2181,zk2:2181",
        Duration.ofSeconds(6), Duration.ofSeconds(2), "node-a"));
    assertThat(c.metrics()).isEqualTo(new PgcdcConfig.Metrics("0.0.0.0", 0));
  }

  @Test
  void environmentOverridesEveryLayer() throws Exception {
    Map<String, String> env = Map.of(
        "PGCDC_SOURCE_URL", "jdbc:postgresql://env:5432/envdb",
        "PGCDC_SOURCE_TABLES", "public.a, public.b",
        "PGCDC_SINK_RABBITMQ_URI", "amqp://u:p@env:5672",
        "PGCDC_SINK_RABBITMQ_MAX_IN_FLIGHT", "7",
        "PGCDC_JOURNAL_RETENTION_SIZE", "128MiB",
        "PGCDC_METRICS_LISTEN", "127.0.0.1:0");

    PgcdcConfig c = PgcdcConfig.parse(MINIMAL + "  tables: [public.x]\n", env);

    assertThat(c.source().url()).isEqualTo("jdbc:postgresql://env:5432/envdb");
    assertThat(c.source().tables()).containsExactly(new TablePattern("public", "a"), new TablePattern("public", "b"));
    assertThat(c.rabbitmq().uri()).isEqualTo("amqp://u:p@env:5672");
    assertThat(c.rabbitmq().maxInFlight()).isEqualTo(7);
    assertThat(c.journal().retentionBytes()).isEqualTo(128L << 20);
    assertThat(c.metrics().port()).isZero();
  }

  @Test
  void clusterEnvironmentVariablesTurnClusterModeOn() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse(MINIMAL,
        Map.of("PGCDC_CLUSTER_NAME", "c1", "PGCDC_CLUSTER_ZOOKEEPER", "127.0.0.1:2181"));

    assertThat(c.cluster()).hasValueSatisfying(cluster -> {
      assertThat(cluster.name()).isEqualTo("c1");
      assertThat(cluster.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(cluster.nodeId()).endsWith("-" + ProcessHandle.current().pid());
    });
  }

  @Test
  void libpqVariablesBuildTheSourceWhenTheFileIsSilent() throws Exception {
    PgcdcConfig c = PgcdcConfig.fromEnvironment(Map.of(
        "PGHOST", "pg.example", "PGPORT", "6543", "PGDATABASE", "shop", "PGUSER", "cdc", "PGPASSWORD", "pw"));

    assertThat(c.source().url()).isEqualTo("jdbc:postgresql://pg.example:6543/shop");
    assertThat(c.source().user()).isEqualTo("cdc");
    assertThat(c.source().password()).isEqualTo("pw");
  }

  @Test
  void yamlWinsOverLibpqVariables() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse(MINIMAL + "  user: fromfile\n", Map.of("PGHOST", "other", "PGUSER", "envuser"));

    assertThat(c.source().url()).isEqualTo("jdbc:postgresql://db:5432/app");
    assertThat(c.source().user()).isEqualTo("fromfile");
  }

  @Test
  void missingUrlWithoutLibpqVariablesIsReportedWithTheFix() {
    assertThatThrownBy(() -> PgcdcConfig.parse("", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("source.url: is required")
        .hasMessageContaining("PGCDC_SOURCE_URL");
  }

  @Test
  void substitutionUsesDefaultsAndReportsUnsetVariables() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse(MINIMAL + "  slot: ${SLOT:-fallback_slot}\n", Map.of());
    assertThat(c.source().slot()).isEqualTo("fallback_slot");

    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "  password: ${NOPE}\n", Map.of()))
        .hasMessage("source.password=${NOPE}: environment variable NOPE is not set (export it, or write ${NOPE:-default})");
  }

  @Test
  void everyProblemIsReportedAtOnceOneLineEach() {
    String yaml = String.join("\n",
        "source:",
        "  url: mysql://nope",
        "  slot: Bad-Slot",
        "  tables: [orders]",
        "  status_interval: 10",
        "sink:",
        "  rabbitmq:",
        "    uri: http://x",
        "    routing_key: '{schema}.{tabel}'",
        "    unroutable: alternate",
        "    max_in_flight: 0",
        "journal:",
        "  retention:",
        "    age: 5m",
        "    size: 1MiB",
        "metrics:",
        "  listen: nowhere",
        "");

    assertThatThrownBy(() -> PgcdcConfig.parse(yaml, Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "source.url=mysql://nope: must look like jdbc:postgresql://host:5432/database",
            "source.slot=Bad-Slot: must be 1-63 characters of a-z 0-9 _ (PostgreSQL's rule for slot names)",
            "source.tables=orders: must be schema.table, where * matches any name (e.g. public.*)",
            "source.status_interval=10: not a duration (use a number with ms, s, m, h or d, e.g. 10s)",
            "sink.rabbitmq.uri=http://x: must look like amqp://user:password@host:5672[/vhost]",
            "sink.rabbitmq.routing_key={schema}.{tabel}: unknown placeholder {tabel} (use {schema}, {table}, {op})",
            "sink.rabbitmq.alternate_exchange: is required when sink.rabbitmq.unroutable=alternate "
                + "(name the exchange that receives unroutable messages)",
            "sink.rabbitmq.max_in_flight=0: must be between 1 and 32768",
            "journal.retention.age=5m: must be between 1h and 3650d",
            "journal.retention.size=1MiB: must be at least 64MiB",
            "metrics.listen=nowhere: must be host:port with port 0..65535 (0 = any free port)"));
  }

  @Test
  void batchIsNoneByDefaultAndAcceptsTransactionOrAnEventCount() throws Exception {
    assertThat(PgcdcConfig.parse(MINIMAL, Map.of()).rabbitmq().batched()).isFalse();
    PgcdcConfig.RabbitMq tx = PgcdcConfig.parse(MINIMAL, Map.of("PGCDC_SINK_RABBITMQ_BATCH", "transaction")).rabbitmq();
    assertThat(tx.batchEvents()).isEqualTo(PgcdcConfig.RabbitMq.TRANSACTION_BATCH);
    assertThat(tx.batchMaxBytes()).isEqualTo(1 << 20);
    PgcdcConfig.RabbitMq n = PgcdcConfig.parse(MINIMAL + "sink:\n  rabbitmq:\n    batch: 500\n"
        + "    batch_max_bytes: 256KiB\n", Map.of()).rabbitmq();
    assertThat(n.batchEvents()).isEqualTo(500);
    assertThat(n.batchMaxBytes()).isEqualTo(256 << 10);
    assertThat(n.toString()).contains("batch=500, batchMaxBytes=262144");
  }

  @Test
  void badBatchSettingsAreOneLineEach() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "sink:\n  rabbitmq:\n    batch: 1\n"
        + "    batch_max_bytes: 1GiB\n", Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "sink.rabbitmq.batch=1: must be none, transaction, or a number of events between 2 and 1000000",
            "sink.rabbitmq.batch_max_bytes=1GiB: must be between 4KiB and 8MiB"));
  }

  @Test
  void snapshotIsNeverByDefaultAndInitialOnRequest() throws Exception {
    assertThat(PgcdcConfig.parse(MINIMAL, Map.of()).source().snapshot()).isEqualTo(PgcdcConfig.Source.Snapshot.NEVER);
    PgcdcConfig.Source s = PgcdcConfig.parse(MINIMAL, Map.of("PGCDC_SOURCE_SNAPSHOT", "initial")).source();
    assertThat(s.snapshot()).isEqualTo(PgcdcConfig.Source.Snapshot.INITIAL);
    assertThat(s.toString()).contains("snapshot=initial");
  }

  @Test
  void aBadSnapshotSettingAndOneWithoutCreateAreOneLineEach() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "  snapshot: always\n", Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "source.snapshot=always: must be never or initial"));
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "  snapshot: initial\n  create: false\n", Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "source.snapshot=initial: needs source.create: true (the snapshot is taken when pgcdc creates"
                + " the slot)"));
  }

  @Test
  void unknownKeySuggestsTheNearestValidKey() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "  slott: x\nsink:\n  rabitmq:\n    uri: amqp://h\n", Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "source.slott: unknown key (did you mean source.slot?)",
            "sink.rabitmq: unknown key (did you mean sink.rabbitmq?)"));
  }

  @Test
  void aBadTablePatternFromAnEnvironmentVariableNamesTheItemAndTheVariable() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL, Map.of("PGCDC_SOURCE_TABLES", "public.*,orders")))
        .hasMessage("source.tables=orders (from PGCDC_SOURCE_TABLES): must be schema.table, where * matches any name"
            + " (e.g. public.*)");
  }

  @Test
  void problemFromAnEnvironmentVariableNamesTheVariable() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL, Map.of("PGCDC_SOURCE_CREATE", "maybe")))
        .hasMessage("source.create=maybe (from PGCDC_SOURCE_CREATE): must be true or false");
  }

  @Test
  void incompleteClusterSectionNamesTheMissingKeys() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "cluster:\n  session_timeout: 1s\n", Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "cluster.session_timeout=1s: must be between 2s and 2m",
            "cluster.name: is required in a cluster section (name the cluster, e.g. cluster.name: prod)",
            "cluster.zookeeper: is required in a cluster section (e.g. cluster.zookeeper: zk1:2181,zk2:2181)"));
  }

  @Test
  void emptyClusterSectionMeansStandaloneOnlyWhenItIsNull() throws Exception {
    assertThat(PgcdcConfig.parse(MINIMAL + "cluster:\n", Map.of()).cluster()).isEmpty();
  }

  @Test
  void passwordsNeverAppearInToStringOrErrors() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse(MINIMAL + "  password: hunter2\nsink:\n  rabbitmq:\n    uri: amqp://u:swordfish@h:5672\n",
        Map.of());

    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("swordfish").contains("amqp://u:***@h:5672");
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "sink:\n  rabbitmq:\n    uri: 'amqp://u:swordfish@h:99999999999'\n",
        Map.of())).satisfies(e -> assertThat(e.getMessage()).doesNotContain("swordfish"));
  }

  @Test
  void aRejectedUrlIsShownWithoutItsPassword() {
    assertThatThrownBy(() -> PgcdcConfig.parse("source:\n  url: postgresql://app:s3cret@db/app\n", Map.of()))
        .hasMessageContaining("source.url=postgresql://app:***@db/app: must look like jdbc:postgresql://")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    assertThatThrownBy(() -> PgcdcConfig.parse("source:\n  url: jdbc:postgres://db/app?password=s3cret\n", Map.of()))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret").contains("password=***"));
  }

  @Test
  void aRejectedRabbitMqUriHasTheShapeOfEveryProblemLineWithoutItsPassword() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL, Map.of("PGCDC_SINK_RABBITMQ_URI", "http://app:s3cret@mq")))
        .hasMessage("sink.rabbitmq.uri=http://app:***@mq (from PGCDC_SINK_RABBITMQ_URI): "
            + "must look like amqp://user:password@host:5672[/vhost]");
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "sink:\n  rabbitmq:\n    uri: amqp://app:s3cret@\n", Map.of()))
        .hasMessage("sink.rabbitmq.uri=amqp://app:***@: must look like amqp://user:password@host:5672[/vhost]");
  }

  @Test
  void aRetentionAgeTooLongForTheSweepIsAProblemLine() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "journal:\n  retention:\n    age: 106751991168d\n", Map.of()))
        .hasMessageContaining("journal.retention.age=106751991168d: must be between 1h and 3650d");
  }

  @Test
  void aPasswordWithARawAtSignIsHiddenWhole() {
    assertThat(PgcdcConfig.redact("amqp://u:p@ss/w@h:5672/vh")).isEqualTo("amqp://u:***@h:5672/vh");
  }

  @Test
  void scalarsKeepTheTextAsWrittenNotYaml11Numbers() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse(MINIMAL + "  password: 0123\n  user: on\n  publication: no_pub\n"
        + "sink:\n  rabbitmq:\n    exchange: 1e3\n", Map.of());

    assertThat(c.source().password()).isEqualTo("0123");
    assertThat(c.source().user()).isEqualTo("on");
    assertThat(c.rabbitmq().exchange()).isEqualTo("1e3");
  }

  @Test
  void urlPasswordParameterIsMasked() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse("source:\n  url: jdbc:postgresql://h/db?user=a&password=hunter2&ssl=true\n", Map.of());

    assertThat(c.source().toString()).doesNotContain("hunter2").contains("password=***&ssl=true");
  }

  @Test
  void aUserNamedInTheUrlIsTheSourceUserAndAConflictingSourceUserIsAProblem() throws Exception {
    String url = "source:\n  url: jdbc:postgresql://h/db?ssl=true&user=app%5Fcdc\n";
    assertThat(PgcdcConfig.parse(url, Map.of("PGUSER", "someone")).source().user()).isEqualTo("app_cdc");
    assertThat(PgcdcConfig.parse(url + "  user: app_cdc\n", Map.of()).source().user()).isEqualTo("app_cdc");
    assertThatThrownBy(() -> PgcdcConfig.parse(url + "  user: other\n", Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "source.user=other: differs from user=app_cdc in source.url, which PostgreSQL's driver would use: name"
                + " the user in one place"));
  }

  @Test
  void invalidYamlIsOneLineWithThePosition() {
    assertThatThrownBy(() -> PgcdcConfig.parse("source:\n  url: [unclosed\n", Map.of()))
        .hasMessageStartingWith("configuration at line")
        .hasMessageContaining("not valid YAML")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void duplicateKeysAreRejected() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "  url: jdbc:postgresql://other/db\n", Map.of()))
        .hasMessageContaining("Duplicate field 'url'");
  }

  @Test
  void sectionGivenAsValueIsRejected() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "journal: /tmp\n", Map.of()))
        .hasMessage("journal=/tmp: must be a section with keys such as journal.dir");
  }

  @Test
  void listWhereAValueBelongsIsRejected() {
    assertThatThrownBy(() -> PgcdcConfig.parse(MINIMAL + "  slot: [a, b]\n", Map.of()))
        .hasMessage("source.slot: must be a single value, not a list");
  }

  @Test
  void missingFileIsOneLineNamingThePath(@TempDir Path dir) {
    Path file = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> PgcdcConfig.load(file, Map.of()))
        .hasMessage("config file " + file + " does not exist (check the path given to --config)");
  }

  @Test
  void loadReadsTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("pgcdc.yaml"), MINIMAL);

    assertThat(PgcdcConfig.load(file, Map.of()).source().url()).isEqualTo("jdbc:postgresql://db:5432/app");
  }

  @Test
  void everyKeyHasAnEnvironmentVariable() {
    assertThat(ConfigKey.RABBITMQ_MAX_IN_FLIGHT.envName()).isEqualTo("PGCDC_SINK_RABBITMQ_MAX_IN_FLIGHT");
    assertThat(ConfigKey.JOURNAL_RETENTION_AGE.envName()).isEqualTo("PGCDC_JOURNAL_RETENTION_AGE");
    assertThat(ConfigKey.values()).extracting(ConfigKey::envName).doesNotHaveDuplicates();
  }

  @Test
  void metricsListenAcceptsIpv6Brackets() throws Exception {
    PgcdcConfig c = PgcdcConfig.parse(MINIMAL + "metrics:\n  listen: '[::1]:9000'\n", Map.of());

    assertThat(c.metrics()).isEqualTo(new PgcdcConfig.Metrics("::1", 9000));
    assertThat(c.metrics().listen()).isEqualTo("[::1]:9000");
  }
}
