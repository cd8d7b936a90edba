package io.pgcdc.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JournalSetTest {

  @TempDir
  Path root;

  private Path write(String name, long epoch, long[]... ranges) {
    Path dir = root.resolve(name);
    try (Journal journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 10L << 30))) {
      JournalRecord r = new JournalRecord();
      for (long[] range : ranges) {
        for (long i = range[0]; i < range[1]; i++) {
          journal.appender().append(Entries.fill(r, i, epoch, 100));
        }
      }
    }
    return dir;
  }

  private static List<String> ids(JournalReader reader, List<Long> epochs) {
    List<String> ids = new ArrayList<>();
    JournalRecord r = new JournalRecord();
    while (reader.next(r)) {
      ids.add(r.messageId().toString());
      epochs.add(r.epoch());
    }
    return ids;
  }

  private static List<String> expectedIds(long from, long to) {
    List<String> ids = new ArrayList<>();
    for (long i = from; i < to; i++) {
      ids.add(Entries.messageId(i));
    }
    return ids;
  }

  @Test
  void mergesTwoNodesJournalsByLsnAndReturnsEachMessageIdOnce() {
    // node A (epoch 1) published 0..600, died; node B (epoch 2) re-published from 450 on
    Path a = write("node-a", 1, new long[] {0, 600});
    Path b = write("node-b", 2, new long[] {450, 1200});
    try (JournalSet set = JournalSet.openReadOnly(List.of(b, a)); JournalReader reader = set.reader()) {
      List<Long> epochs = new ArrayList<>();
      assertThat(ids(reader, epochs)).isEqualTo(expectedIds(0, 1200));
      // of the overlap, the first publication (lower epoch) is the one returned
      assertThat(epochs.subList(0, 600)).containsOnly(1L);
      assertThat(epochs.subList(600, 1200)).containsOnly(2L);
      assertThat(set.info().entries()).isEqualTo(1350);
      assertThat(set.info().firstLsn()).isEqualTo(Entries.lsn(0));
      assertThat(set.info().lastCommitLsn()).isEqualTo(Entries.commitLsn(1199));
    }
  }

  @Test
  void seeksIntoMergedJournalsAtAnLsnInsideTheOverlap() {
    Path a = write("node-a", 1, new long[] {0, 600});
    Path b = write("node-b", 2, new long[] {450, 1200});
    try (JournalSet set = JournalSet.openReadOnly(List.of(a, b)); JournalReader reader = set.reader()) {
      assertThat(reader.seek(Entries.commitLsn(501))).isTrue();
      assertThat(ids(reader, new ArrayList<>())).isEqualTo(expectedIds(501 / 3 * 3, 1200));
    }
  }

  @Test
  void skipsMessagesJournaledTwiceByAReStreamInOneDirectory() {
    // reconnect after 300: the slot re-sent from its confirmed position 240
    Path a = write("node-a", 1, new long[] {0, 300}, new long[] {240, 900});
    try (JournalSet set = JournalSet.openReadOnly(List.of(a)); JournalReader reader = set.reader()) {
      assertThat(ids(reader, new ArrayList<>())).isEqualTo(expectedIds(0, 900));
      assertThat(reader.seek(Entries.commitLsn(270))).isTrue();
      assertThat(ids(reader, new ArrayList<>())).isEqualTo(expectedIds(270, 900));
    }
  }

  @Test
  void seekFindsTransactionsThatOnlyAnEarlierRunOfTheDirectoryHolds() {
    // node A journaled tx 0..9 but only tx <= 4 was confirmed; its next session re-streamed tx 5..8
    // and stopped (leadership lost): tx 9 is only in the first run
    Path a = write("node-a", 1, new long[] {0, 30}, new long[] {15, 27});
    try (JournalSet set = JournalSet.openReadOnly(List.of(a)); JournalReader reader = set.reader()) {
      for (long entry = 0; entry < 30; entry += Entries.PER_TX) {
        assertThat(reader.seek(Entries.commitLsn(entry))).isTrue();
        assertThat(ids(reader, new ArrayList<>())).as("seek to entry %d", entry).isEqualTo(expectedIds(entry, 30));
      }
      assertThat(set.info().lastCommitLsn()).isEqualTo(Entries.commitLsn(29));
      assertThat(set.info().newestCommit())
          .isBetween(Instant.ofEpochSecond(1_795_000_000L, 27_000), Instant.ofEpochSecond(1_795_000_000L, 29_000));
      assertThat(set.info().canReplayFrom(Entries.commitLsn(29))).isTrue();
    }
  }

  /**
   * A transaction as the engine journals it: "S" = schema event (negative ordinal), "I" = row,
   * "Bn" = a batch of n rows in one entry (sink.rabbitmq.batch: id {@code first-last}, header
   * {@code pgcdc-events}).
   */
  private Path writeTransactions(String name, long epoch, String... transactions) {
    Path dir = root.resolve(name);
    try (Journal journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 10L << 30))) {
      JournalRecord r = new JournalRecord();
      byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (String tx : transactions) {
        String[] parts = tx.split(":");
        long commit = Long.parseLong(parts[0]);
        int data = 0;
        int schema = 0;
        for (String event : parts[1].split(",")) {
          boolean isSchema = event.startsWith("S");
          int events = event.startsWith("B") ? Integer.parseInt(event.substring(1)) : 1;
          int ordinal = isSchema ? -(++schema) : data;
          data += isSchema ? 0 : events;
          String id = isSchema ? "slot/" + commit + "/_schema.public." + event.substring(1) : "slot/" + commit + "/" + ordinal;
          r.lsn(commit - 1).commitLsn(commit).xid(commit).epoch(epoch).ordinal(ordinal)
              .op(isSchema ? 'S' : 'I').messageId(events > 1 ? id + "-" + (data - 1) : id).routingKey("k")
              .contentType("application/json").body(body, 0, body.length).clearHeaders();
          journal.appender().append(events > 1 ? r.headerInt("pgcdc-events", events) : r);
        }
      }
    }
    return dir;
  }

  @Test
  void keepsSchemaEventsWhereverTheyAppearInATransaction() {
    Path a = writeTransactions("node-a", 1, "100:Sa,I,I,Sb,I", "200:I,Sc,I");
    try (JournalSet set = JournalSet.openReadOnly(List.of(a)); JournalReader reader = set.reader()) {
      assertThat(ids(reader, new ArrayList<>())).containsExactly(
          "slot/100/_schema.public.a", "slot/100/0", "slot/100/1", "slot/100/_schema.public.b", "slot/100/2",
          "slot/200/0", "slot/200/_schema.public.c", "slot/200/1");
    }
  }

  @Test
  void mergesSchemaEventsThatOnlyTheNewLeaderPublished() {
    // A saw table a in 100 and publishes 200 without a schema event; B starts at 200 and
    // announces table a first (its session has not seen it): a different message, kept once
    Path a = writeTransactions("node-a", 1, "100:Sa,I,I", "200:I,I");
    Path b = writeTransactions("node-b", 2, "200:Sa,I,I", "300:I");
    try (JournalSet set = JournalSet.openReadOnly(List.of(a, b)); JournalReader reader = set.reader()) {
      List<Long> epochs = new ArrayList<>();
      assertThat(ids(reader, epochs)).containsExactly(
          "slot/100/_schema.public.a", "slot/100/0", "slot/100/1",
          "slot/200/_schema.public.a", "slot/200/0", "slot/200/1", "slot/300/0");
      assertThat(epochs).containsExactly(1L, 1L, 1L, 2L, 1L, 1L, 2L);
    }
  }

  @Test
  void skipsSchemaEventsRepeatedByAReStream() {
    Path a = writeTransactions("node-a", 1, "100:Sa,I,I", "200:I", "100:Sa,I,I", "200:I", "300:I");
    try (JournalSet set = JournalSet.openReadOnly(List.of(a)); JournalReader reader = set.reader()) {
      assertThat(ids(reader, new ArrayList<>())).containsExactly(
          "slot/100/_schema.public.a", "slot/100/0", "slot/100/1", "slot/200/0", "slot/300/0");
    }
  }

  @Test
  void returnsEachEventOnceFromDirectoriesWrittenWithDifferentBatchSettings() {
    // A batched whole transactions; B, the next leader, published one message per event
    Path a = writeTransactions("node-a", 1, "100:B10", "200:B2");
    Path b = writeTransactions("node-b", 2, "100:I,I,I,I,I,I,I,I,I,I", "200:I,I", "300:I");
    try (JournalSet set = JournalSet.openReadOnly(List.of(b, a)); JournalReader reader = set.reader()) {
      assertThat(ids(reader, new ArrayList<>())).containsExactly("slot/100/0-9", "slot/200/0-1", "slot/300/0");
    }
  }

  @Test
  void placesASchemaEventAfterTheWholeBatchBeforeIt() {
    // A did not batch; B batched the same transaction: B's schema event follows event 9, not 0
    Path a = writeTransactions("node-a", 1, "100:I,I,I,I,I,I,I,I,I,I,Sa,I");
    Path b = writeTransactions("node-b", 2, "100:B10,Sa,I");
    try (JournalSet set = JournalSet.openReadOnly(List.of(a, b)); JournalReader reader = set.reader()) {
      assertThat(ids(reader, new ArrayList<>())).containsExactly("slot/100/0", "slot/100/1", "slot/100/2",
          "slot/100/3", "slot/100/4", "slot/100/5", "slot/100/6", "slot/100/7", "slot/100/8", "slot/100/9",
          "slot/100/_schema.public.a", "slot/100/10");
    }
  }

  @Test
  void rawReaderOfOneJournalKeepsTheDuplicates() {
    Path a = write("node-a", 1, new long[] {0, 300}, new long[] {240, 900});
    try (Journal journal = Journal.openReadOnly(a); JournalReader reader = journal.reader()) {
      assertThat(ids(reader, new ArrayList<>())).hasSize(960);
    }
  }
}
