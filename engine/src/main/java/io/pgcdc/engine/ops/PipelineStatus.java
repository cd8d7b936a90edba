package io.pgcdc.engine.ops;

import io.pgcdc.ha.Role;
import java.util.Optional;

/**
 * A read-only view of one node's replication progress, implemented by the engine and read by the
 * ops server ({@code /health}, status gauges on {@code /metrics}).
 *
 * <p>Threading: every method is called from the ops HTTP thread at any time, concurrently with
 * the pipeline. Implementations answer from volatile fields or atomics: no locks, no I/O, no
 * blocking. Values may be mutually slightly stale (each is read on its own); they never go
 * backwards within one streaming session.
 *
 * <p>LSNs are raw {@code long}s; 0 means "none yet". The ops server formats them as
 * {@code %X/%X}.
 *
 * <pre>
 *   server WAL end ... received ... journaled ... confirmed ... flushed
 *        (keepalive)   (SlotReader)  (Chronicle)   (basic.ack)   (sent to PostgreSQL)
 *   lag bytes = server WAL end - flushed
 * </pre>
 *
 * <p>A cluster node keeps one {@code PipelineStatus} for its whole life and delegates the LSN
 * methods to whichever pipeline currently runs (all zero while standby), because the ops server
 * is started once per process, not once per leadership term.
 */
public interface PipelineStatus {

  /** Leader, standby, or standalone. */
  Role role();

  /** Leader epoch this node streams under; 0 standalone; for a standby the newest epoch it saw. */
  long epoch();

  /** This node's id ({@code cluster.node_id}; host-pid when standalone). */
  String nodeId();

  /** The current leader's node id; this node's own id when leader or standalone; empty when unknown. */
  Optional<String> leaderId();

  /** End LSN of the newest WAL record the SlotReader copied into the ring. */
  long receivedLsn();

  /** End LSN of the newest transaction whose every message is appended to the journal. */
  long journaledLsn();

  /** End LSN of the newest transaction whose every message the broker confirmed. */
  long confirmedLsn();

  /** The LSN last sent to PostgreSQL as flushed (what {@code confirmed_flush_lsn} will show). */
  long flushedLsn();

  /** Newest WAL end the server reported (XLogData or keepalive); 0 when not streaming. */
  long serverLsn();

  /**
   * Commit time, in microseconds since the Unix epoch, of the oldest transaction that has been
   * received but not yet confirmed; 0 when nothing is pending. Lag in seconds is measured from it.
   */
  long oldestPendingCommitMicros();

  /** Events currently in the Disruptor ring (published by the reader, not yet released). */
  long ringOccupancy();

  /**
   * Flushed-LSN safety checks that fired in the running pipeline: a flushed-LSN candidate held back
   * because it passed a pending commit, or a transaction received with its commit below a flushed
   * LSN already reported. Always 0 unless pgcdc has a bug; each also logs one ERROR line.
   */
  long lsnSafetyViolations();

  /** Size of the Disruptor ring; 0 when no pipeline runs. */
  long ringCapacity();

  /**
   * Rows the initial snapshot being delivered has read so far ({@code source.snapshot: initial}),
   * or -1 when none is (not configured, done, or the slot already existed).
   */
  long snapshotRows();

  /**
   * Why this node is unhealthy ("not connected to PostgreSQL: ...", "pipeline stopped: ..."), or
   * empty when healthy. A standby waiting for leadership is healthy.
   */
  Optional<String> problem();
}
