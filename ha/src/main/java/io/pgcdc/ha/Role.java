package io.pgcdc.ha;

/**
 * What a node is doing right now, as shown by {@code /health}, {@code /metrics} and
 * {@code pgcdc status}.
 */
public enum Role {
  /** No {@code cluster:} section: the node streams on its own, epoch 0. */
  STANDALONE,
  /** Holds leadership with a fresh lease: streams and publishes. */
  LEADER,
  /**
   * Won leadership, then lost the ZooKeeper connection: publishes nothing from that moment. The
   * term never resumes; it ends when the connection comes back (RECONNECTED) or the session is
   * lost, and the node becomes a {@link #STANDBY}. Meanwhile another node may already lead.
   */
  SUSPENDED,
  /** Contending, or waiting for ZooKeeper: publishes nothing. */
  STANDBY;

  /** Lower-case name used on the wire ({@code "leader"}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
