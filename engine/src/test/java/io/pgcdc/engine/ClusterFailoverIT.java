package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.engine.PipelineFixture.Message;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.ops.PipelineMetrics;
import io.pgcdc.engine.sink.EpochExchanges;
import io.pgcdc.ha.Role;
import io.pgcdc.testsupport.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes of one cluster on one slot: only the leader streams, its epoch is on every message,
 * and when it leaves the standby takes over under a higher epoch without losing a change.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFailoverIT {

  @Test
  void standbyTakesOverUnderAHigherEpochWhenTheLeaderLeaves() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_cluster").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      String cluster = "e-cluster-" + UUID.randomUUID().toString().substring(0, 8);
      for (long epoch = 1; epoch <= 5; epoch++) {
        f.forgetExchangeLater(EpochExchanges.name(f.exchange, epoch)); // a new cluster's first epochs
      }
      Path journalB = Files.createTempDirectory("e_cluster-journal-b");
      Node nodeA = null;
      try {
        PgcdcConfig a = clusterConfig(f, cluster, "node-a", f.journalDir);
        PgcdcConfig b = clusterConfig(f, cluster, "node-b", journalB);
        NodeStatus statusA = Node.newStatus(a);
        NodeStatus statusB = Node.newStatus(b);

        nodeA = Node.start(a, PipelineMetrics.create(), statusA);
        await().atMost(Duration.ofSeconds(30)).until(() -> statusA.role() == Role.LEADER);
        try (Node nodeB = Node.start(b, PipelineMetrics.create(), statusB)) {
          f.sql("INSERT INTO t VALUES (1)");
          Message first = f.take("public.t", 1).get(0);
          long epochA = (Long) first.properties().getHeaders().get("pgcdc-epoch");
          assertThat(epochA).isPositive().isEqualTo(statusA.epoch());
          assertThat(statusB.role()).isEqualTo(Role.STANDBY);
          assertThat(statusB.flushedLsn()).isZero();

          nodeA.close();
          f.sql("INSERT INTO t VALUES (2)");
          await().atMost(Duration.ofSeconds(30)).until(() -> statusB.role() == Role.LEADER);
          Message second = f.take("public.t", 1).get(0);
          assertThat(second.body()).contains("\"after\":{\"id\":2}");
          assertThat((Long) second.properties().getHeaders().get("pgcdc-epoch")).isGreaterThan(epochA);
        }
      } finally {
        if (nodeA != null) {
          nodeA.close();
        }
        deleteTree(journalB);
      }
    }
  }

  @Test
  void aLeaderThatCannotStreamHandsLeadershipToAHealthyStandby() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_handover").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      String cluster = "e-handover-" + UUID.randomUUID().toString().substring(0, 8);
      for (long epoch = 1; epoch <= 8; epoch++) {
        f.forgetExchangeLater(EpochExchanges.name(f.exchange, epoch));
      }
      // A journal under a regular file cannot be created, even by root: a fault of node A's alone.
      Path notADirectory = Files.createTempFile("e_handover", ".file");
      Path journalB = Files.createTempDirectory("e_handover-journal-b");
      try {
        PgcdcConfig a = clusterConfig(f, cluster, "node-a", notADirectory.resolve("journal"));
        PgcdcConfig b = clusterConfig(f, cluster, "node-b", journalB);
        NodeStatus statusA = Node.newStatus(a);
        NodeStatus statusB = Node.newStatus(b);
        try (Node nodeA = Node.start(a, PipelineMetrics.create(), statusA)) {
          await().atMost(Duration.ofSeconds(30)).until(() -> statusA.epoch() > 0); // won, failing to start
          try (Node nodeB = Node.start(b, PipelineMetrics.create(), statusB)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> statusB.role() == Role.LEADER);
            f.sql("INSERT INTO t VALUES (1)");
            Message m = f.take("public.t", 1).get(0);
            assertThat((Long) m.properties().getHeaders().get("pgcdc-epoch")).isEqualTo(statusB.epoch());
            assertThat(statusA.role()).isNotEqualTo(Role.LEADER);
          }
        }
      } finally {
        Files.deleteIfExists(notADirectory);
        deleteTree(journalB);
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static PgcdcConfig clusterConfig(PipelineFixture f, String cluster, String nodeId, Path journal)
      throws Exception {
    String yaml = f.yaml("", "").replace("  dir: " + f.journalDir, "  dir: " + journal)
        + "cluster:\n  name: " + cluster + "\n  zookeeper: " + TestServers.zookeeper()
        + "\n  session_timeout: 4s\n  connection_timeout: 2s\n  node_id: " + nodeId + "\n";
    return PgcdcConfig.parse(yaml, Map.of());
  }
}
