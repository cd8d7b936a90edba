package io.pgcdc.ha;

/** Why a leadership term ended (argument of {@link LeadershipListener#onRevoked}). */
public enum RevokeReason {
  /** The ZooKeeper session expired (Curator {@code LOST}): another node may already lead. */
  SESSION_LOST,
  /**
   * The connection came back after a {@code SUSPENDED} spell. The session survived, but the
   * node gives leadership up anyway and contends again: it never resumes a term it stopped.
   */
  RECONNECTED,
  /** The epoch znode holds a newer epoch than the one this term won. */
  SUPERSEDED,
  /** {@link ClusterNode#close()} was called. */
  CLOSED,
  /** {@link LeadershipListener#onElected} threw: another node gets its chance. */
  FAILED,
  /** The Curator leader thread was interrupted or failed while leading. */
  INTERRUPTED
}
