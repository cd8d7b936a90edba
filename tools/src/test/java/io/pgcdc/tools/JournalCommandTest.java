package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.journal.Journal;
import io.pgcdc.journal.JournalConfig;
import io.pgcdc.journal.JournalRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pgcdc replay --to stdout} and {@code pgcdc journal info|dump} against journals on disk. */
@Timeout(60)
class JournalCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path root;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int pgcdc(String... args) {
    CommandLine cli = PgcdcCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isEmpty()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  @Test
  void replayToStdoutPrintsEveryMessageFromTheLsnAsOneJsonLineWithTheBodyVerbatim() throws Exception {
    Path dir = JournalFixture.write(root.resolve("j"), 0, 1000);
    int code = pgcdc("replay", "--to", "stdout", "--journal", dir.toString(),
        "--from-lsn", Lsn.format(JournalFixture.commitLsn(500)));
    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(500);
    JsonNode first = lines.get(0);
    assertThat(first.get("message_id").asText()).isEqualTo(JournalFixture.messageId(500));
    assertThat(first.get("lsn").asText()).isEqualTo(Lsn.format(JournalFixture.lsn(500)));
    assertThat(first.get("headers").get("pgcdc-xid").asLong()).isEqualTo(1150);
    assertThat(first.get("routing_key").asText()).isEqualTo("public.items");
    // the body's bytes appear verbatim (numeric digits untouched)
    assertThat(out.toString().split("\n")[0])
        .contains(new String(JournalFixture.body(500), StandardCharsets.UTF_8));
    assertThat(err.toString()).contains("replayed 500 messages");
  }

  @Test
  void longReplaysReportProgressOnStderrOnly() throws Exception {
    Path dir = JournalFixture.write(root.resolve("j"), 0, 20);
    ReplayCommand replay = new ReplayCommand();
    replay.progressMillis = 0;
    CommandLine own = new CommandLine(replay);
    own.setOut(new PrintWriter(out, true));
    own.setErr(new PrintWriter(err, true));
    int code = own.execute("--to", "stdout", "--journal", dir.toString(), "--from-lsn", Lsn.format(JournalFixture.lsn(0)));
    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("replay: 1 messages, at commit LSN " + Lsn.format(JournalFixture.commitLsn(0))
        + " of " + Lsn.format(JournalFixture.commitLsn(19)));
    assertThat(lines()).hasSize(20);
  }

  @Test
  void replayStopsAfterTheToLsn() throws Exception {
    Path dir = JournalFixture.write(root.resolve("j"), 0, 100);
    int code = pgcdc("replay", "--to", "stdout", "--journal", dir.toString(),
        "--from-lsn", Lsn.format(JournalFixture.commitLsn(10)), "--to-lsn", Lsn.format(JournalFixture.commitLsn(19)));
    assertThat(code).as(err.toString()).isZero();
    assertThat(lines()).extracting(n -> n.get("message_id").asText())
        .containsExactly(java.util.stream.LongStream.range(10, 20).mapToObj(JournalFixture::messageId)
            .toArray(String[]::new));
  }

  @Test
  void replayMergesTheJournalsOfTwoNodesEachMessageOnce() throws Exception {
    Path a = JournalFixture.write(root.resolve("a"), 0, 300, 1);
    Path b = JournalFixture.write(root.resolve("b"), 200, 600, 2);
    int code = pgcdc("replay", "--to", "stdout", "--journal", a.toString(), "--journal", b.toString(),
        "--from-lsn", Lsn.format(JournalFixture.lsn(0)));
    assertThat(code).as(err.toString()).isZero();
    assertThat(lines()).extracting(n -> n.get("message_id").asText())
        .containsExactly(java.util.stream.LongStream.range(0, 600).mapToObj(JournalFixture::messageId)
            .toArray(String[]::new));
  }

  @Test
  void replayFromAnLsnOutsideTheJournalSaysWhichRangeItHolds() {
    Path dir = JournalFixture.write(root.resolve("j"), 0, 100);
    int code = pgcdc("replay", "--to", "stdout", "--journal", dir.toString(), "--from-lsn", "5/0");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("pgcdc: --from-lsn 5/0 is outside the journal, which holds LSNs "
        + Lsn.format(JournalFixture.lsn(0)) + " .. " + Lsn.format(JournalFixture.commitLsn(99)));
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void replayWithAMalformedLsnIsAUsageErrorOnOneLine() {
    int code = pgcdc("replay", "--to", "stdout", "--journal", root.toString(), "--from-lsn", "16B3748");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).contains("invalid LSN '16B3748'").contains("--from-lsn");
  }

  @Test
  void replayOfADirectoryWithoutJournalSaysWhereItLooked() {
    int code = pgcdc("replay", "--to", "stdout", "--journal", root.resolve("none").toString(), "--from-lsn", "0/0");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("pgcdc: no journal in " + root.resolve("none"));
  }

  @Test
  void journalInfoShowsRangeEntriesSizeAndCommitTimes() {
    Path dir = JournalFixture.write(root.resolve("j"), 0, 100);
    int code = pgcdc("journal", "info", "--journal", dir.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("entries         100")
        .contains("lsn range       " + Lsn.format(JournalFixture.lsn(0)) + " .. " + Lsn.format(JournalFixture.commitLsn(99)))
        .contains("first entry     lsn " + Lsn.format(JournalFixture.lsn(0)))
        .contains("commit time     2026-11-18T")
        .containsPattern("size +[0-9.]+ KiB \\([0-9,]+ bytes\\) in 1 roll-cycle files");
  }

  @Test
  void journalInfoAfterARewindLabelsTheHighestCommitNotTheNewestEntry() {
    Path dir = JournalFixture.write(root.resolve("j"), 0, 100);
    JournalFixture.write(dir, 40, 50); // a node that rewound to the slot re-journals 40..49 after 99
    int code = pgcdc("journal", "info", "--journal", dir.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("entries         110")
        .contains("highest commit  lsn " + Lsn.format(JournalFixture.lsn(98)) + ", commit lsn "
            + Lsn.format(JournalFixture.commitLsn(99)))
        .doesNotContain("last");
  }

  @Test
  void journalDumpPrintsEntriesFromAnLsnUpToALimit() throws Exception {
    Path dir = JournalFixture.write(root.resolve("j"), 0, 100);
    int code = pgcdc("journal", "dump", "--journal", dir.toString(),
        "--from-lsn", Lsn.format(JournalFixture.commitLsn(40)), "--limit", "5");
    assertThat(code).as(err.toString()).isZero();
    assertThat(lines()).extracting(n -> n.get("message_id").asText())
        .containsExactly(java.util.stream.LongStream.range(40, 45).mapToObj(JournalFixture::messageId)
            .toArray(String[]::new));
  }

  @Test
  void journalDumpGivesAJsonBodyWithMalformedUtf8AsItsExactBytesInBase64() throws Exception {
    Path dir = root.resolve("j");
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
    try (Journal journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 10L << 30))) {
      journal.appender().append(JournalFixture.fill(new JournalRecord(), 0, 0).body(body, 0, body.length));
    }
    assertThat(pgcdc("journal", "dump", "--journal", dir.toString())).as(err.toString()).isZero();
    JsonNode line = lines().get(0);
    assertThat(line.has("body")).isFalse();
    assertThat(Base64.getDecoder().decode(line.get("body_base64").asText())).isEqualTo(body);
  }
}
