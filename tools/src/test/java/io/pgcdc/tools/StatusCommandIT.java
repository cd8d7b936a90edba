package io.pgcdc.tools;

import static io.pgcdc.tools.CommandRun.pgcdc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.ha.ClusterConfig;
import io.pgcdc.ha.ClusterNode;
import io.pgcdc.ha.ClusterPaths;
import io.pgcdc.ha.LeadershipListener;
import io.pgcdc.ha.Member;
import io.pgcdc.ha.RevokeReason;
import io.pgcdc.ha.Role;
import io.pgcdc.ha.ZooKeeperConnection;
import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgcdc status} against the shared PostgreSQL and a real ZooKeeper. */
@Timeout(120)
class StatusCommandIT {
  private static PostgresServer pg;
  private static String db;
  private static final String SLOT = "hstatus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

  @TempDir
  Path dir;

  @BeforeAll
  static void createDatabaseAndSlot() throws Exception {
    pg = TestServers.postgres();
    db = pg.createDatabase("hstatus");
    try (var c = pg.connect(db); var s = c.createStatement()) {
      s.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
    }
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    pg.dropDatabase(db); // drops the slot too
  }

  private String config(String extra) throws Exception {
    return Files.writeString(dir.resolve("pgcdc.yaml"),
        "source:\n  url: " + pg.jdbcUrl(db) + "\n  user: " + pg.user() + "\n  slot: " + SLOT + "\n" + extra).toString();
  }

  @Test
  void saysStandaloneAndShowsSlotLagWithoutClusterSection() throws Exception {
    CommandRun status = pgcdc("status", "--config", config(""));

    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.outLines()).contains("mode       standalone (no cluster section)");
    assertThat(status.out()).containsPattern("slot +" + SLOT + " active=false confirmed_flush_lsn=[0-9A-F]+/[0-9A-F]+ lag_bytes=\\d+");
  }

  @Test
  void showsMembersLeaderAndEpochOfARunningCluster() throws Exception {
    String name = "hstatus-" + UUID.randomUUID().toString().substring(0, 8);
    String zookeeper = TestServers.zookeeper();
    ClusterConfig a = new ClusterConfig(name, zookeeper, Duration.ofSeconds(4), Duration.ofSeconds(2), "node-a");
    ClusterConfig b = new ClusterConfig(name, zookeeper, Duration.ofSeconds(4), Duration.ofSeconds(2), "node-b");
    try (ClusterNode nodeA = new ClusterNode(a, new Member("node-a", "h1", "127.0.0.1:9101"), new Ignoring());
         ClusterNode nodeB = new ClusterNode(b, new Member("node-b", "h2", "127.0.0.1:9102"), new Ignoring())) {
      nodeA.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.role() == Role.LEADER);
      nodeB.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.members().size() == 2);

      CommandRun status = pgcdc("status", "--config", config(
          "cluster:\n  name: " + name + "\n  zookeeper: " + zookeeper + "\n  node_id: probe\n"));

      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.outLines()).contains(
          "cluster    " + name + " (zookeeper " + zookeeper + ")",
          "epoch      1 (won by node-a)",
          "leader     node-a",
          "members    2",
          "  node-a     host=h1 metrics=127.0.0.1:9101  leader",
          "  node-b     host=h2 metrics=127.0.0.1:9102");
      assertThat(status.out()).contains("slot       " + SLOT + " active=false");
    } finally {
      removeZnodes(a, ClusterPaths.of(name).root());
    }
  }

  /** The shared ZooKeeper keeps the persistent epoch znode after the nodes are gone. */
  private static void removeZnodes(ClusterConfig config, String root) {
    try (ZooKeeperConnection zk = ZooKeeperConnection.create(config, "cleanup")) {
      zk.client().start();
      zk.client().delete().deletingChildrenIfNeeded().forPath(root);
    } catch (Exception e) {
      throw new IllegalStateException("could not remove " + root, e);
    }
  }

  @Test
  void reportsUnreachableZooKeeperInOneLine() throws Exception {
    CommandRun status = pgcdc("status", "--config", config(
        "cluster:\n  name: nowhere\n  zookeeper: 127.0.0.1:1\n  connection_timeout: 1s\n"));

    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.errLines()).hasSize(1);
    assertThat(status.err()).contains("ZooKeeper at 127.0.0.1:1 does not answer").contains("cluster.zookeeper");
  }

  /** The engine is not under test here: leadership changes are ignored. */
  private static final class Ignoring implements LeadershipListener {
    @Override
    public void onElected(long epoch) {}

    @Override
    public void onSuspended(long epoch) {}

    @Override
    public void onRevoked(long epoch, RevokeReason reason) {}
  }
}
