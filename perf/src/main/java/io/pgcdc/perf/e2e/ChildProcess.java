package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program the bench runs as a child process with its output in one log file (pgcdc, Debezium
 * Server): its pid, liveness check with the log's last lines, and a stop that asks first
 * (SIGTERM, so the program shuts down as in production) and kills after 30 s. {@link #close()}
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

  /** Fails when the child has died (the phase would otherwise wait for its timeout). */
  final void checkAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail(readLog()));
    }
  }

  /** SIGTERM, SIGKILL after 30 s. Idempotent. */
  final void stop() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
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
