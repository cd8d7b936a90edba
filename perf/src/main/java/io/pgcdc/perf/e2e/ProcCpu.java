package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time as Linux reports it in {@code /proc}: per process ({@code /proc/<pid>/stat}), per
 * thread ({@code /proc/<pid>/task}) and for the whole machine ({@code /proc/stat}), in clock ticks
 * of 1/100 s (USER_HZ on every Linux here). Stateless; any thread. Nothing here is on a measured
 * path: a whole {@code /proc} scan is a few hundred small reads, done at phase boundaries only.
 */
final class ProcCpu {

  static final double TICKS_PER_SECOND = 100;

  private ProcCpu() {
  }

  /**
   * The CPU fields of one {@code /proc/<pid>/stat} line. {@code cutime}/{@code cstime} hold what
   * children that already exited (and were reaped by this process) used, their own children
   * included: so the sum of {@link #withReapedTicks()} over the live processes of a tree is all
   * the CPU the tree ever used, even when backends come and go during a phase.
   */
  record Times(int pid, String comm, int ppid, long utime, long stime, long cutime, long cstime) {

    long ownTicks() {
      return utime + stime;
    }

    long withReapedTicks() {
      return utime + stime + cutime + cstime;
    }

    /** Parses a stat line; the command name (field 2) may hold spaces and parentheses. */
    static Times parse(String stat) {
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      String[] f = stat.substring(close + 2).trim().split(" ");
      // f[0] is field 3 (state): field n is f[n - 3]
      return new Times(Integer.parseInt(stat.substring(0, open).trim()), stat.substring(open + 1, close),
          Integer.parseInt(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
          Long.parseLong(f[14]));
    }
  }

  /** The machine's CPU ticks, all cores: busy (not idle, not iowait), idle waiting on I/O, and total. */
  record MachineTicks(long busy, long iowait, long total) {

    /** Parses the aggregate {@code cpu} line of {@code /proc/stat}. */
    static MachineTicks parse(String procStat) {
      for (String line : procStat.split("\n")) {
        if (line.startsWith("cpu ")) {
          String[] f = line.substring(4).trim().split("\\s+");
          long total = 0;
          // user nice system idle iowait irq softirq steal; guest time is already inside user
          for (int i = 0; i < Math.min(8, f.length); i++) {
            total += Long.parseLong(f[i]);
          }
          long iowait = f.length > 4 ? Long.parseLong(f[4]) : 0;
          return new MachineTicks(total - Long.parseLong(f[3]) - iowait, iowait, total);
        }
      }
      throw new IllegalArgumentException("no aggregate cpu line in /proc/stat");
    }
  }

  static Optional<Times> read(long pid) {
    try {
      return Optional.of(Times.parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    } catch (IOException | RuntimeException gone) {
      return Optional.empty();
    }
  }

  /** This JVM (the bench). */
  static Times self() {
    return read(ProcessHandle.current().pid()).orElseThrow(() -> new IllegalStateException("no /proc/self/stat"));
  }

  /** Every process visible now; processes that exit while being read are skipped. */
  static List<Times> all() {
    List<Times> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
      dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(d -> read(Long.parseLong(d.getFileName().toString())).ifPresent(out::add));
    } catch (IOException e) {
      // no /proc: empty, the report shows n/a
    }
    return out;
  }

  static MachineTicks machine() {
    try {
      return MachineTicks.parse(Files.readString(Path.of("/proc/stat")));
    } catch (IOException | RuntimeException e) {
      return new MachineTicks(0, 0, 0);
    }
  }

  /** CPU seconds of {@code root} and all its live descendants, reaped children included; NaN when root is gone. */
  static double treeSeconds(List<Times> processes, int root) {
    List<Times> tree = tree(processes, root);
    return tree.isEmpty() ? Double.NaN : tree.stream().mapToLong(Times::withReapedTicks).sum() / TICKS_PER_SECOND;
  }

  /** Pids of {@code root} and its live descendants (empty when root is gone). */
  static List<Integer> treePids(List<Times> processes, int root) {
    return tree(processes, root).stream().map(Times::pid).toList();
  }

  private static List<Times> tree(List<Times> processes, int root) {
    Map<Integer, List<Times>> children = new TreeMap<>();
    List<Times> todo = new ArrayList<>();
    for (Times t : processes) {
      children.computeIfAbsent(t.ppid(), k -> new ArrayList<>()).add(t);
      if (t.pid() == root) {
        todo.add(t);
      }
    }
    List<Times> tree = new ArrayList<>();
    while (!todo.isEmpty()) {
      Times t = todo.remove(todo.size() - 1);
      tree.add(t);
      todo.addAll(children.getOrDefault(t.pid(), List.of()));
    }
    return tree;
  }

  /** The RabbitMQ node: the {@code beam.smp} whose command line boots {@code rabbit}. */
  static OptionalInt rabbitPid(List<Times> processes) {
    return processes.stream().filter(t -> t.comm().equals("beam.smp"))
        .filter(t -> commandLine(t.pid()).contains("rabbit boot")).mapToInt(Times::pid).min();
  }

  /** " in <cwd>" of a process (whose build or test it is), "" when unreadable. */
  static String workingDirectory(int pid) {
    try {
      return " in " + Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd"));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String commandLine(int pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"))).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * CPU seconds per thread name of {@code pid} so far ({@code task/<tid>/comm}: 15 characters of a
   * Java thread's name; same-named threads such as {@code GC Thread#0}/{@code #1} summed).
   */
  static Map<String, Double> threadSeconds(long pid) {
    Map<String, Double> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("#?\\d+$", "");
          byName.merge(name, Times.parse(Files.readString(task.resolve("stat"))).ownTicks() / TICKS_PER_SECOND,
              Double::sum);
        } catch (IOException | RuntimeException ended) {
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

  /**
   * One report line: where a process's CPU went between two {@link #threadSeconds} samples, per
   * thread name, seconds and µs per event, largest first, threads under 0.05 s left out.
   */
  static String threadCpuLine(String who, Map<String, Double> before, Map<String, Double> after, long events) {
    return threadCpuLine(who, "during the backlog", before, after, events);
  }

  /** The same over another span, e.g. {@code "after the warm-up"}. */
  static String threadCpuLine(String who, String span, Map<String, Double> before, Map<String, Double> after,
                              long events) {
    StringBuilder line = new StringBuilder("bench: " + who + " CPU by thread " + span + " (s, µs/event):");
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() >= 0.05)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.2f (%.1f);", e.getKey(), e.getValue(),
            e.getValue() * 1e6 / Math.max(1, events))));
    return line.toString();
  }
}
