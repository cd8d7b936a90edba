package io.pgcdc.engine;

import io.pgcdc.engine.ops.PipelineStatus;
import io.pgcdc.ha.Role;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one {@link PipelineStatus} of a process: role, epoch and node id of this node, LSNs of
 * whichever {@link Pipeline} runs right now (zeros while none does, e.g. on a standby).
 *
 * <p>Threading: setters are called by the node runner; getters by the ops HTTP thread at any time.
 * All state is volatile; nothing blocks.
 */
public final class NodeStatus implements PipelineStatus {
  private final String nodeId;
  private volatile Role role;
  private volatile long epoch;
  private volatile Pipeline pipeline;
  private volatile String problem;
  private volatile Supplier<Optional<String>> leader;

  public NodeStatus(String nodeId, Role role) {
    this.nodeId = nodeId;
    this.role = role;
    this.leader = () -> Optional.of(nodeId);
  }

  /** The pipeline whose LSNs to report, or null when none runs. */
  public void attach(Pipeline running) {
    this.pipeline = running;
  }

  public void role(Role newRole) {
    this.role = newRole;
  }

  public void epoch(long newEpoch) {
    this.epoch = newEpoch;
  }

  /** A problem outside any pipeline (e.g. the last pipeline failed to start); null clears it. */
  public void problem(String newProblem) {
    this.problem = newProblem;
  }

  /** Where {@link #leaderId()} comes from (a cluster view); defaults to this node. */
  public void leader(Supplier<Optional<String>> source) {
    this.leader = source;
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public Optional<String> leaderId() {
    return role == Role.LEADER || role == Role.STANDALONE ? Optional.of(nodeId) : leader.get();
  }

  @Override
  public long receivedLsn() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.receivedLsn();
  }

  @Override
  public long journaledLsn() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.journaledLsn();
  }

  @Override
  public long confirmedLsn() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.confirmedLsn();
  }

  @Override
  public long flushedLsn() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.flushedLsn();
  }

  @Override
  public long serverLsn() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.serverLsn();
  }

  @Override
  public long oldestPendingCommitMicros() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.oldestPendingCommitMicros();
  }

  @Override
  public long lsnSafetyViolations() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.lsnSafetyViolations();
  }

  @Override
  public long ringOccupancy() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.ringOccupancy();
  }

  @Override
  public long ringCapacity() {
    Pipeline p = pipeline;
    return p == null ? 0 : p.ringCapacity();
  }

  @Override
  public long snapshotRows() {
    Pipeline p = pipeline;
    return p == null ? -1 : p.snapshotRows();
  }

  /**
   * The pipeline's problem, else the node's own; a {@link Role#SUSPENDED} leader is unhealthy
   * (it publishes nothing and, without ZooKeeper, cannot tell whether it still leads).
   */
  @Override
  public Optional<String> problem() {
    Pipeline p = pipeline;
    Optional<String> own = p == null ? Optional.empty() : p.problem();
    if (own.isPresent()) {
      return own;
    }
    if (role == Role.SUSPENDED) {
      return Optional.of("ZooKeeper connection lost while leading epoch " + epoch + ": publishing stopped until"
          + " the connection returns (then this node stands by and contends again) or the session expires");
    }
    return Optional.ofNullable(problem);
  }
}
