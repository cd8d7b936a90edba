package io.pgcdc.ha;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The cluster epoch, kept in one persistent znode ({@link ClusterPaths#epoch()}).
 *
 * <p>{@link #increment(String)} is a compare-and-set on the znode's version: read value and
 * version, write value + 1 conditioned on that version, retry on {@code BadVersion}. Two nodes
 * can therefore never win the same epoch, even when a stale leader races a new one, and epochs
 * strictly increase for the life of the znode (it survives cluster restarts).
 *
 * <p>Threading: stateless apart from the client; safe from any thread. Every call is a blocking
 * ZooKeeper round trip (Curator retries apply), never call it on the publish path.
 */
public final class EpochStore {
  private static final int MAX_ATTEMPTS = 16;

  private final CuratorFramework client;
  private final String path;

  public EpochStore(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  /** The newest epoch, {@link Epoch#NONE} when nobody has ever been elected. */
  public Epoch current() throws Exception {
    try {
      return Epoch.decode(client.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return Epoch.NONE;
    }
  }

  /** Claims the next epoch for {@code nodeId} and returns it. */
  public long increment(String nodeId) throws Exception {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Stat stat = new Stat();
      Epoch seen;
      try {
        seen = Epoch.decode(client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        if (createFirst(nodeId)) {
          return 1;
        }
        continue;
      }
      long next = seen.value() + 1;
      try {
        client.setData().withVersion(stat.getVersion()).forPath(path, new Epoch(next, nodeId).encode());
        return next;
      } catch (KeeperException.BadVersionException raced) {
        // Someone else won an epoch between our read and write: read again.
      }
    }
    throw new IllegalStateException("epoch " + path + ": compare-and-set lost " + MAX_ATTEMPTS + " times in a row");
  }

  private boolean createFirst(String nodeId) throws Exception {
    try {
      client.create().creatingParentsIfNeeded().forPath(path, new Epoch(1, nodeId).encode());
      return true;
    } catch (KeeperException.NodeExistsException raced) {
      return false;
    }
  }
}
