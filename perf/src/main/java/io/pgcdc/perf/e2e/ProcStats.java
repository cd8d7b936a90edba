package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What Linux's {@code /proc} says about a child process (pgcdc, Debezium Server): CPU seconds of
 * the whole process and per thread name, and peak RSS. Stateless; any thread. Every figure is
 * NaN / empty / -1 when the process is gone or the file unreadable, so a sample never fails a
 * phase.
 */
final class ProcStats {

  /** Clock ticks per second of {@code /proc/<pid>/stat}'s utime/stime (USER_HZ, 100 on every Linux here). */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStats() {
  }

  /** CPU seconds (user + system, every thread) {@code pid} used so far, from fields 14 and 15 of its stat. */
  static double cpuSeconds(long pid) {
    try {
      return statCpuSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds per thread name so far ({@code /proc/<pid>/task/<tid>/comm} and {@code stat}; the
   * kernel keeps 15 characters of a Java thread's name, and same-named threads such as
   * {@code GC Thread#0}/{@code #1} are summed under their name without the number).
   */
  static Map<String, Double> threadCpuSeconds(long pid) {
    Map<String, Double> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("#?\\d+$", "");
          byName.merge(name, statCpuSeconds(Files.readString(task.resolve("stat"))), Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // process gone: empty
    }
    return byName;
  }

  /** VmHWM (peak resident set so far, KiB) of {@code pid}; -1 when unreadable. */
  static long vmHwmKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      System.err.println("bench: cannot read VmHWM of pid " + pid + ": " + e.getMessage());
    }
    return -1;
  }

  /** utime + stime of one {@code stat} line, seconds. */
  static double statCpuSeconds(String stat) {
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }

  /**
   * One report line: where a process's CPU went between two {@link #threadCpuSeconds} samples,
   * per thread name, seconds and µs per event, largest first, threads under 0.05 s left out.
   */
  static String threadCpuLine(String label, Map<String, Double> before, Map<String, Double> after, long events) {
    StringBuilder line = new StringBuilder("bench: " + label + " CPU by thread during the backlog (s, µs/event):");
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() >= 0.05)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.2f (%.1f);", e.getKey(), e.getValue(),
            e.getValue() * 1e6 / Math.max(1, events))));
    return line.toString();
  }
}
