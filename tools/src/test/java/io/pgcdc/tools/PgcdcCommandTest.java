package io.pgcdc.tools;

import static io.pgcdc.tools.CommandRun.pgcdc;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class PgcdcCommandTest {

  /** Every command and subcommand, as the words a user types: "check", "slot status", ... */
  static Stream<String> everyCommand() {
    List<String> names = new ArrayList<>();
    collect(PgcdcCommand.commandLine(), "", names);
    return names.stream();
  }

  private static void collect(CommandLine cmd, String prefix, List<String> names) {
    cmd.getSubcommands().forEach((name, sub) -> {
      String path = (prefix + " " + name).trim();
      names.add(path);
      collect(sub, path, names);
    });
  }

  @ParameterizedTest
  @MethodSource("everyCommand")
  void everyCommandPrintsHelpAndExitsZero(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");

    CommandRun run = pgcdc(args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Usage: pgcdc " + command);
  }

  @Test
  void topLevelHelpListsTheCommands() {
    CommandRun run = pgcdc("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("check", "slot");
  }

  @Test
  void versionNamesTheProject() {
    CommandRun run = pgcdc("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("pgcdc ");
  }

  @Test
  void unknownOptionIsOneLineAndExitTwo() {
    CommandRun run = pgcdc("check", "--frobnicate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("pgcdc: Unknown option: '--frobnicate'; see 'pgcdc check --help'");
  }

  @Test
  void aTailTimeoutTooLongToCountInNanosecondsIsAUsageError() {
    CommandRun run = pgcdc("tail", "--config", "/nonexistent/pgcdc.yaml", "--count", "1", "--timeout", "106752d");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).first().asString().startsWith("pgcdc: --timeout=106752d: must be at most 365d");
  }

  @Test
  void unknownCommandIsOneLineAndExitTwo() {
    CommandRun run = pgcdc("frobnicate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1).allMatch(l -> l.startsWith("pgcdc: Unmatched argument"));
  }

  @Test
  void noCommandShowsUsageAndExitsTwo() {
    CommandRun run = pgcdc();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Usage: pgcdc");
  }

  @Test
  void missingConfigFileIsOneLineAndExitOne(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");

    CommandRun run = pgcdc("check", "--config", missing.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly(
        "pgcdc: config file " + missing + " does not exist (check the path given to --config)");
  }

  @Test
  void everyConfigProblemIsOneLineOfItsOwn(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yaml"),
        "source:\n  url: jdbc:postgresql://h/db\n  slott: x\nsink:\n  rabbitmq:\n    max_in_flight: 0\n");

    CommandRun run = pgcdc("slot", "status", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly(
        "pgcdc: source.slott: unknown key (did you mean source.slot?)",
        "pgcdc: sink.rabbitmq.max_in_flight=0: must be between 1 and 32768");
  }

  @Test
  void unreachableServerIsOneLineWithoutStackTrace(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "source:\n  url: jdbc:postgresql://127.0.0.1:1/db\n");

    CommandRun run = pgcdc("slot", "status", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("pgcdc: cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:1/db")
        .contains("; check source.url");
  }

  @Test
  void verbosePrintsTheStackTrace(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "source:\n  url: jdbc:postgresql://127.0.0.1:1/db\n");

    CommandRun run = pgcdc("slot", "status", "--verbose", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("pgcdc: cannot reach PostgreSQL").contains("\tat ");
  }
}
