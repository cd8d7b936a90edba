package io.pgcdc.perf.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;

/**
 * Whole-machine CPU accounting per phase: at a phase's start and end it reads the CPU seconds of
 * RabbitMQ (the {@code beam.smp} tree), PostgreSQL (the postmaster's tree: every backend and the
 * walsenders, also those that exit during the phase, through the postmaster's reaped-children
 * times), the consumer under test (a supplier, see {@link #reapedChildrenSeconds()} and
 * {@link #selfSeconds()}) and the machine's busy/total ticks, and keeps the difference as a
 * {@link PhaseCpu}. Only meaningful when the servers run on this machine; otherwise their columns
 * are NaN. Windows are opened and closed on the bench's main thread; the list is safe to read
 * from any thread.
 */
final class CpuMeter {

  private final int rabbitPid;
  private final int postmasterPid;
  private final List<PhaseCpu> phases = new CopyOnWriteArrayList<>();
  private final List<BrokerSettle.Wait> settles = new CopyOnWriteArrayList<>();

  CpuMeter(int rabbitPid, int postmasterPid) {
    this.rabbitPid = rabbitPid;
    this.postmasterPid = postmasterPid;
  }

  /**
   * Finds the local RabbitMQ node and the postmaster of the server {@code db} lives on (the parent
   * of this connection's backend); -1 when either is not a process of this machine.
   */
  static CpuMeter locate(BenchDatabase db) {
    int rabbit = ProcCpu.rabbitPid(ProcCpu.all()).orElse(-1);
    int postmaster = -1;
    try (Connection c = db.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      postmaster = ProcCpu.read(rs.getInt(1)).filter(t -> t.comm().equals("postgres"))
          .map(ProcCpu.Times::ppid).orElse(-1);
    } catch (SQLException e) {
      System.err.println("bench: cannot find PostgreSQL's postmaster: " + e.getMessage());
    }
    System.out.printf("bench: CPU accounting: RabbitMQ beam.smp pid %s, PostgreSQL postmaster pid %s%n",
        rabbit < 0 ? "not on this machine" : rabbit, postmaster < 0 ? "not on this machine" : postmaster);
    return new CpuMeter(rabbit, postmaster);
  }

  /** CPU seconds of children of this JVM that exited and were reaped (pg_recvlogical after its phase). */
  static double reapedChildrenSeconds() {
    ProcCpu.Times self = ProcCpu.self();
    return (self.cutime() + self.cstime()) / ProcCpu.TICKS_PER_SECOND;
  }

  /** CPU seconds of this JVM, every thread (the raw publisher's phase). */
  static double selfSeconds() {
    return ProcCpu.self().ownTicks() / ProcCpu.TICKS_PER_SECOND;
  }

  /** The RabbitMQ node's own CPU seconds (no /proc scan: cheap enough to poll); NaN when unknown. */
  double brokerSeconds() {
    return rabbitPid < 0 ? Double.NaN
        : ProcCpu.read(rabbitPid).map(t -> t.ownTicks() / ProcCpu.TICKS_PER_SECOND).orElse(Double.NaN);
  }

  private PhaseCpu.Snapshot snapshot(List<ProcCpu.Times> all, DoubleSupplier consumerSeconds) {
    double consumer = consumerSeconds.getAsDouble();
    ProcCpu.MachineTicks machine = ProcCpu.machine();
    long nanos = System.nanoTime();
    return new PhaseCpu.Snapshot(nanos, rabbitPid < 0 ? Double.NaN : ProcCpu.treeSeconds(all, rabbitPid),
        postmasterPid < 0 ? Double.NaN : ProcCpu.treeSeconds(all, postmasterPid), consumer, machine);
  }

  /**
   * Starts accounting a phase now; {@link Window#close} ends it. {@code consumerPid} (-1 when the
   * consumer is not one live process) is left out of the "other" processes listed at the end.
   */
  Window open(String phase, String consumer, long consumerPid, DoubleSupplier consumerSeconds) {
    List<ProcCpu.Times> all = ProcCpu.all();
    return new Window(phase, consumer, consumerPid, consumerSeconds, all, snapshot(all, consumerSeconds));
  }

  /**
   * The {@code n} processes outside {@code excluded} that used the most CPU of their own between
   * the two scans (a process that started meanwhile counts whole; one that exited is missing), as
   * {@code "comm[pid where] seconds"} ({@code where}: e.g. the working directory): who the "other" CPU was.
   */
  static List<String> topOthers(List<ProcCpu.Times> start, List<ProcCpu.Times> end, Set<Integer> excluded, int n,
                                IntFunction<String> where) {
    Map<Integer, Long> before = new HashMap<>();
    start.forEach(t -> before.put(t.pid(), t.ownTicks()));
    return end.stream().filter(t -> !excluded.contains(t.pid()))
        .map(t -> Map.entry(t, t.ownTicks() - before.getOrDefault(t.pid(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<ProcCpu.Times, Long>comparingByValue().reversed()).limit(n)
        .map(e -> String.format(Locale.ROOT, "%s[%d%s] %.2f s", e.getKey().comm(), e.getKey().pid(),
            where.apply(e.getKey().pid()), e.getValue() / ProcCpu.TICKS_PER_SECOND))
        .toList();
  }

  private Set<Integer> accountedPids(List<ProcCpu.Times> all, long consumerPid) {
    Set<Integer> pids = new HashSet<>(ProcCpu.treePids(all, rabbitPid));
    pids.addAll(ProcCpu.treePids(all, postmasterPid));
    pids.add((int) consumerPid);
    return pids;
  }

  void settled(BrokerSettle.Wait wait) {
    settles.add(wait);
  }

  MachineAccount account() {
    return new MachineAccount(List.copyOf(phases), List.copyOf(settles));
  }

  /** One phase being accounted. */
  final class Window {
    private final String phase;
    private final String consumer;
    private final long consumerPid;
    private final DoubleSupplier consumerSeconds;
    private final List<ProcCpu.Times> startProcesses;
    private final PhaseCpu.Snapshot start;
    private PhaseCpu result;

    private Window(String phase, String consumer, long consumerPid, DoubleSupplier consumerSeconds,
                   List<ProcCpu.Times> startProcesses, PhaseCpu.Snapshot start) {
      this.phase = phase;
      this.consumer = consumer;
      this.consumerPid = consumerPid;
      this.consumerSeconds = consumerSeconds;
      this.startProcesses = startProcesses;
      this.start = start;
    }

    /** Ends the phase (the first call counts; later calls return the same figures) and prints one line. */
    PhaseCpu close(long events) {
      if (result == null) {
        List<ProcCpu.Times> all = ProcCpu.all();
        result = PhaseCpu.between(phase, consumer, events, start, snapshot(all, consumerSeconds),
            topOthers(startProcesses, all, accountedPids(all, consumerPid), 3, ProcCpu::workingDirectory));
        phases.add(result);
        System.out.printf(Locale.ROOT, "bench: %s CPU µs/event: broker %.1f, PostgreSQL %.1f, %s %.1f, other %.1f"
                + " (most: %s); machine %.0f%% busy over %.2f s%n", phase, result.brokerMicrosPerEvent(),
            result.postgresMicrosPerEvent(), consumer, result.consumerMicrosPerEvent(), result.otherMicrosPerEvent(),
            String.join(", ", result.topOthers()), result.busyPercent(), result.wallSeconds());
      }
      return result;
    }
  }

  /** What the meter collected, for the report. Immutable. */
  record MachineAccount(List<PhaseCpu> phases, List<BrokerSettle.Wait> settles) {
    static final MachineAccount NONE = new MachineAccount(List.of(), List.of());
  }
}
