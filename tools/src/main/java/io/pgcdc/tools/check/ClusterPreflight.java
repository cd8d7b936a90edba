package io.pgcdc.tools.check;

import static io.pgcdc.engine.preflight.CheckResult.fail;
import static io.pgcdc.engine.preflight.CheckResult.ok;

import io.pgcdc.engine.preflight.CheckResult;

import io.pgcdc.ha.ClusterConfig;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * Preflight of the cluster section: ZooKeeper answers at {@code cluster.zookeeper} within
 * {@code cluster.connection_timeout}. Read-only (an existence check of {@code /}).
 *
 * <p>Single-threaded caller; Curator runs its own connection threads until {@link #run} returns.
 */
public final class ClusterPreflight {
  private final ClusterConfig cluster;

  public ClusterPreflight(ClusterConfig cluster) {
    this.cluster = cluster;
  }

  public CheckResult run() {
    try (CuratorFramework client = CuratorFrameworkFactory.newClient(cluster.zookeeper(),
        (int) cluster.sessionTimeout().toMillis(), (int) cluster.connectionTimeout().toMillis(), new RetryOneTime(100))) {
      client.start();
      if (!client.blockUntilConnected((int) cluster.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        return fail("ZooKeeper at " + cluster.zookeeper() + " does not answer within cluster.connection_timeout",
            "check cluster.zookeeper (PGCDC_CLUSTER_ZOOKEEPER) and that ZooKeeper runs");
      }
      client.checkExists().forPath("/");
      return ok("ZooKeeper at " + cluster.zookeeper() + " answers (cluster " + cluster.name() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while connecting to ZooKeeper", "run pgcdc check again");
    } catch (Exception e) {
      return fail("ZooKeeper at " + cluster.zookeeper() + ": " + e.getMessage(), "check cluster.zookeeper and the ZooKeeper log");
    }
  }
}
