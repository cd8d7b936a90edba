package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.ha.Role;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeStatusTest {

  @Test
  void aSuspendedLeaderIsUnhealthyAndDoesNotClaimToLead() {
    NodeStatus status = new NodeStatus("n1", Role.STANDBY);
    status.leader(Optional::empty);
    status.epoch(7);
    status.role(Role.LEADER);
    assertThat(status.problem()).isEmpty();
    assertThat(status.leaderId()).contains("n1");

    status.role(Role.SUSPENDED);

    assertThat(status.problem()).hasValueSatisfying(p -> assertThat(p)
        .contains("ZooKeeper connection lost while leading epoch 7").contains("publishing stopped"));
    assertThat(status.leaderId()).as("who leads is unknown without ZooKeeper").isEmpty();
  }

  @Test
  void aStandbyNamesTheLeaderItLastSawAndIsHealthy() {
    NodeStatus status = new NodeStatus("n2", Role.STANDBY);
    status.leader(() -> Optional.of("n1"));

    assertThat(status.leaderId()).contains("n1");
    assertThat(status.problem()).isEmpty();
  }
}
