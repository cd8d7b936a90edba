package io.pgcdc.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The znode payloads and the cluster settings' validation, without ZooKeeper. */
class ZnodeCodecTest {

  @Test
  void memberSurvivesEncodeAndDecode() {
    Member member = new Member("node-a", "host-1", "127.0.0.1:9464");

    assertThat(Member.decode(member.encode(), "ignored")).isEqualTo(member);
    assertThat(new String(member.encode(), StandardCharsets.UTF_8))
        .isEqualTo("id=node-a\nhost=host-1\nmetrics=127.0.0.1:9464\n");
  }

  @Test
  void memberWithoutIdTakesTheZnodeName() {
    Member decoded = Member.decode("host=h\n".getBytes(StandardCharsets.UTF_8), "from-path");

    assertThat(decoded).isEqualTo(new Member("from-path", "h", "?"));
  }

  @Test
  void memberRejectsMultiLineFields() {
    assertThatThrownBy(() -> new Member("a\nb", "h", "m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nodeId=");
  }

  @Test
  void epochSurvivesEncodeAndDecode() {
    Epoch epoch = new Epoch(42, "node-b");

    assertThat(Epoch.decode(epoch.encode())).isEqualTo(epoch);
  }

  @Test
  void emptyEpochZnodeMeansNobodyWasElected() {
    assertThat(Epoch.decode(new byte[0])).isEqualTo(Epoch.NONE);
    assertThat(Epoch.decode(null)).isEqualTo(Epoch.NONE);
  }

  @Test
  void corruptEpochZnodeIsReportedWithItsValue() {
    assertThatThrownBy(() -> Epoch.decode("epoch=x1\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("epoch=x1");
  }

  @Test
  void clusterPathsLiveUnderTheClusterName() {
    ClusterPaths paths = ClusterPaths.of("prod");

    assertThat(List.of(paths.epoch(), paths.leader(), paths.member("n1")))
        .containsExactly("/pgcdc/prod/epoch", "/pgcdc/prod/leader", "/pgcdc/prod/members/n1");
  }

  @Test
  void validConfigHasNoProblems() {
    List<String> problems = new ArrayList<>();
    new ClusterConfig("prod", "zk1:2181,zk2:2181/chroot", Duration.ofSeconds(10), Duration.ofSeconds(5), "h-1")
        .validate(problems);

    assertThat(problems).isEmpty();
  }

  @Test
  void invalidConfigListsEveryProblemWithItsKey() {
    List<String> problems = new ArrayList<>();
    new ClusterConfig("bad name", "nohost", Duration.ofSeconds(1), Duration.ofSeconds(90), "a/b")
        .validate(problems);

    assertThat(problems).hasSize(5)
        .anySatisfy(p -> assertThat(p).startsWith("cluster.name=bad name:"))
        .anySatisfy(p -> assertThat(p).startsWith("cluster.zookeeper=nohost:"))
        .anySatisfy(p -> assertThat(p).startsWith("cluster.session_timeout=1s:"))
        .anySatisfy(p -> assertThat(p).startsWith("cluster.connection_timeout=90s:"))
        .anySatisfy(p -> assertThat(p).startsWith("cluster.node_id=a/b:"));
  }
}
