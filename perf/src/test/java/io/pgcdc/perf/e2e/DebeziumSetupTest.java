package io.pgcdc.perf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Phase (e)'s set-up that needs no server: Debezium's config, its command line, its JVM, /proc parsing. */
class DebeziumSetupTest {

  private static DebeziumConfig config(String rabbitUri, String password) {
    return new DebeziumConfig("127.0.0.1", 5433, "postgres", password, "pgcdc_bench_x", "pgcdc_bench_x_d",
        "pgcdc_bench_x_pub", rabbitUri, "pgcdc_bench_x.dbz", "public.bench_rows", Path.of("/tmp/w/offsets.dat"));
  }

  private static Properties load(String text) throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  @Test
  void configStreamsTheBenchSlotWithoutSnapshotOrPublicationChanges() throws Exception {
    Properties p = load(config("amqp://guest:guest@127.0.0.1:5672", "").render());

    assertThat(p.getProperty("debezium.source.connector.class")).isEqualTo(
        "io.debezium.connector.postgresql.PostgresConnector");
    assertThat(p.getProperty("debezium.source.plugin.name")).isEqualTo("pgoutput");
    assertThat(p.getProperty("debezium.source.slot.name")).isEqualTo("pgcdc_bench_x_d");
    assertThat(p.getProperty("debezium.source.publication.name")).isEqualTo("pgcdc_bench_x_pub");
    assertThat(p.getProperty("debezium.source.publication.autocreate.mode")).isEqualTo("disabled");
    assertThat(p.getProperty("debezium.source.snapshot.mode")).isEqualTo("no_data");
    assertThat(p.getProperty("debezium.source.table.include.list")).isEqualTo("public.bench_rows");
    assertThat(p.getProperty("debezium.source.database.port")).isEqualTo("5433");
    assertThat(p.getProperty("debezium.source.database.password")).isEmpty();
    assertThat(p.getProperty("debezium.source.offset.storage.file.filename")).isEqualTo("/tmp/w/offsets.dat");
  }

  @Test
  void configPublishesPersistentJsonWithoutSchemasToTheBenchExchange() throws Exception {
    Properties p = load(config("amqp://guest:guest@127.0.0.1:5672", "").render());

    assertThat(p.getProperty("debezium.sink.type")).isEqualTo("rabbitmq");
    assertThat(p.getProperty("debezium.sink.rabbitmq.exchange")).isEqualTo("pgcdc_bench_x.dbz");
    assertThat(p.getProperty("debezium.sink.rabbitmq.routingKey.source")).isEqualTo("static");
    assertThat(p.getProperty("debezium.sink.rabbitmq.routingKey")).isEqualTo("public.bench_rows");
    assertThat(p.getProperty("debezium.sink.rabbitmq.deliveryMode")).isEqualTo("2");
    assertThat(p.getProperty("debezium.sink.rabbitmq.ackTimeout")).isEqualTo("30000");
    assertThat(p.getProperty("debezium.format.value")).isEqualTo("json");
    assertThat(p.getProperty("debezium.format.value.schemas.enable")).isEqualTo("false");
    assertThat(p.getProperty("debezium.format.key.schemas.enable")).isEqualTo("false");
    assertThat(p.getProperty("quarkus.http.port")).isEqualTo("0");
  }

  @Test
  void rabbitUriBecomesTheSinkConnectionSettings() throws Exception {
    Properties p = load(config("amqp://bench:p%40ss@broker.local/cdc%2Fvh", "").render());

    assertThat(p.getProperty("debezium.sink.rabbitmq.connection.host")).isEqualTo("broker.local");
    assertThat(p.getProperty("debezium.sink.rabbitmq.connection.port")).isEqualTo("5672");
    assertThat(p.getProperty("debezium.sink.rabbitmq.connection.username")).isEqualTo("bench");
    assertThat(p.getProperty("debezium.sink.rabbitmq.connection.password")).isEqualTo("p@ss");
    assertThat(p.getProperty("debezium.sink.rabbitmq.connection.virtual.host")).isEqualTo("cdc/vh");
    assertThat(load(config("amqp://guest:guest@127.0.0.1:5673/", "").render())
        .getProperty("debezium.sink.rabbitmq.connection.virtual.host")).isEqualTo("/");
  }

  @Test
  void valuesSurviveThePropertiesReader() throws Exception {
    String password = " a\\b=c:d\n#e";

    assertThat(load(config("amqp://guest:guest@127.0.0.1:5672", password).render())
        .getProperty("debezium.source.database.password")).isEqualTo(password);
  }

  @Test
  void commandRunsDebeziumMainWithTheDistributionClassPath() {
    DebeziumDist dist = new DebeziumDist(Path.of("/opt/dbz"), "3.6.1.Final");

    List<String> cmd = DebeziumProcess.command(Path.of("/usr/lib/jvm/j25/bin/java"), dist);

    assertThat(cmd.get(0)).isEqualTo("/usr/lib/jvm/j25/bin/java");
    assertThat(cmd).endsWith("-cp", "/opt/dbz/3.6.1.Final/debezium-server/debezium-server-dist-3.6.1.Final-runner.jar"
        + ":/opt/dbz/3.6.1.Final/debezium-server/config/lib:/opt/dbz/3.6.1.Final/debezium-server/lib/*",
        "io.debezium.server.Main");
    assertThat(dist.fetchCommand(Path.of("/opt/dbz/dl"))).contains("dependency:copy", "-N",
        "-Dartifact=io.debezium:debezium-server-dist:3.6.1.Final:tar.gz", "-DoutputDirectory=/opt/dbz/dl");
  }

  @Test
  void streamingIsTheStreamingSourcesProcessingLine() {
    String before = "2026-11-22 05:14:05,204 INFO  [io.debezium.pipeline.ChangeEventSourceCoordinator] (c) Starting streaming\n";
    String after = before + "2026-11-22 05:14:05,286 INFO  [io.debezium.connector.postgresql."
        + "PostgresStreamingChangeEventSource] (debezium-postgresconnector-x-change-event-source-coordinator)"
        + " Processing messages\n";

    String json = "{\"timestamp\":\"2026-11-22T05:32:34.77504041Z\",\"sequence\":440,\"loggerName\":"
        + "\"io.debezium.connector.postgresql.PostgresStreamingChangeEventSource\",\"level\":\"INFO\","
        + "\"message\":\"Processing messages\",\"threadName\":\"x\"}\n";

    assertThat(DebeziumProcess.streaming(before)).isFalse();
    assertThat(DebeziumProcess.streaming(after)).isTrue();
    assertThat(DebeziumProcess.streaming(json)).isTrue();
  }

  @Test
  void debeziumRunsOnTheNewestJdkOfAtLeast21WhenThisJvmIsOlder(@TempDir Path jvms) throws Exception {
    jdk(jvms, "openjdk-17", "17.0.15");
    Path java21 = jdk(jvms, "jdk-21", "21.0.2");
    Path java25 = jdk(jvms, "temurin-25", "25.0.3");
    Path current = Path.of("/current/bin/java");

    assertThat(DebeziumDist.findJava(jvms, 17, current)).isEqualTo(java25);
    assertThat(DebeziumDist.findJava(jvms, 21, current)).isEqualTo(current);
    Files.delete(java25);
    assertThat(DebeziumDist.findJava(jvms, 17, current)).isEqualTo(java21);
    assertThatThrownBy(() -> DebeziumDist.findJava(jvms.resolve("none"), 17, current))
        .hasMessageContaining("--debezium-java");
    assertThat(DebeziumDist.javaFeature("IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25.0.3\"\n")).isEqualTo(25);
    assertThat(DebeziumDist.javaFeature("nothing")).isZero();
  }

  private static Path jdk(Path root, String name, String version) throws Exception {
    Path home = Files.createDirectories(root.resolve(name).resolve("bin"));
    Files.writeString(root.resolve(name).resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    Path java = home.resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }
}
