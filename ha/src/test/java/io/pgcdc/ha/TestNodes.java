package io.pgcdc.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds and tracks the {@link ClusterNode}s of one test against one ZooKeeper, with a unique
 * cluster name and a shared {@link EventLog}; {@link #close()} closes every node and then checks
 * that no pgcdc or ZooKeeper client thread is left behind.
 */
final class TestNodes implements AutoCloseable {
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

  final String clusterName = "it-" + UUID.randomUUID().toString().substring(0, 8);
  final EventLog log = new EventLog();
  private final String zookeeper;
  private final List<ClusterNode> nodes = new ArrayList<>();

  TestNodes(String zookeeper) {
    this.zookeeper = zookeeper;
  }

  ClusterConfig config(String nodeId) {
    return new ClusterConfig(clusterName, zookeeper, SESSION_TIMEOUT, Duration.ofSeconds(1), nodeId);
  }

  /** Starts node {@code nodeId}, recording its callbacks in {@link #log}. */
  ClusterNode start(String nodeId) {
    return start(nodeId, log.listener(nodeId));
  }

  /** Starts node {@code nodeId} with its own listener. */
  ClusterNode start(String nodeId, LeadershipListener listener) {
    ClusterNode node = new ClusterNode(config(nodeId),
        new Member(nodeId, "localhost", "127.0.0.1:" + (9000 + nodes.size())), listener);
    nodes.add(node);
    node.start();
    return node;
  }

  List<ClusterNode> startAll(String... nodeIds) {
    List<ClusterNode> started = new ArrayList<>();
    for (String id : nodeIds) {
      started.add(start(id));
    }
    return started;
  }

  /** Nodes currently allowed to publish. */
  List<ClusterNode> leaders() {
    return nodes.stream().filter(n -> n.role() == Role.LEADER).collect(Collectors.toList());
  }

  /** Waits until exactly one node leads and returns it. */
  ClusterNode awaitSingleLeader(Duration within) {
    await().atMost(within).until(() -> leaders().size() == 1);
    return leaders().get(0);
  }

  Optional<ClusterNode> leader() {
    List<ClusterNode> leaders = leaders();
    assertThat(leaders).as("nodes that may publish").hasSizeLessThanOrEqualTo(1);
    return leaders.stream().findFirst();
  }

  @Override
  public void close() {
    for (ClusterNode node : nodes) {
      node.close();
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clientThreads()).isEmpty());
  }

  /** Threads our nodes (or their ZooKeeper clients) started that are still alive. */
  static List<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("pgcdc-ha-") || name.startsWith("Curator-")
            || name.contains("-SendThread(") || name.endsWith("-EventThread"))
        .collect(Collectors.toList());
  }
}
