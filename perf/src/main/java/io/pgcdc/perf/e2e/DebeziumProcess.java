package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Debezium Server as a child JVM, started as its {@code run.sh} starts it (same class path,
 * main class {@code io.debezium.server.Main}, no JMX or metrics agents) but with the absolute
 * class path, so that its working directory can be {@code dir}, where it reads
 * {@code config/application.properties}; stdout+stderr go to {@code <dir>/debezium.log}. The
 * child gets no {@code DEBEZIUM_*}/{@code QUARKUS_*} environment variables (MicroProfile Config
 * would read them as settings). Used from the bench's main thread; {@link #close()} may also run
 * on the shutdown hook's.
 */
final class DebeziumProcess extends ChildProcess {

  /**
   * Logged by Debezium's PostgreSQL streaming source once the replication stream is open; the
   * distribution logs JSON by default ({@code "loggerName":"...PostgresStreamingChangeEventSource"}),
   * its example config plain text, so only the class name and the message are matched.
   */
  static final String STREAMING_LINE = "PostgresStreamingChangeEventSource";
  static final String STREAMING_TEXT = "Processing messages";

  private DebeziumProcess(Path dir, Process process) {
    super(process, dir.resolve("debezium.log"), "Debezium Server");
  }

  /** Writes the config into {@code dir/config} and starts the server with {@code java}. */
  static DebeziumProcess start(Path dir, Path java, DebeziumDist dist, DebeziumConfig config) throws IOException {
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(dir.resolve("config").resolve("application.properties"), config.render());
    ProcessBuilder builder = new ProcessBuilder(command(java, dist)).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("debezium.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("DEBEZIUM_") || k.startsWith("QUARKUS_"));
    return new DebeziumProcess(dir, builder.start());
  }

  /** The child's command line. */
  static List<String> command(Path java, DebeziumDist dist) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    // Quarkus resets thread locals through java.lang internals; Java 24+ refuses without this (seen at shutdown)
    cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    cmd.addAll(List.of("-cp", dist.classpath(), "io.debezium.server.Main"));
    return cmd;
  }

  /** Waits for {@link #STREAMING_TEXT}; fails fast, with the log's last lines, when the process exits. */
  void awaitStreaming(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text = readLog();
      if (streaming(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("Debezium Server exited with " + process.exitValue()
            + " before streaming: " + tail(text));
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("Debezium Server did not start streaming within " + timeout + ": log " + log());
  }

  /** Whether a log says the streaming source reads the slot. */
  static boolean streaming(String log) {
    for (String line : log.split("\n")) {
      if (line.contains(STREAMING_LINE) && line.contains(STREAMING_TEXT)) {
        return true;
      }
    }
    return false;
  }
}
