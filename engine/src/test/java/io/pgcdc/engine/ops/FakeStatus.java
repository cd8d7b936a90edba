package io.pgcdc.engine.ops;

import io.pgcdc.ha.Role;
import java.util.Optional;

/** An in-memory {@link PipelineStatus} whose fields tests set directly. */
final class FakeStatus implements PipelineStatus {
  volatile Role role = Role.STANDALONE;
  volatile long epoch;
  volatile String nodeId = "node-1";
  volatile String leaderId = "node-1";
  volatile long received;
  volatile long journaled;
  volatile long confirmed;
  volatile long flushed;
  volatile long server;
  volatile long oldestPendingCommitMicros;
  volatile long lsnSafetyViolations;
  volatile long ringOccupancy;
  volatile long ringCapacity = 1024;
  volatile long snapshotRows = -1;
  volatile String problem;

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
    return Optional.ofNullable(leaderId);
  }

  @Override
  public long receivedLsn() {
    return received;
  }

  @Override
  public long journaledLsn() {
    return journaled;
  }

  @Override
  public long confirmedLsn() {
    return confirmed;
  }

  @Override
  public long flushedLsn() {
    return flushed;
  }

  @Override
  public long serverLsn() {
    return server;
  }

  @Override
  public long oldestPendingCommitMicros() {
    return oldestPendingCommitMicros;
  }

  @Override
  public long lsnSafetyViolations() {
    return lsnSafetyViolations;
  }

  @Override
  public long ringOccupancy() {
    return ringOccupancy;
  }

  @Override
  public long ringCapacity() {
    return ringCapacity;
  }

  @Override
  public long snapshotRows() {
    return snapshotRows;
  }

  @Override
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }
}
