package io.pgcdc.ha;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListener;
import org.apache.curator.framework.state.ConnectionState;

/**
 * Adapts {@link ClusterNode} to Curator's {@link LeaderSelectorListener}: a term lasts exactly as
 * long as {@link #takeLeadership} runs, on the selector's {@code pgcdc-ha-leader-<id>} thread.
 */
final class Contender implements LeaderSelectorListener {
  private final ClusterNode node;

  Contender(ClusterNode node) {
    this.node = node;
  }

  @Override
  public void takeLeadership(CuratorFramework client) throws Exception {
    node.lead();
  }

  /**
   * Deliberately empty: {@link ClusterNode} registers its own connection-state listener before
   * the client starts (this one is added by the selector later and would miss CONNECTED), and
   * ends terms itself instead of Curator's interrupt-based {@code CancelLeadershipException}.
   */
  @Override
  public void stateChanged(CuratorFramework client, ConnectionState newState) {
    // see javadoc
  }
}
