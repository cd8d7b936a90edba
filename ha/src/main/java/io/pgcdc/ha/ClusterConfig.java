package io.pgcdc.ha;

import java.time.Duration;
import java.util.List;

/**
 * Cluster settings (YAML section {@code cluster:}); absent section = standalone, no ZooKeeper.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>valid</th><th>meaning</th></tr>
 *   <tr><td>{@code cluster.name}</td><td>(required)</td><td>[A-Za-z0-9_.-]{1,64}</td>
 *       <td>nodes with the same name and ZooKeeper form one cluster</td></tr>
 *   <tr><td>{@code cluster.zookeeper}</td><td>(required)</td><td>host:port[,host:port...]</td>
 *       <td>ZooKeeper connect string</td></tr>
 *   <tr><td>{@code cluster.session_timeout}</td><td>{@code 10s}</td><td>2s..120s</td>
 *       <td>ZooKeeper session timeout; failover happens within this + 5 s</td></tr>
 *   <tr><td>{@code cluster.connection_timeout}</td><td>{@code 5s}</td><td>1s..60s</td>
 *       <td>how long a connection attempt to ZooKeeper may take</td></tr>
 *   <tr><td>{@code cluster.node_id}</td><td>{@code <hostname>-<pid>}</td><td>1-128 chars, no {@code /} or whitespace</td>
 *       <td>this node's identity in the cluster (shown in /health and status)</td></tr>
 * </table>
 */
public record ClusterConfig(
    String name, String zookeeper, Duration sessionTimeout, Duration connectionTimeout, String nodeId) {
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /** Adds one line per invalid key to {@code problems}. */
  public void validate(List<String> problems) {
    if (name == null) {
      problems.add("cluster.name: is required in a cluster section (name the cluster, e.g. cluster.name: prod)");
    } else if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      problems.add("cluster.name=" + name + ": must be 1-64 characters of A-Z a-z 0-9 _ . -");
    }
    if (zookeeper == null) {
      problems.add("cluster.zookeeper: is required in a cluster section (e.g. cluster.zookeeper: zk1:2181,zk2:2181)");
    } else if (!zookeeper.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*(/\\S*)?")) {
      problems.add("cluster.zookeeper=" + zookeeper + ": must be host:port[,host:port...]");
    }
    if (sessionTimeout == null || sessionTimeout.compareTo(Duration.ofSeconds(2)) < 0
        || sessionTimeout.compareTo(Duration.ofSeconds(120)) > 0) {
      problems.add("cluster.session_timeout=" + text(sessionTimeout) + ": must be between 2s and 120s");
    }
    if (connectionTimeout == null || connectionTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || connectionTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
      problems.add("cluster.connection_timeout=" + text(connectionTimeout) + ": must be between 1s and 60s");
    }
    if (nodeId == null || !nodeId.matches("[^/\\s]{1,128}")) {
      // It names the member znode: a '/' would nest it, whitespace breaks status output.
      problems.add("cluster.node_id=" + nodeId + ": must be 1-128 characters without '/' or whitespace");
    }
  }

  /** {@code 10s} or {@code 250ms}, as the key is written in YAML. */
  private static String text(Duration d) {
    if (d == null) {
      return "null";
    }
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
