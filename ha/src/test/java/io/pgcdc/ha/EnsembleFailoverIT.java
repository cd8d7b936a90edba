package io.pgcdc.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A three-server ZooKeeper ensemble loses the server the leader is connected to. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EnsembleFailoverIT {

  @Test
  void losingTheLeadersZooKeeperServerEndsItsTermAndExactlyOneNodeLeadsWithAHigherEpoch() throws Exception {
    try (TestingCluster ensemble = new TestingCluster(3)) {
      ensemble.start();
      try (TestNodes nodes = new TestNodes(ensemble.getConnectString())) {
        nodes.startAll("a", "b", "c");
        ClusterNode first = nodes.awaitSingleLeader(Duration.ofSeconds(30));
        long firstEpoch = first.epoch();

        InstanceSpec server = ensemble.findConnectionInstance(first.client().getZookeeperClient().getZooKeeper());
        ensemble.killServer(server);

        await().atMost(Duration.ofSeconds(5)).until(() -> !first.isLeading(firstEpoch));
        ClusterNode next = nodes.awaitSingleLeader(Duration.ofSeconds(30));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
            .until(() -> nodes.leaders().equals(List.of(next)));
        assertThat(next.epoch()).isGreaterThan(firstEpoch);
        assertThat(nodes.log.indexOf(first.nodeId(), EventLog.Kind.REVOKED, firstEpoch))
            .as("old term ended before the next began: %s", nodes.log)
            .isNotNegative()
            .isLessThan(nodes.log.indexOf(next.nodeId(), EventLog.Kind.ELECTED, next.epoch()));
      }
    }
  }
}
