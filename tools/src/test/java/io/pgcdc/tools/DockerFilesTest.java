package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.ha.ClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The files under {@code docker/} cannot be run here (no Docker engine), so their contract is
 * checked statically: the node configuration loads as a cluster member, and the compose file
 * runs three distinct nodes against PostgreSQL with {@code wal_level=logical}.
 */
class DockerFilesTest {
  private static final Path DOCKER = Path.of("..", "docker");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void nodeConfigurationLoadsAsAClusterMemberWithTheIdFromTheEnvironment() throws Exception {
    PgcdcConfig config = PgcdcConfig.load(DOCKER.resolve("pgcdc.yaml"),
        Map.of("PGPASSWORD", "secret", "PGCDC_CLUSTER_NODE_ID", "pgcdc-2"));

    ClusterConfig cluster = config.cluster().orElseThrow();
    assertThat(cluster.name()).isEqualTo("compose");
    assertThat(cluster.zookeeper()).isEqualTo("zookeeper:2181");
    assertThat(cluster.nodeId()).isEqualTo("pgcdc-2");
    assertThat(cluster.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.source().password()).isEqualTo("secret");
    assertThat(config.metrics().port()).isEqualTo(9464);
  }

  @Test
  void composeRunsThreeDistinctNodesAgainstLogicalPostgres() throws Exception {
    JsonNode services = YAML.readTree(DOCKER.resolve("compose.yaml").toFile()).path("services");

    assertThat(services.path("postgres").path("command").toString()).contains("wal_level=logical");
    assertThat(services.has("rabbitmq")).isTrue();
    assertThat(services.has("zookeeper")).isTrue();
    List<String> nodeIds = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    for (String name : List.of("pgcdc-1", "pgcdc-2", "pgcdc-3")) {
      JsonNode node = services.path(name);
      nodeIds.add(node.path("environment").path("PGCDC_CLUSTER_NODE_ID").asText());
      ports.add(node.path("ports").path(0).asText());
      assertThat(node.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
      assertThat(node.path("depends_on").path("zookeeper").path("condition").asText()).isEqualTo("service_healthy");
      assertThat(node.path("volumes").toString()).contains("/etc/pgcdc/pgcdc.yaml").contains("/var/lib/pgcdc/journal");
    }
    assertThat(nodeIds).containsExactly("pgcdc-1", "pgcdc-2", "pgcdc-3");
    assertThat(ports).doesNotHaveDuplicates();
  }

  @Test
  void imageTakesItsJvmFlagsFromTheBuildsOptionsFileOnly() throws Exception {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    String entrypoint = Files.readString(DOCKER.resolve("entrypoint.sh"));

    assertThat(dockerfile).contains("tools/target/jvm.options").doesNotContain("--add-opens", "--add-exports",
        "chronicle.analytics");
    assertThat(entrypoint).contains("$(cat \"$DIR/jvm.options\")").doesNotContain("--add-opens", "--add-exports");
  }
}
