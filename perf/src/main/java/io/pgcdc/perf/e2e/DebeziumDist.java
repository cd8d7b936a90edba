package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debezium Server's distribution for phase (e), unpacked once under {@code <base>/<version>/}
 * (default {@code perf/target/debezium}, never committed): fetched through Maven
 * ({@code io.debezium:debezium-server-dist:<version>:tar.gz}, ~780 MB, so it stays cached in
 * {@code ~/.m2}) and unpacked with {@code tar}, into a temporary directory that is renamed when
 * complete (an interrupted unpack is never taken for a finished one). Also finds a JVM that can
 * run it: Debezium 3.x is compiled for Java 21, pgcdc's bench runs on 17. Used from the bench's
 * main thread, before anything is created on the servers.
 */
final class DebeziumDist {

  static final String DEFAULT_VERSION = "3.6.1.Final";
  /** Class-file version 65: Debezium Server 3.x needs this Java feature release or newer. */
  static final int MIN_JAVA = 21;

  private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

  private final Path base;
  private final String version;

  DebeziumDist(Path base, String version) {
    this.base = base;
    this.version = version;
  }

  String version() {
    return version;
  }

  /** {@code <base>/<version>/debezium-server}: holds the runner jar, {@code lib/} and {@code config/lib}. */
  Path home() {
    return base.resolve(version).resolve("debezium-server");
  }

  Path runnerJar() {
    return home().resolve("debezium-server-dist-" + version + "-runner.jar");
  }

  /** What {@code run.sh} puts on the class path, as absolute paths (the child runs in its own directory). */
  String classpath() {
    Path home = home().toAbsolutePath();
    return String.join(java.io.File.pathSeparator, runnerJar().toAbsolutePath().toString(),
        home.resolve("config").resolve("lib").toString(), home.resolve("lib") + "/*");
  }

  /** The Maven command that copies the archive (from ~/.m2, downloading it once) into {@code dir}. */
  List<String> fetchCommand(Path dir) {
    return List.of("mvn", "-B", "-q", "-N", "dependency:copy",
        "-Dartifact=io.debezium:debezium-server-dist:" + version + ":tar.gz",
        "-DoutputDirectory=" + dir.toAbsolutePath());
  }

  /** Fetches and unpacks the distribution unless it already is; returns {@link #home()}. */
  Path ensureUnpacked() throws IOException, InterruptedException {
    if (Files.isRegularFile(runnerJar())) {
      return home();
    }
    Path download = Files.createDirectories(base).resolve(version + ".download");
    Path unpacking = base.resolve(version + ".unpacking");
    deleteTree(download);
    deleteTree(unpacking);
    try {
      System.out.println("bench: (e) fetching Debezium Server " + version + " through Maven (~780 MB, once): "
          + String.join(" ", fetchCommand(download)));
      run(fetchCommand(download), "mvn dependency:copy");
      Path archive = download.resolve("debezium-server-dist-" + version + ".tar.gz");
      Files.createDirectories(unpacking);
      System.out.println("bench: (e) unpacking " + archive + " into " + base.resolve(version));
      run(List.of("tar", "-xzf", archive.toString(), "-C", unpacking.toString()), "tar");
      Files.move(unpacking, base.resolve(version));
    } finally {
      deleteTree(download);
      deleteTree(unpacking);
    }
    if (!Files.isRegularFile(runnerJar())) {
      throw new IllegalStateException("Debezium Server archive unpacked without " + runnerJar());
    }
    return home();
  }

  /**
   * A {@code java} of at least {@link #MIN_JAVA}: the running JVM when new enough, otherwise the
   * newest JDK under {@code jvmRoot} (e.g. {@code /usr/lib/jvm}) whose {@code release} file says so.
   */
  static Path findJava(Path jvmRoot) throws IOException {
    return findJava(jvmRoot, Runtime.version().feature(), Path.of(System.getProperty("java.home"), "bin", "java"));
  }

  /** {@link #findJava(Path)} for a running JVM of feature release {@code currentFeature} at {@code current}. */
  static Path findJava(Path jvmRoot, int currentFeature, Path current) throws IOException {
    if (currentFeature >= MIN_JAVA) {
      return current;
    }
    Optional<Path> newest = Optional.empty();
    int best = 0;
    if (Files.isDirectory(jvmRoot)) {
      try (Stream<Path> jdks = Files.list(jvmRoot)) {
        for (Path jdk : jdks.sorted().toList()) {
          Path release = jdk.resolve("release");
          Path java = jdk.resolve("bin").resolve("java");
          if (Files.isRegularFile(release) && Files.isExecutable(java)) {
            int feature = javaFeature(Files.readString(release));
            if (feature >= MIN_JAVA && feature > best) {
              best = feature;
              newest = Optional.of(java);
            }
          }
        }
      }
    }
    return newest.orElseThrow(() -> new IllegalStateException("Debezium Server 3.x needs Java " + MIN_JAVA
        + "+ and none was found under " + jvmRoot + "; pass --debezium-java"));
  }

  /** The feature release of a JDK's {@code release} file ({@code JAVA_VERSION="25.0.3"} -> 25), 0 when absent. */
  static int javaFeature(String releaseFile) {
    Matcher m = JAVA_VERSION.matcher(releaseFile);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static void run(List<String> cmd, String what) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(cmd)).inheritIO().start();
    try {
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(what + " failed (exit " + (p.isAlive() ? "none, timed out" : p.exitValue())
            + "): " + String.join(" ", cmd));
      }
    } finally {
      p.destroyForcibly();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
