package io.pgcdc.perf.e2e;

import java.util.List;
import java.util.Locale;

/**
 * Where the whole machine's CPU went during one backlog phase: the broker (RabbitMQ's
 * {@code beam.smp} tree), PostgreSQL (every process of the server: the walsender decodes), the
 * consumer under test, and the rest ({@code other}: the bench's own samplers, other users of the
 * machine). Seconds are CPU seconds (user + system) between the phase's start and end; the
 * machine figures come from {@code /proc/stat} over all cores. Immutable; NaN where unknown.
 *
 * @param phase               e.g. {@code "(a) pg_recvlogical v1"}
 * @param consumer            what {@code consumerSeconds} covers, e.g. {@code "pgcdc JVM"}
 * @param events              events the phase moved
 * @param wallSeconds         wall-clock seconds between the two snapshots
 * @param brokerSeconds       RabbitMQ's CPU seconds
 * @param postgresSeconds     PostgreSQL's CPU seconds
 * @param consumerSeconds     the consumer's CPU seconds
 * @param machineBusySeconds  CPU seconds all cores were busy (not idle, not iowait)
 * @param machineIowaitSeconds CPU seconds cores were idle with I/O outstanding (disk waits, e.g. fsync)
 * @param machineTotalSeconds CPU seconds available on all cores (wall x cores, as the kernel counts)
 * @param topOthers           the processes that used most of the rest, {@code "comm[pid] seconds"}
 */
record PhaseCpu(String phase, String consumer, long events, double wallSeconds, double brokerSeconds,
                double postgresSeconds, double consumerSeconds, double machineBusySeconds,
                double machineIowaitSeconds, double machineTotalSeconds, List<String> topOthers) {

  /** At or above this share of all cores busy, the phase was CPU-bound. */
  static final double CPU_BOUND_PERCENT = 90;

  double brokerMicrosPerEvent() {
    return perEvent(brokerSeconds);
  }

  double postgresMicrosPerEvent() {
    return perEvent(postgresSeconds);
  }

  double consumerMicrosPerEvent() {
    return perEvent(consumerSeconds);
  }

  /** Busy CPU not accounted to broker, PostgreSQL or consumer. */
  double otherSeconds() {
    return machineBusySeconds - brokerSeconds - postgresSeconds - consumerSeconds;
  }

  double otherMicrosPerEvent() {
    return perEvent(otherSeconds());
  }

  /** Share of all cores busy, %. */
  double busyPercent() {
    return machineTotalSeconds > 0 ? 100 * machineBusySeconds / machineTotalSeconds : Double.NaN;
  }

  /** Share of all cores idle while waiting on I/O, %. */
  double iowaitPercent() {
    return machineTotalSeconds > 0 ? 100 * machineIowaitSeconds / machineTotalSeconds : Double.NaN;
  }

  /** "CPU-bound; most: broker" when the cores were (nearly) saturated, else how busy they were. */
  String verdict() {
    double busy = busyPercent();
    if (Double.isNaN(busy)) {
      return "n/a";
    }
    if (busy < CPU_BOUND_PERCENT) {
      return String.format(Locale.ROOT, "not CPU-bound (%.0f%% busy, %.0f%% iowait): waits on disk, round trips"
          + " or pauses", busy, iowaitPercent());
    }
    String top = "broker";
    double most = brokerSeconds;
    if (postgresSeconds > most) {
      top = "PostgreSQL";
      most = postgresSeconds;
    }
    if (consumerSeconds > most) {
      top = "consumer";
      most = consumerSeconds;
    }
    if (otherSeconds() > most) {
      top = "other";
    }
    return "CPU-bound; most: " + top;
  }

  private double perEvent(double seconds) {
    return events > 0 ? seconds * 1e6 / events : Double.NaN;
  }

  /** CPU counters read at one instant; {@link #between} subtracts two of them. */
  record Snapshot(long nanos, double brokerSeconds, double postgresSeconds, double consumerSeconds,
                  ProcCpu.MachineTicks machine) { }

  static PhaseCpu between(String phase, String consumer, long events, Snapshot start, Snapshot end,
                          List<String> topOthers) {
    return new PhaseCpu(phase, consumer, events, (end.nanos() - start.nanos()) / 1e9,
        end.brokerSeconds() - start.brokerSeconds(), end.postgresSeconds() - start.postgresSeconds(),
        end.consumerSeconds() - start.consumerSeconds(),
        (end.machine().busy() - start.machine().busy()) / ProcCpu.TICKS_PER_SECOND,
        (end.machine().iowait() - start.machine().iowait()) / ProcCpu.TICKS_PER_SECOND,
        (end.machine().total() - start.machine().total()) / ProcCpu.TICKS_PER_SECOND, List.copyOf(topOthers));
  }
}
