package io.pgcdc.tools;

import static io.pgcdc.tools.CommandRun.pgcdc;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgcdc check} against a PostgreSQL with {@code wal_level=replica}: an embedded
 * PostgreSQL 17 of the test's own, because the shared server must keep {@code logical}.
 */
@Timeout(120)
class CheckWalLevelIT {

  @Test
  void failsWhenWalLevelIsReplica(@TempDir Path dir) throws Exception {
    try (EmbeddedPostgres server = EmbeddedPostgres.builder()
        .setServerConfig("wal_level", "replica")
        .setServerConfig("synchronous_commit", "on")
        .start()) {
      Path file = Files.writeString(dir.resolve("pgcdc.yaml"),
          "source:\n  url: jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres\n  user: postgres\n");

      CommandRun run = pgcdc("check", "--config", file.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.outLines()).contains("FAIL  wal_level = replica, logical decoding needs logical; "
          + "fix: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
      assertThat(run.out()).contains("PostgreSQL 17");
    }
  }
}
