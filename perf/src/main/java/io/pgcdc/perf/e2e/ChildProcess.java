package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program the bench runs as a child process with its output in one log file (pgcdc, Debezium
 * Server): its pid, liveness check with the log's last lines, and a stop that asks first
 * (SIGTERM, so the program shuts down as in production) and kills after 30 s, also for
 * all the bench's children at once ({@link #stopAll}). {@link #close()}
 * may run on the bench's main thread and on its shutdown hook; both calls are safe.
 */
abstract class ChildProcess implements AutoCloseable {

  protected final Process process;
  private final Path log;
  private final String name;

  protected ChildProcess(Process process, Path log, String name) {
    this.process = process;
    this.log = log;
    this.name = name;
  }

  final long pid() {
    return process.pid();
  }

  final Path log() {
    return log;
  }

  /** CPU seconds (user + system, every thread) the child used so far ({@link ProcCpu}); NaN when unreadable. */
  final double cpuSeconds() {
    return ProcCpu.read(process.pid()).map(t -> t.ownTicks() / ProcCpu.TICKS_PER_SECOND).orElse(Double.NaN);
  }

  /** CPU seconds per thread name so far ({@link ProcCpu#threadSeconds}). */
  final Map<String, Double> threadCpuSeconds() {
    return ProcCpu.threadSeconds(process.pid());
  }

  /** Fails when the child has died (the phase would otherwise wait for its timeout). */
  final void checkAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail(readLog()));
    }
  }

  /** SIGTERM, SIGKILL after 30 s. Idempotent. */
  final void stop() throws InterruptedException {
    stopAll(List.of(process.toHandle()));
  }

  /**
   * SIGTERM to every process of {@code processes} at once, then SIGKILL to those still alive 30 s
   * later (each then gets 10 s to go). Also used by the shutdown hook for every child of the bench.
   */
  static void stopAll(List<ProcessHandle> processes) throws InterruptedException {
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ProcessHandle p : processes) {
      if (!awaitExit(p, deadline - System.nanoTime())) {
        p.destroyForcibly();
        awaitExit(p, TimeUnit.SECONDS.toNanos(10));
      }
    }
  }

  private static boolean awaitExit(ProcessHandle p, long nanos) throws InterruptedException {
    try {
      p.onExit().get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return !p.isAlive();
    }
  }

  /** {@link #stop()}; when interrupted, SIGKILL at once and keep the interrupt. */
  @Override
  public final void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The log so far ("" before the child wrote it). */
  final String readLog() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** The last five lines of a log that are not stack frames, joined for one error message. */
  static String tail(String text) {
    List<String> lines = text.lines().filter(l -> !l.startsWith("\tat ")).toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }
}
