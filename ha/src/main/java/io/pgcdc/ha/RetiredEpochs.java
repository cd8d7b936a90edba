package io.pgcdc.ha;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The fencing floor: the lowest epoch whose leader may still own resources outside ZooKeeper
 * (its RabbitMQ exchange {@code <exchange>.e<N>}). Kept in one persistent znode,
 * {@link ClusterPaths#retired()}, as {@code below=N\nnode=ID}.
 *
 * <p>A new leader of epoch {@code E} removes the resources of every epoch in
 * {@code [below(), E)} and then calls {@link #retireBelow(String, long) retireBelow(E)}, so the
 * next leader only has to remove what came after. The floor never moves down: the write is a
 * compare-and-set on the znode version that keeps the larger value, so a stale leader finishing
 * late cannot undo a newer one's record. A leader that dies between removing and recording only
 * leaves the next leader the same range to remove again (removal is idempotent).
 *
 * <p>Threading: stateless apart from the client; safe from any thread. Every call is a blocking
 * ZooKeeper round trip.
 */
public final class RetiredEpochs {
  private static final int MAX_ATTEMPTS = 64;

  private final CuratorFramework client;
  private final String path;

  public RetiredEpochs(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  /** The lowest epoch that may not have been fenced off yet; 1 when nothing was ever retired. */
  public long below() throws Exception {
    try {
      return decode(client.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return 1;
    }
  }

  /**
   * Records that every epoch below {@code epoch} has been fenced off; a no-op when the floor is
   * already at or above it.
   *
   * @return the floor after the call
   */
  public long retireBelow(String nodeId, long epoch) throws Exception {
    byte[] data = ("below=" + epoch + "\nnode=" + nodeId + "\n").getBytes(StandardCharsets.UTF_8);
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Stat stat = new Stat();
      long current;
      try {
        current = decode(client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        try {
          client.create().creatingParentsIfNeeded().forPath(path, data);
          return epoch;
        } catch (KeeperException.NodeExistsException raced) {
          continue;
        }
      }
      if (current >= epoch) {
        return current;
      }
      try {
        client.setData().withVersion(stat.getVersion()).forPath(path, data);
        return epoch;
      } catch (KeeperException.BadVersionException raced) {
        // another leader recorded its floor in between: read again
      }
    }
    throw new IllegalStateException("retired epochs " + path + ": compare-and-set lost " + MAX_ATTEMPTS + " times");
  }

  static long decode(byte[] data) {
    Map<String, String> fields = Member.KeyValues.parse(data);
    String below = fields.get("below");
    if (below == null) {
      return 1;
    }
    try {
      return Math.max(1, Long.parseLong(below));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("retired-epochs znode holds below=" + below + ": not a number", e);
    }
  }
}
