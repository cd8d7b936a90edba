package io.pgcdc.ha;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The cluster epoch, kept in one persistent znode ({@link ClusterPaths#epoch()}).
 *
 * <p>{@link #increment(String)} is a compare-and-set on the znode's version: read value and
 * version, write value + 1 conditioned on that version, retry on {@code BadVersion}. Two nodes
 * can therefore never win the same epoch, even when a stale leader races a new one, and epochs
 * strictly increase for the life of the znode (it survives cluster restarts). A lost race backs
 * off for a random 1..2n ms (n = attempt, at most 50 ms) before reading again.
 *
 * <p>Threading: stateless apart from the client; safe from any thread. Every call is a blocking
 * ZooKeeper round trip (Curator retries apply), never call it on the publish path.
 */
public final class EpochStore {
  private static final int MAX_ATTEMPTS = 64;
  private static final int MAX_BACKOFF_MILLIS = 50;

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

  /**
   * Claims the next epoch for {@code nodeId} only while {@code guardPath} (the caller's leader
   * lock node) exists: check and write are one ZooKeeper transaction, so a lock node deleted by
   * a session expiry in between makes the claim fail instead of succeed late.
   *
   * @return the epoch won, or -1 when {@code guardPath} is gone
   */
  public long incrementWhileHolding(String nodeId, String guardPath) throws Exception {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Stat stat = new Stat();
      Epoch seen;
      try {
        seen = Epoch.decode(client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        seen = null;
      }
      long next = seen == null ? 1 : seen.value() + 1;
      CuratorOp write = seen == null
          ? client.transactionOp().create().forPath(path, new Epoch(next, nodeId).encode())
          : client.transactionOp().setData().withVersion(stat.getVersion()).forPath(path, new Epoch(next, nodeId).encode());
      try {
        client.transaction().forOperations(client.transactionOp().check().forPath(guardPath), write);
        return next;
      } catch (KeeperException failed) {
        if (client.checkExists().forPath(guardPath) == null) {
          return -1;
        }
        // The epoch moved (or was created) under us: read again after a random pause.
        Thread.sleep(ThreadLocalRandom.current().nextInt(1, Math.min(MAX_BACKOFF_MILLIS, 2 * attempt) + 1));
      }
    }
    throw new IllegalStateException("epoch " + path + ": compare-and-set lost " + MAX_ATTEMPTS + " times in a row");
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
        // Someone else won an epoch between our read and write: read again, after a random pause
        // so that two racers do not collide in lock step (only a stale leader can race a new one).
        Thread.sleep(ThreadLocalRandom.current().nextInt(1, Math.min(MAX_BACKOFF_MILLIS, 2 * attempt) + 1));
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
