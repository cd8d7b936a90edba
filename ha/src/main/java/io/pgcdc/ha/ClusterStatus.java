package io.pgcdc.ha;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a cluster as {@code pgcdc status} prints it.
 *
 * @param members registered nodes, sorted by id
 * @param leaderId the node holding the leader mutex, if any
 * @param epoch the newest epoch won, and by whom
 */
public record ClusterStatus(List<Member> members, Optional<String> leaderId, Epoch epoch) {
  public ClusterStatus {
    members = List.copyOf(members);
  }
}
