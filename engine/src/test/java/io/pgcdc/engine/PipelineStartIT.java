package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.engine.config.PgcdcConfig;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A start that cannot succeed fails with one line saying what to fix and leaves nothing running,
 * and nothing behind in PostgreSQL: a slot created by a start that then failed on the broker or the
 * journal would hold WAL back for as long as the configuration stays wrong.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineStartIT {

  @Test
  void unreachableBrokerFailsTheStartWithOneLineAndHidesThePassword() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_nobroker")) {
      PgcdcConfig config = PgcdcConfig.parse(
          f.yaml("", "").replace(f.rabbit.uri(), "amqp://guest:secret@127.0.0.1:1"), Map.of());
      assertThatThrownBy(() -> Pipeline.start(config, f.metrics, Term.standalone()))
          .isInstanceOf(PipelineException.class)
          .hasMessageStartingWith("cannot use RabbitMQ at amqp://guest:***@127.0.0.1:1")
          .hasMessageContaining("check sink.rabbitmq.uri")
          .hasMessageNotContaining("secret")
          .hasMessageNotContaining("\n");
      assertThat(pgcdcThreads()).isEmpty();
      assertNothingCreatedIn(f);
    }
  }

  @Test
  void unusableJournalDirectoryFailsTheStartBeforeTheSlotIsCreated() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_nojournal")) {
      java.nio.file.Path file = Files.createFile(f.journalDir.resolve("not-a-directory"));
      PgcdcConfig config = PgcdcConfig.parse(
          f.yaml("", "").replace("dir: " + f.journalDir, "dir: " + file.resolve("journal")), Map.of());
      assertThatThrownBy(() -> Pipeline.start(config, f.metrics, Term.standalone()))
          .isInstanceOf(PipelineException.class)
          .hasMessageStartingWith("cannot open the journal in " + file.resolve("journal"))
          .hasMessageContaining("check journal.dir")
          .hasMessageNotContaining("\n");
      assertThat(pgcdcThreads()).isEmpty();
      assertNothingCreatedIn(f);
    }
  }

  @Test
  void missingSlotWithCreateOffFailsTheStartSayingHowToCreateIt() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_noslot")) {
      f.sql("CREATE PUBLICATION " + f.slot + "_pub");
      PgcdcConfig config = f.config("  create: false\n", "");
      assertThatThrownBy(() -> Pipeline.start(config, f.metrics, Term.standalone()))
          .isInstanceOf(PipelineException.class)
          .hasMessage("source check failed: slot " + f.slot + " does not exist and source.create is false"
              + " (fix: pgcdc slot create --config FILE, or set source.create: true)");
      assertThat(f.queryText("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'"))
          .isEqualTo("0");
    }
  }

  private static void assertNothingCreatedIn(PipelineFixture f) throws Exception {
    assertThat(f.queryText("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'"))
        .as("slot").isEqualTo("0");
    assertThat(f.queryText("SELECT count(*) FROM pg_publication WHERE pubname = '" + f.slot + "_pub'"))
        .as("publication").isEqualTo("0");
  }

  private static java.util.List<String> pgcdcThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("pgcdc-"))
        .toList();
  }
}
