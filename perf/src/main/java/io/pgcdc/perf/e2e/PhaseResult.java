package io.pgcdc.perf.e2e;

import java.util.List;

/**
 * What one backlog consumer achieved: how many events it moved, how many bytes (WAL bytes for
 * the WAL sender, message body bytes for the brokers' publishers), in how many seconds, plus its
 * throughput over time. Immutable.
 *
 * @param name        short label, e.g. {@code "pg_recvlogical"}
 * @param limits      what this number is bounded by, one phrase for the report
 * @param events      events (row changes) consumed
 * @param bytes       bytes counted for MB/s
 * @param bytesKind   what {@code bytes} are ("WAL", "body")
 * @param seconds     wall-clock seconds from start to the end condition
 * @param parts       rates of the backlog's parts (big transactions, single-row; after the warm-up,
 *                    {@link #AFTER_WARM_UP}), may be empty
 * @param throughput  events/s over time
 */
record PhaseResult(String name, String limits, long events, long bytes, String bytesKind, double seconds,
                   List<PartRate> parts, Series throughput) {

  /** Label of the part after the backlog's warm-up ({@code --backlog-warm-up}): the steady rate. */
  static final String AFTER_WARM_UP = "after warm-up (steady)";

  /** Rate of one part of the backlog, e.g. the 10 000-row transactions. */
  record PartRate(String part, long events, double seconds) {
    double eventsPerSecond() {
      return seconds > 0 ? events / seconds : Double.NaN;
    }
  }

  double eventsPerSecond() {
    return seconds > 0 ? events / seconds : Double.NaN;
  }

  double megabytesPerSecond() {
    return seconds > 0 ? bytes / seconds / 1_000_000.0 : Double.NaN;
  }

  /** {@code cpuSeconds} spent on this phase's events, in µs per event (NaN without events). */
  double microsPerEvent(double cpuSeconds) {
    return events == 0 ? Double.NaN : cpuSeconds * 1e6 / events;
  }

  /** This phase's events/s divided by {@code other}'s (NaN when either is unknown). */
  double ratioTo(PhaseResult other) {
    return other == null ? Double.NaN : eventsPerSecond() / other.eventsPerSecond();
  }

  /** The part measured after the backlog's warm-up, or null without one (or when it was not reached). */
  PartRate afterWarmUp() {
    return parts.stream().filter(p -> AFTER_WARM_UP.equals(p.part())).findFirst().orElse(null);
  }

  /** Steady events/s: over the part after the warm-up; NaN without one. */
  double steadyEventsPerSecond() {
    PartRate steady = afterWarmUp();
    return steady == null ? Double.NaN : steady.eventsPerSecond();
  }

  /** This phase's steady events/s divided by {@code other}'s (NaN when either is unknown). */
  double steadyRatioTo(PhaseResult other) {
    return other == null ? Double.NaN : steadyEventsPerSecond() / other.steadyEventsPerSecond();
  }

  /**
   * The part after the warm-up, which the consumer passed {@code warmUpPassed} s into a phase of
   * {@code total} s; empty without a warm-up or when the passing time is unknown.
   */
  static List<PartRate> afterWarmUp(Backlog backlog, double warmUpPassed, double total) {
    if (!backlog.hasWarmUp() || Double.isNaN(warmUpPassed) || warmUpPassed >= total) {
      return List.of();
    }
    return List.of(new PartRate(AFTER_WARM_UP, backlog.measuredEvents(), total - warmUpPassed));
  }

  /**
   * The rates of a backlog's two parts (big, then single-row transactions) from a consumer's
   * cumulative event count: the big part ends where the count passes its row count, the rest
   * takes the time left to {@code total}; empty when the backlog has one part or the count never
   * got there.
   */
  static List<PartRate> parts(Backlog backlog, Series events, double total) {
    double boundary = events.timeToReach(backlog.batchedRows());
    if (Double.isNaN(boundary) || backlog.batchedRows() == 0 || backlog.singleRows() == 0) {
      return List.of();
    }
    return List.of(new PartRate(backlog.txnSize() + "-row txns", backlog.batchedRows(), boundary),
        new PartRate("1-row txns", backlog.singleRows(), total - boundary));
  }

  /** {@code parts} followed by {@code more}. */
  static List<PartRate> concat(List<PartRate> parts, List<PartRate> more) {
    List<PartRate> all = new java.util.ArrayList<>(parts);
    all.addAll(more);
    return List.copyOf(all);
  }
}
