package io.pgcdc.tools;

import static io.pgcdc.tools.CommandRun.pgcdc;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

  @Test
  void unreachableSourceFailsTheRunWithOneLineAndExitOne(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "source:\n  url: jdbc:postgresql://127.0.0.1:1/db\n"
        + "journal:\n  dir: " + dir.resolve("journal") + "\nmetrics:\n  listen: 127.0.0.1:0\n");

    CommandRun run = pgcdc("run", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("pgcdc: cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/db")
        .contains("check source.url");
  }

  @Test
  void busyMetricsAddressFailsTheRunWithOneLine(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path file = Files.writeString(dir.resolve("c.yaml"), "source:\n  url: jdbc:postgresql://127.0.0.1:1/db\n"
          + "metrics:\n  listen: 127.0.0.1:" + taken.getLocalPort() + "\n");

      CommandRun run = pgcdc("run", "--config", file.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.errLines()).hasSize(1);
      assertThat(run.err()).startsWith("pgcdc: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }
}
