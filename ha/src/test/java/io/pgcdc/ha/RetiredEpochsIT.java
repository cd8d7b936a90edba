package io.pgcdc.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fencing floor against an in-process ZooKeeper. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetiredEpochsIT {

  @Test
  void theFloorStartsAtOneAndNeverMovesDown() throws Exception {
    try (TestingServer server = new TestingServer(true);
         ZooKeeperConnection zk = ZooKeeperConnection.create(new ClusterConfig("retired", server.getConnectString(),
             Duration.ofSeconds(5), Duration.ofSeconds(2), "x"), "x")) {
      zk.client().start();
      RetiredEpochs retired = new RetiredEpochs(zk.client(), ClusterPaths.of("retired").retired());

      assertThat(retired.below()).isEqualTo(1);
      assertThat(retired.retireBelow("n1", 5)).isEqualTo(5);
      assertThat(retired.retireBelow("n0", 3)).as("a stale leader recording late").isEqualTo(5);
      assertThat(retired.below()).isEqualTo(5);
      assertThat(retired.retireBelow("n2", 7)).isEqualTo(7);
      assertThat(new String(zk.client().getData().forPath(ClusterPaths.of("retired").retired())))
          .isEqualTo("below=7\nnode=n2\n");
    }
  }
}
