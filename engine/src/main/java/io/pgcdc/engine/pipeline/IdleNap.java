package io.pgcdc.engine.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * How long a polling thread (a ring stage, the slot reader) naps next: naps double from a short
 * first one up to a busy cap while work was seen in the last {@link #GRACE_NANOS}, and up to
 * {@link #IDLE_MAX_NANOS} once the thread has been idle longer than that.
 *
 * <p>Why: each wake-up costs 10-30 µs of CPU on this kind of VM (a timer interrupt, a futex, a
 * context switch), so four threads napping at most 0.2-0.8 ms kept an idle pgcdc at ~14 % of a
 * core; with these naps it is ~9 % (perf/README.md, "Idle CPU"). Traffic with gaps shorter than
 * the grace (5 events/s or more) never sees a long nap, so its latency does not change (a 20 ms
 * grace added ~5 ms at p50 at 20 transactions/s); the first event after an idle spell waits at most
 * one long nap per thread. A ring stage's wait restarts every 500 ms (its timeout), so stages save
 * less than the reader.
 *
 * <p>Threading: stateless.
 */
public final class IdleNap {
  /** Idle time after which naps may grow past the busy cap. */
  public static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** Longest nap of an idle thread. */
  public static final long IDLE_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

  private IdleNap() {
  }

  /**
   * The nap after {@code nap}: twice as long, at most {@code busyMaxNanos} while the thread has been
   * idle for less than {@link #GRACE_NANOS}, else at most {@link #IDLE_MAX_NANOS} (or
   * {@code busyMaxNanos} when that is longer).
   */
  public static long next(long nap, long busyMaxNanos, long idleNanos) {
    long cap = idleNanos < GRACE_NANOS ? busyMaxNanos : Math.max(busyMaxNanos, IDLE_MAX_NANOS);
    return Math.min(nap << 1, cap);
  }
}
