package io.pgcdc.ha;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Read-only queries on a cluster's znodes: who is registered, who leads, which epoch.
 *
 * <p>Used by {@link ClusterNode} and by {@code pgcdc status}, which reads without taking part in
 * the election. Every method is a blocking ZooKeeper round trip; safe from any thread.
 */
public final class ClusterView {
  /** LeaderSelector's mutex names its nodes {@code _c_<uuid>-lock-<sequence>}. */
  private static final String LOCK_MARKER = "lock-";

  private final CuratorFramework client;
  private final ClusterPaths paths;

  public ClusterView(CuratorFramework client, ClusterPaths paths) {
    this.client = client;
    this.paths = paths;
  }

  /** Registered members, sorted by node id. */
  public List<Member> members() throws Exception {
    List<Member> members = new ArrayList<>();
    for (String child : children(paths.members())) {
      byte[] data = dataOrNull(paths.members() + "/" + child);
      if (data != null) {
        members.add(Member.decode(data, child));
      }
    }
    members.sort(Comparator.comparing(Member::nodeId));
    return members;
  }

  /**
   * The node id holding the leader mutex (lowest sequence number), empty when nobody contends.
   * It may not have claimed its epoch yet, and a node whose session has expired on the server
   * side disappears from here only when ZooKeeper deletes its ephemeral node.
   */
  public Optional<String> leaderId() throws Exception {
    List<String> contenders = new ArrayList<>(children(paths.leader()));
    contenders.sort(Comparator.comparing(ClusterView::sequence));
    for (String contender : contenders) {
      byte[] data = dataOrNull(paths.leader() + "/" + contender);
      if (data != null) {
        return Optional.of(new String(data, StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /**
   * The lock node that currently wins the leader mutex (lowest sequence): its path, the session
   * that owns it and the node id it carries. Empty when nobody contends.
   */
  public Optional<LockNode> leaderLock() throws Exception {
    List<String> contenders = new ArrayList<>(children(paths.leader()));
    contenders.sort(Comparator.comparing(ClusterView::sequence));
    for (String contender : contenders) {
      String path = paths.leader() + "/" + contender;
      Stat stat = new Stat();
      try {
        byte[] data = client.getData().storingStatIn(stat).forPath(path);
        return Optional.of(new LockNode(path, stat.getEphemeralOwner(), new String(data, StandardCharsets.UTF_8)));
      } catch (KeeperException.NoNodeException vanished) {
        // deleted between list and read: the next one wins
      }
    }
    return Optional.empty();
  }

  /** A leader lock node: {@code owner} is the ZooKeeper session id that created it. */
  public record LockNode(String path, long owner, String nodeId) {}

  /** The newest epoch won in this cluster. */
  public Epoch epoch() throws Exception {
    return new EpochStore(client, paths.epoch()).current();
  }

  /** All three in one snapshot (not atomic across znodes). */
  public ClusterStatus status() throws Exception {
    return new ClusterStatus(members(), leaderId(), epoch());
  }

  private static String sequence(String lockNode) {
    int at = lockNode.lastIndexOf(LOCK_MARKER);
    return at < 0 ? lockNode : lockNode.substring(at + LOCK_MARKER.length());
  }

  private List<String> children(String path) throws Exception {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  private byte[] dataOrNull(String path) throws Exception {
    try {
      return client.getData().forPath(path);
    } catch (KeeperException.NoNodeException vanished) {
      return null;
    }
  }
}
