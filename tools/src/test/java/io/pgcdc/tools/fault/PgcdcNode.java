package io.pgcdc.tools.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code pgcdc run} node as a real child JVM, started from the shaded jar, that a test can
 * kill with SIGKILL, stop, freeze and restart.
 *
 * <pre>
 *   java $(cat target/jvm.options) &lt;jvm args: -Xmx512m&gt; -jar &lt;dir&gt;/pgcdc.jar run --config &lt;dir&gt;/&lt;name&gt;.yaml
 *        stdout+stderr appended to &lt;dir&gt;/&lt;name&gt;.log (one "=== start #n ===" marker per start)
 * </pre>
 *
 * <p>The child inherits no {@code PGCDC_*} or {@code PG*} variables, so the YAML alone decides
 * what it connects to. Its ops port (config {@code metrics.listen: 127.0.0.1:0}) is read from the
 * ops server's start line in the log. The jar is a private copy of {@code target/pgcdc.jar} of
 * the tools module (failsafe's working directory; {@code -Dpgcdc.jar} moves it), so a rebuild in
 * the same tree cannot swap it under a running test; the flags come from {@code target/jvm.options}.
 *
 * <p>Threading: not thread-safe; one test thread drives a node.
 */
public final class PgcdcNode implements AutoCloseable {
  /** The child's JVM arguments unless a test passes its own: the heap bound of SPEC §10. */
  public static final List<String> DEFAULT_JVM_ARGS = List.of("-Xmx512m");
  private static final Pattern OPS_LINE = Pattern.compile("listening on http://[^/\\s]+:(\\d+)/");
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Path config;
  private final Path log;
  private final String password;
  private final Path jar;
  private final Path jvmOptions;
  private final List<String> jvmArgs;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private long logOffset;
  private int starts;

  /**
   * @param name node name, used for its files
   * @param config the YAML file written from a {@link NodeConfig}
   * @param log where the child's output goes (appended)
   * @param password PostgreSQL password handed over as {@code PGPASSWORD} ("" = none)
   * @param jar the shaded pgcdc jar (a private copy: see {@link #copyBuiltJar(Path)})
   * @param jvmOptions the {@code jvm.options} file of the build
   */
  public PgcdcNode(String name, Path config, Path log, String password, Path jar, Path jvmOptions) {
    this(name, config, log, password, jar, jvmOptions, DEFAULT_JVM_ARGS);
  }

  /**
   * As above, with the child's own JVM arguments (heap, GC logging, ...), which follow the
   * build's {@code jvm.options} on the command line and replace {@link #DEFAULT_JVM_ARGS}.
   */
  public PgcdcNode(String name, Path config, Path log, String password, Path jar, Path jvmOptions,
      List<String> jvmArgs) {
    this.name = name;
    this.config = config;
    this.log = log;
    this.password = password;
    this.jar = jar;
    this.jvmOptions = jvmOptions;
    this.jvmArgs = List.copyOf(jvmArgs);
  }

  /**
   * Copies the built jar ({@code -Dpgcdc.jar}, default {@code target/pgcdc.jar}) to
   * {@code target}: other builds in the same tree may replace or delete the original while a
   * test's nodes restart.
   */
  public static Path copyBuiltJar(Path target) throws IOException {
    Path built = Path.of(System.getProperty("pgcdc.jar", "target/pgcdc.jar"));
    requireFile(built);
    Files.createDirectories(target.getParent());
    return Files.copy(built, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The build's {@code jvm.options} ({@code -Dpgcdc.jvm.options}, default {@code target/jvm.options}). */
  public static Path builtJvmOptions() {
    Path options = Path.of(System.getProperty("pgcdc.jvm.options", "target/jvm.options"));
    requireFile(options);
    return options;
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file.toAbsolutePath()
          + " is missing: run 'mvn -pl tools package' (failsafe runs after package) or set -Dpgcdc.jar/-Dpgcdc.jvm.options");
    }
  }

  /** Starts the child JVM; returns at once (its ops port appears later, see {@link #opsPort()}). */
  public PgcdcNode start() throws IOException {
    if (isRunning()) {
      throw new IllegalStateException(name + " is already running as pid " + process.pid());
    }
    Files.createDirectories(log.getParent());
    Files.writeString(log, "=== start #" + ++starts + " of " + name + " ===\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    logOffset = Files.size(log);
    ProcessBuilder builder = new ProcessBuilder(command())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("PG")); // PGCDC_* and libpq's PG*
    if (!password.isEmpty()) {
      builder.environment().put("PGPASSWORD", password);
    }
    process = builder.start();
    return this;
  }

  /** Kills the child with SIGKILL ({@code kill -9}) and waits until it is gone. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** Asks the child to stop (SIGTERM); kills it when it has not exited within 30 s. Returns the exit code. */
  public int stop() throws InterruptedException {
    if (process == null) {
      return -1;
    }
    process.destroy();
    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
    }
    return process.waitFor();
  }

  /** SIGSTOP: the JVM freezes with its sockets open, as a node stuck in a long GC pause would. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** The child's exit code; fails while it runs. */
  public int exitCode() {
    return process.exitValue();
  }

  /** How many times {@link #start()} ran. */
  public int starts() {
    return starts;
  }

  /** The ops port of the current run, once its start line is in the log. */
  public Optional<Integer> opsPort() {
    Matcher m = OPS_LINE.matcher(currentRunLog());
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /**
   * {@code GET /health} of the current run: the JSON body (200 or 503), or empty when the node
   * is not answering yet.
   */
  public Optional<JsonNode> health() {
    return get("/health").flatMap(body -> {
      try {
        return Optional.of(JSON.readTree(body));
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  /** {@code GET /metrics} of the current run (Prometheus text), or empty when the node is not answering. */
  public Optional<String> metrics() {
    return get("/metrics");
  }

  private Optional<String> get(String path) {
    Optional<Integer> port = opsPort();
    if (port.isEmpty() || !isRunning()) {
      return Optional.empty();
    }
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
              .timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return Optional.of(response.body());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** {@code role} from {@link #health()} ("leader", "standby", "standalone"), or empty. */
  public Optional<String> role() {
    return health().map(h -> h.path("role").asText());
  }

  /** What the current run has logged so far. */
  public String currentRunLog() {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(logOffset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of the log, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public Path log() {
    return log;
  }

  public String name() {
    return name;
  }

  /** Kills the child if it still runs. */
  @Override
  public void close() throws InterruptedException {
    kill();
  }

  @Override
  public String toString() {
    return name + (isRunning() ? " (pid " + process.pid() + ")" : " (not running)");
  }

  private List<String> command() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String line : Files.readAllLines(jvmOptions, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        command.addAll(Arrays.asList(trimmed.split("\\s+")));
      }
    }
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    return command;
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }
}
