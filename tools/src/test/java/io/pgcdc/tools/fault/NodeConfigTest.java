package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.engine.config.PgcdcConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
  private final NodeConfig standalone = new NodeConfig("jdbc:postgresql://127.0.0.1:5432/fault_db", "postgres",
      "fault_db_slot", "fault_db_pub", "amqp://guest:guest@127.0.0.1:5672", "fault_db", Path.of("/tmp/j1"),
      Optional.empty());

  @Test
  void standaloneYamlIsWhatPgcdcReads() throws Exception {
    PgcdcConfig config = PgcdcConfig.parse(standalone.yaml(), Map.of());

    assertThat(config.source().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/fault_db");
    assertThat(config.source().slot()).isEqualTo("fault_db_slot");
    assertThat(config.source().publication()).isEqualTo("fault_db_pub");
    assertThat(config.source().tables()).hasSize(1);
    assertThat(config.rabbitmq().exchange()).isEqualTo("fault_db");
    assertThat(config.metrics().port()).isZero();
    assertThat(config.cluster()).isEmpty();
  }

  @Test
  void clusterMemberYamlCarriesNameZooKeeperNodeIdAndSessionTimeout() throws Exception {
    NodeConfig member = standalone.withCluster(
        new NodeConfig.Cluster("c1", "127.0.0.1:2181", "n2", Duration.ofMillis(4500)), Path.of("/tmp/j2"));

    PgcdcConfig config = PgcdcConfig.parse(member.yaml(), Map.of());

    assertThat(config.cluster()).hasValueSatisfying(cluster -> assertThat(cluster.toString())
        .contains("c1").contains("127.0.0.1:2181").contains("n2"));
    assertThat(member.yaml()).contains("session_timeout: 4500ms").contains("dir: \"/tmp/j2\"");
  }
}
