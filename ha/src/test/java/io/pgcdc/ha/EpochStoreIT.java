package io.pgcdc.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The epoch compare-and-set under contention, against an in-process ZooKeeper. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EpochStoreIT {

  @Test
  void concurrentIncrementsFromTwoSessionsNeverHandOutTheSameEpoch() throws Exception {
    ClusterConfig config = new ClusterConfig("epochs", "127.0.0.1:1", Duration.ofSeconds(5), Duration.ofSeconds(2), "x");
    ExecutorService racers = Executors.newFixedThreadPool(2);
    try (TestingServer server = new TestingServer(true);
         ZooKeeperConnection one = ZooKeeperConnection.create(withServer(config, server), "one");
         ZooKeeperConnection two = ZooKeeperConnection.create(withServer(config, server), "two")) {
      one.client().start();
      two.client().start();
      String path = ClusterPaths.of("epochs").epoch();
      List<Future<List<Long>>> results = new ArrayList<>();
      for (ZooKeeperConnection connection : List.of(one, two)) {
        EpochStore store = new EpochStore(connection.client(), path);
        Callable<List<Long>> claims = () -> {
          List<Long> won = new ArrayList<>();
          for (int i = 0; i < 25; i++) {
            won.add(store.increment("racer"));
          }
          return won;
        };
        results.add(racers.submit(claims));
      }

      List<Long> all = new ArrayList<>(results.get(0).get());
      all.addAll(results.get(1).get());

      assertThat(all).hasSize(50).doesNotHaveDuplicates();
      assertThat(all).allSatisfy(e -> assertThat(e).isBetween(1L, 50L));
      assertThat(results.get(0).get()).isSorted();
      assertThat(new EpochStore(one.client(), path).current()).isEqualTo(new Epoch(50, "racer"));
    } finally {
      racers.shutdownNow();
    }
  }

  @Test
  void claimsNothingOnceTheGuardingLockNodeIsGone() throws Exception {
    ClusterConfig config = new ClusterConfig("guard", "127.0.0.1:1", Duration.ofSeconds(5), Duration.ofSeconds(2), "x");
    try (TestingServer server = new TestingServer(true);
         ZooKeeperConnection zk = ZooKeeperConnection.create(withServer(config, server), "guard")) {
      zk.client().start();
      ClusterPaths paths = ClusterPaths.of("guard");
      EpochStore store = new EpochStore(zk.client(), paths.epoch());
      String lock = zk.client().create().creatingParentsIfNeeded()
          .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL).forPath(paths.leader() + "/lock-");

      assertThat(store.incrementWhileHolding("x", lock)).isEqualTo(1);
      assertThat(store.incrementWhileHolding("x", lock)).isEqualTo(2);
      zk.client().delete().forPath(lock);

      assertThat(store.incrementWhileHolding("x", lock)).isEqualTo(-1);
      assertThat(store.current()).isEqualTo(new Epoch(2, "x"));
    }
  }

  private static ClusterConfig withServer(ClusterConfig c, TestingServer server) {
    return new ClusterConfig(c.name(), server.getConnectString(), c.sessionTimeout(), c.connectionTimeout(), c.nodeId());
  }
}
