package io.pgcdc.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.ha.EventLog.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Leader election, failover and fencing of {@link ClusterNode} against an in-process ZooKeeper. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterNodeIT {
  /** The failover target of SPEC §5. */
  private static final Duration FAILOVER = TestNodes.SESSION_TIMEOUT.plusSeconds(5);

  private TestingServer zookeeper;
  private TestNodes nodes;

  @BeforeEach
  void startZooKeeper() throws Exception {
    // tickTime 500 ms lets the server grant our 3 s session timeout (it allows 2..20 ticks).
    zookeeper = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1), true);
    nodes = new TestNodes(zookeeper.getConnectString());
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      nodes.close();
    } finally {
      zookeeper.close();
    }
  }

  @Test
  void electsExactlyOneLeaderAmongThreeNodes() {
    nodes.startAll("a", "b", "c");

    ClusterNode leader = nodes.awaitSingleLeader(FAILOVER);

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> nodes.leaders().equals(List.of(leader)));
    assertThat(leader.epoch()).isEqualTo(1);
    assertThat(leader.isLeading(1)).isTrue();
    assertThat(leader.isLeading(2)).as("a different epoch is never ours").isFalse();
    assertThat(leader.leaderId()).contains(leader.nodeId());
    assertThat(nodes.log.electedEpochs()).containsExactly(1L);
  }

  @Test
  void registersEveryMemberWithHostAndMetricsAddress() throws Exception {
    List<ClusterNode> started = nodes.startAll("a", "b", "c");
    ClusterNode leader = nodes.awaitSingleLeader(FAILOVER);

    // members() is a cache refreshed every second: wait for the node under test to see all three.
    await().atMost(Duration.ofSeconds(5)).until(() -> started.get(1).members().size() == 3);

    assertThat(started.get(1).members()).extracting(Member::nodeId).containsExactly("a", "b", "c");
    assertThat(started.get(1).members().get(0).metricsAddress()).isEqualTo("127.0.0.1:9000");
    ClusterStatus status = new ClusterView(started.get(2).client(), ClusterPaths.of(nodes.clusterName)).status();
    assertThat(status.leaderId()).contains(leader.nodeId());
    assertThat(status.epoch()).isEqualTo(new Epoch(1, leader.nodeId()));
  }

  @Test
  void electsAnotherLeaderWithHigherEpochWhenTheLeaderCloses() {
    nodes.startAll("a", "b", "c");
    ClusterNode first = nodes.awaitSingleLeader(FAILOVER);
    long firstEpoch = first.epoch();

    long closedAt = System.nanoTime();
    first.close();
    ClusterNode second = nodes.awaitSingleLeader(FAILOVER);
    long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);

    System.out.printf("failover after close: %d ms%n", failoverMillis);
    assertThat(second).isNotSameAs(first);
    assertThat(second.epoch()).isGreaterThan(firstEpoch);
    assertThat(nodes.log.indexOf(first.nodeId(), Kind.REVOKED, firstEpoch))
        .as("old leader revoked before the new one is elected: %s", nodes.log)
        .isNotNegative()
        .isLessThan(nodes.log.indexOf(second.nodeId(), Kind.ELECTED, second.epoch()));
  }

  @Test
  void stopsTheLeaderWhoseSessionExpiredBeforeAnotherIsElected() throws Exception {
    nodes.startAll("a", "b", "c");
    ClusterNode first = nodes.awaitSingleLeader(FAILOVER);
    long firstEpoch = first.epoch();

    long killedAt = System.nanoTime();
    KillSession.kill(first.client().getZookeeperClient().getZooKeeper());
    await().atMost(Duration.ofSeconds(2)).until(() -> !first.isLeading(firstEpoch));
    await().atMost(FAILOVER).until(() -> nodes.log.electedEpochs().size() == 2);
    long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    ClusterNode second = nodes.awaitSingleLeader(FAILOVER);

    System.out.printf("failover after session expiry: %d ms, log %s%n", failoverMillis, nodes.log);
    assertThat(second.epoch()).isEqualTo(firstEpoch + 1);
    int suspended = nodes.log.indexOf(first.nodeId(), Kind.SUSPENDED, firstEpoch);
    assertThat(suspended).as("old leader told to stop publishing: %s", nodes.log).isNotNegative();
    assertThat(suspended).as("stop before the new leader starts: %s", nodes.log)
        .isLessThan(nodes.log.indexOf(second.nodeId(), Kind.ELECTED, second.epoch()));
    await().atMost(Duration.ofSeconds(5)).until(() -> nodes.log.indexOf(first.nodeId(), Kind.REVOKED, firstEpoch) >= 0);
    assertThat(nodes.log.events().get(nodes.log.indexOf(first.nodeId(), Kind.REVOKED, firstEpoch)).reason())
        .isIn(RevokeReason.SESSION_LOST, RevokeReason.RECONNECTED);
  }

  @Test
  void nobodyLeadsWhileZooKeeperIsDownAndOneLeadsWithAHigherEpochWhenItIsBack() throws Exception {
    nodes.startAll("a", "b", "c");
    ClusterNode first = nodes.awaitSingleLeader(FAILOVER);
    long firstEpoch = first.epoch();

    zookeeper.stop();
    await().atMost(Duration.ofSeconds(3)).until(() -> nodes.leaders().isEmpty());
    await("the old leader reports itself suspended, then standing by").atMost(TestNodes.SESSION_TIMEOUT)
        .pollInterval(Duration.ofMillis(50)).until(() -> first.role() == Role.SUSPENDED);
    await().during(TestNodes.SESSION_TIMEOUT.multipliedBy(2)).atMost(TestNodes.SESSION_TIMEOUT.multipliedBy(3))
        .until(() -> nodes.leaders().isEmpty());
    zookeeper.restart();

    ClusterNode next = nodes.awaitSingleLeader(FAILOVER.multipliedBy(2));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> nodes.leaders().equals(List.of(next)));
    assertThat(next.epoch()).isGreaterThan(firstEpoch);
    assertThat(nodes.log.indexOf(first.nodeId(), Kind.REVOKED, firstEpoch))
        .as("old term ended before the new one began: %s", nodes.log)
        .isNotNegative()
        .isLessThan(nodes.log.indexOf(next.nodeId(), Kind.ELECTED, next.epoch()));
  }

  @Test
  void epochsStrictlyIncreaseAcrossElections() {
    List<String> ids = new ArrayList<>(List.of("a", "b", "c"));
    nodes.startAll("a", "b", "c");
    for (int round = 0; round < 4; round++) {
      ClusterNode leader = nodes.awaitSingleLeader(FAILOVER);
      leader.close();
      String replacement = "n" + round;
      ids.add(replacement);
      nodes.start(replacement);
    }
    nodes.awaitSingleLeader(FAILOVER);

    List<Long> epochs = nodes.log.electedEpochs();
    assertThat(epochs).hasSize(5).isSorted().doesNotHaveDuplicates().containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void stepsDownWhenItSeesANewerEpoch() throws Exception {
    nodes.startAll("a");
    ClusterNode leader = nodes.awaitSingleLeader(FAILOVER);
    long won = leader.epoch();

    CuratorFramework intruder = leader.client();
    new EpochStore(intruder, ClusterPaths.of(nodes.clusterName).epoch()).increment("intruder");

    await().atMost(TestNodes.SESSION_TIMEOUT).until(() -> !leader.isLeading(won));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> nodes.log.indexOf("a", Kind.REVOKED, won) >= 0);
    assertThat(nodes.log.events().get(nodes.log.indexOf("a", Kind.REVOKED, won)).reason())
        .isEqualTo(RevokeReason.SUPERSEDED);
    await().atMost(FAILOVER).until(() -> leader.isLeading(won + 2));
  }

  @Test
  void aTermWonBeforeTheFirstConnectedArrivedEndsWhenItArrivesAndTheNodeLeadsAgain() throws Exception {
    ClusterNode a = nodes.start("a");
    await().atMost(FAILOVER).until(() -> a.isLeading(1));
    ClusterNode b = nodes.start("b");
    await().atMost(FAILOVER).until(() -> b.leaderId().isPresent()); // only once its CONNECTED arrived
    // As if Curator had not yet delivered b's CONNECTED (its own thread, after the election may run).
    java.lang.reflect.Field connected = ClusterNode.class.getDeclaredField("connected");
    connected.setAccessible(true);
    connected.setBoolean(b, false);
    a.close();
    await().atMost(FAILOVER).until(() -> nodes.log.indexOf("b", Kind.SUSPENDED, 2) >= 0);
    assertThat(b.role()).isEqualTo(Role.SUSPENDED);

    b.connectionChanged(org.apache.curator.framework.state.ConnectionState.CONNECTED);

    await().atMost(FAILOVER).until(() -> b.isLeading(3));
    assertThat(nodes.log.events()).contains(new EventLog.Event("b", Kind.REVOKED, 2, RevokeReason.RECONNECTED));
  }

  @Test
  void aNodeThatCannotReachZooKeeperSaysSoOnceAfterTheConnectionTimeout() throws Exception {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        ClusterNode.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try (java.net.ServerSocket reserved = new java.net.ServerSocket(0)) {
      String nowhere = "127.0.0.1:" + reserved.getLocalPort();
      reserved.close(); // a free port: connections are refused
      TestNodes elsewhere = new TestNodes(nowhere);
      try {
        ClusterNode lonely = elsewhere.start("lonely");
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.stream()
            .anyMatch(e -> e.getFormattedMessage().contains("cannot reach ZooKeeper at " + nowhere)));
        assertThat(lonely.role()).isEqualTo(Role.STANDBY);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> lines.list.stream()
            .filter(e -> e.getFormattedMessage().contains("cannot reach ZooKeeper")).count() == 1);
      } finally {
        elsewhere.close();
      }
    } finally {
      log.detachAppender(lines);
    }
  }

  @Test
  void aCleanCloseLetsTheLeaderPublishUntilItsPipelineHasStopped() throws Exception {
    List<Boolean> leadingInRevoke = new java.util.concurrent.CopyOnWriteArrayList<>();
    ClusterNode[] self = new ClusterNode[1];
    LeadershipListener recording = nodes.log.listener("a");
    self[0] = nodes.start("a", new LeadershipListener() {
      @Override
      public void onElected(long epoch) {
        recording.onElected(epoch);
      }

      @Override
      public void onSuspended(long epoch) {
        recording.onSuspended(epoch);
      }

      @Override
      public void onRevoked(long epoch, RevokeReason reason) {
        leadingInRevoke.add(self[0].isLeading(epoch)); // what a draining pipeline's publisher checks
        recording.onRevoked(epoch, reason);
      }
    });
    await().atMost(FAILOVER).until(() -> self[0].isLeading(1));
    self[0].close();
    assertThat(leadingInRevoke).containsExactly(true);
    assertThat(self[0].isLeading(1)).isFalse();
    assertThat(self[0].role()).isEqualTo(Role.STANDBY);
  }

  @Test
  void handsLeadershipOnWhenTheListenerCannotStartThePipeline() {
    LeadershipListener recording = nodes.log.listener("broken");
    nodes.start("broken", new LeadershipListener() {
      @Override
      public void onElected(long epoch) {
        recording.onElected(epoch);
        throw new NoClassDefFoundError("simulated: jar replaced on disk");
      }

      @Override
      public void onSuspended(long epoch) {
        recording.onSuspended(epoch);
      }

      @Override
      public void onRevoked(long epoch, RevokeReason reason) {
        recording.onRevoked(epoch, reason);
      }
    });
    await().atMost(FAILOVER).until(() -> nodes.log.indexOf("broken", Kind.ELECTED, 1) >= 0);
    nodes.start("healthy");

    ClusterNode healthy = nodes.awaitSingleLeader(FAILOVER);

    assertThat(healthy.nodeId()).isEqualTo("healthy");
    assertThat(nodes.log.events()).contains(new EventLog.Event("broken", Kind.REVOKED, 1, RevokeReason.FAILED));
  }
}
