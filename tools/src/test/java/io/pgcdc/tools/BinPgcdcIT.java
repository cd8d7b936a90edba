package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.testsupport.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/pgcdc} as a user runs it: a separate JVM on the shaded jar with the flags from
 * {@code target/jvm.options} (failsafe runs after {@code package}, so both exist).
 */
@Timeout(120)
class BinPgcdcIT {
  private static final Path BIN = Path.of("..", "bin", "pgcdc").toAbsolutePath().normalize();

  record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", BIN.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("pgcdc exits").isTrue();
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void jvmOptionsHoldTheParentPomFlags() throws Exception {
    String options = Files.readString(Path.of("target", "jvm.options"));

    assertThat(options).contains("-Dchronicle.analytics.disable=true", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-XX:+ExitOnOutOfMemoryError")
        .doesNotContain("${");
  }

  @Test
  void checkPassesThroughTheRunnableJar(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("pgcdc.yaml"),
        "source:\n  url: " + TestServers.postgres().jdbcUrl() + "\n  user: " + TestServers.postgres().user()
            + "\n  tables: [public.*]\n  slot: fbin_never_created\n"
            + "sink:\n  rabbitmq:\n    uri: " + TestServers.rabbitmq().uri() + "\n    exchange: fbin.never.declared\n");

    Result r = run("check", "--config", file.toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("ok    wal_level = logical", "pgcdc check: ready");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void badUsageIsOneLineOnStderrAndExitTwo() throws Exception {
    Result r = run("slot", "status", "--nope");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly("pgcdc: Unknown option: '--nope'; see 'pgcdc slot status --help'");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void versionRunsWithoutServers() throws Exception {
    Result r = run("--version");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("pgcdc ");
  }
}
