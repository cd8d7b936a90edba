package io.pgcdc.engine.ops;

import java.time.Clock;

/** How far a node trails its source, derived from {@link PipelineStatus}. Stateless. */
final class Lag {
  private static final double MICROS_PER_SECOND = 1_000_000.0;

  private Lag() {}

  /**
   * WAL bytes the server has that PostgreSQL may not yet discard: the server's reported WAL end
   * minus the flushed LSN; 0 when not streaming.
   */
  static long bytes(PipelineStatus status) {
    long server = status.serverLsn();
    long flushed = status.flushedLsn();
    // Compare unsigned: LSNs are unsigned 64-bit positions.
    return server == 0 || Long.compareUnsigned(server, flushed) <= 0 ? 0 : server - flushed;
  }

  /**
   * Age of the oldest received but unconfirmed transaction: 0 when nothing is pending, so an idle
   * source reads 0 and a stalled sink makes it grow.
   */
  static double seconds(PipelineStatus status, Clock clock) {
    long pendingSince = status.oldestPendingCommitMicros();
    if (pendingSince == 0) {
      return 0.0;
    }
    long nowMicros = Math.multiplyExact(clock.millis(), 1000L);
    return Math.max(0L, nowMicros - pendingSince) / MICROS_PER_SECOND;
  }
}
