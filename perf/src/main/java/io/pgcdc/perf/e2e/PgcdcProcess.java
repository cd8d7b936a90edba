package io.pgcdc.perf.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code pgcdc run} as a child JVM, started exactly as an operator would:
 * {@code java $(cat tools/target/jvm.options) -Xmx512m -Xlog:gc:file=... -jar tools/target/pgcdc.jar
 * run --config <dir>/pgcdc.yaml}, with stdout+stderr in {@code <dir>/pgcdc.log}. Peak heap comes
 * from the GC log (largest "before" figure of any collection: what the heap held when it was
 * fullest), peak RSS from {@code /proc/<pid>/status} VmHWM. Used from the bench's main thread.
 */
final class PgcdcProcess extends ChildProcess {

  private static final Pattern OPS_PORT = Pattern.compile("ops endpoint listening on http://[^:]+:(\\d+)/");
  private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern QUANTILE = Pattern.compile(
      "^pgcdc_publish_confirm_latency\\{quantile=\"([0-9.]+)\"[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE);

  private final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private int opsPort = -1;
  private long vmHwmKb = -1;

  private PgcdcProcess(Path dir, Process process) {
    super(process, dir.resolve("pgcdc.log"), "pgcdc run");
    this.dir = dir;
  }

  /** Starts the child as {@code launch} says (jar, its jvm.options, extra flags, nice). */
  static PgcdcProcess start(Path dir, PgcdcLaunch launch, String yaml) throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve("pgcdc.yaml");
    Files.writeString(config, yaml);
    List<String> cmd = new ArrayList<>();
    if (launch.nice() > 0) {
      // as bin/pgcdc does: nice(1) execs java, so the pid stays the JVM's
      cmd.addAll(List.of("nice", "-n", Integer.toString(launch.nice())));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : Files.readString(launch.jvmOptions()).trim().split("\\s+")) {
      cmd.add(flag);
    }
    cmd.addAll(launch.jvmArgs());
    cmd.addAll(List.of("-Xmx512m", "-Xlog:gc:file=" + dir.resolve("gc.log"), "-jar", launch.jar().toString(),
        "run", "--config", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("pgcdc.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("PGCDC_") || k.startsWith("PG"));
    return new PgcdcProcess(dir, builder.start());
  }

  /**
   * Waits until the log says the pipeline streams (and the ops port is known); fails fast when
   * the process exits, with the log's last lines.
   */
  void awaitStreaming(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text = readLog();
      Matcher m = OPS_PORT.matcher(text);
      if (m.find()) {
        opsPort = Integer.parseInt(m.group(1));
      }
      if (opsPort > 0 && text.contains("streaming slot")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("pgcdc run exited with " + process.exitValue() + " before streaming: "
            + tail(text));
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("pgcdc run did not start streaming within " + timeout + ": log " + log());
  }

  /** GET /health as JSON. */
  JsonNode health() throws IOException, InterruptedException {
    return new ObjectMapper().readTree(get("/health"));
  }

  /** pgcdc's own publish->ack timer quantile from /metrics (seconds), if present. */
  OptionalDouble publishConfirmQuantile(String quantile) throws IOException, InterruptedException {
    Matcher m = QUANTILE.matcher(get("/metrics"));
    while (m.find()) {
      if (m.group(1).equals(quantile)) {
        return OptionalDouble.of(Double.parseDouble(m.group(2)));
      }
    }
    return OptionalDouble.empty();
  }

  /** A summary's quantile from /metrics (e.g. {@code pgcdc_journal_write_latency}, "0.999"), NaN when absent. */
  double quantile(String summary, String quantile) throws IOException, InterruptedException {
    Matcher m = Pattern.compile("^" + Pattern.quote(summary) + "\\{quantile=\"" + Pattern.quote(quantile)
        + "\"[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE).matcher(get("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** A plain (label-less) series' value from /metrics, NaN when absent. */
  double metric(String name) throws IOException, InterruptedException {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\s+(\\S+)", Pattern.MULTILINE).matcher(get("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + path))
        .timeout(Duration.ofSeconds(5)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Reads VmHWM now (peak resident set so far, KiB); call just before stopping. */
  long sampleVmHwmKb() {
    long hwm = ProcCpu.vmHwmKb(process.pid());
    if (hwm >= 0) {
      vmHwmKb = hwm;
    }
    return vmHwmKb;
  }

  /** Its {@code -Xlog:gc} file. */
  Path gcLog() {
    return dir.resolve("gc.log");
  }

  /** Seconds since the JVM started (the GC log's uptime clock, to within the exec). */
  double uptimeSeconds() {
    return process.info().startInstant()
        .map(start -> java.time.Duration.between(start, java.time.Instant.now()).toNanos() / 1e9).orElse(Double.NaN);
  }

  /** Largest heap occupancy before any GC, MiB; -1 when no collection ran (then heap < young gen). */
  long peakHeapMb() throws IOException {
    Path gc = dir.resolve("gc.log");
    long peak = -1;
    if (Files.exists(gc)) {
      Matcher m = GC_HEAP.matcher(Files.readString(gc));
      while (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)));
      }
    }
    return peak;
  }
}
