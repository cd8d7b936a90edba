package io.pgcdc.ha;

/**
 * What the engine does when this node's leadership changes.
 *
 * <p>Threading: every callback runs on the node's single event thread
 * ({@code pgcdc-ha-events-<nodeId>}), one at a time, in the order the events happened. A term is
 * always reported as {@code onElected(e)}, then at most one {@code onSuspended(e)}, then exactly
 * one {@code onRevoked(e, reason)}; a later term has a strictly larger epoch. A callback that
 * throws is logged and does not stop the node.
 *
 * <p>Callbacks are notifications, not the fence: {@link ClusterNode#isLeading(long)} turns false
 * before {@code onSuspended}/{@code onRevoked} are queued, so the publish path must check it
 * itself (it is a volatile read plus {@code System.nanoTime()}). One exception: for
 * {@link RevokeReason#CLOSED} (this node's own clean shutdown, mutex and session still held) it
 * stays true during {@code onRevoked}, under the last lease, so the pipeline can drain; a
 * connection loss still ends it at once.
 */
public interface LeadershipListener {

  /**
   * This node won leadership and incremented the cluster epoch to {@code epoch}: start the
   * pipeline, stamp {@code epoch} on every message, and publish only while
   * {@code isLeading(epoch)} holds.
   */
  void onElected(long epoch);

  /**
   * The ZooKeeper connection is suspended while leading: stop publishing at once (leave the
   * pipeline up). {@code isLeading(epoch)} is already false. An {@link #onRevoked} always follows.
   */
  void onSuspended(long epoch);

  /**
   * The term that won {@code epoch} is over: tear the pipeline down (stop reading the slot, close
   * the publisher; for {@link RevokeReason#CLOSED} after letting what is in flight be confirmed). The node releases leadership only after this method returns (bounded by twice
   * the session timeout), so a clean handover never has two publishers.
   */
  void onRevoked(long epoch, RevokeReason reason);

  /**
   * Thrown by {@link #onElected} to hand leadership on (the term ends as {@link RevokeReason#FAILED}
   * and the node requeues after a backoff); logged as one line, as an expected outcome.
   */
  final class Declined extends RuntimeException {
    public Declined(String message) {
      super(message, null, false, false);
    }
  }
}
