package io.pgcdc.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JournalTest {

  @TempDir
  Path dir;

  private JournalConfig config() {
    return new JournalConfig(dir, Duration.ofDays(7), 10L << 30);
  }

  private static void append(Journal journal, long from, long to) {
    JournalRecord r = new JournalRecord();
    for (long i = from; i < to; i++) {
      journal.appender().append(Entries.fill(r, i, 1, 200));
    }
  }

  private static List<Long> readAll(JournalReader reader) {
    List<Long> seen = new ArrayList<>();
    JournalRecord r = new JournalRecord();
    while (reader.next(r)) {
      seen.add(Entries.indexOf(r));
    }
    return seen;
  }

  private static List<Long> range(long from, long to) {
    List<Long> list = new ArrayList<>();
    for (long i = from; i < to; i++) {
      list.add(i);
    }
    return list;
  }

  @Test
  void roundTripsEveryFieldHeaderAndBodyByteForByte() {
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 10);
      try (JournalReader reader = journal.reader()) {
        JournalRecord r = new JournalRecord();
        for (long i = 0; i < 10; i++) {
          assertThat(reader.next(r)).isTrue();
          JournalRecord expected = Entries.fill(new JournalRecord(), i, 1, 200);
          assertThat(r.lsn()).isEqualTo(expected.lsn());
          assertThat(r.commitLsn()).isEqualTo(expected.commitLsn());
          assertThat(r.xid()).isEqualTo(expected.xid());
          assertThat(r.epoch()).isEqualTo(1);
          assertThat(r.ordinal()).isEqualTo(expected.ordinal());
          assertThat(r.commitTimeMicros()).isEqualTo(expected.commitTimeMicros());
          assertThat(r.op()).isEqualTo(expected.op());
          assertThat(r.messageId().toString()).isEqualTo(Entries.messageId(i));
          assertThat(r.contentType().toString()).isEqualTo("application/json");
          assertThat(r.routingKey().toString()).isEqualTo(expected.routingKey().toString());
          assertThat(r.bodyCopy()).isEqualTo(Entries.body(i, 200));
          assertThat(r.headersAsMap()).containsExactlyEntriesOf(expected.headersAsMap());
          assertThat(r.headersAsMap().get("pgcdc-xid")).isInstanceOf(Long.class);
        }
        assertThat(reader.next(r)).isFalse();
      }
    }
  }

  @Test
  void keepsNonAsciiRoutingKeysIntHeadersAndEmptyBodies() {
    try (Journal journal = Journal.open(config())) {
      JournalRecord w = Entries.fill(new JournalRecord(), 0, 0, 10)
          .routingKey("öffentlich.bücher").body(new byte[0], 0, 0).headerInt("x-int", -7);
      journal.appender().append(w);
      try (JournalReader reader = journal.reader()) {
        JournalRecord r = new JournalRecord();
        assertThat(reader.next(r)).isTrue();
        assertThat(r.routingKey().toString()).isEqualTo("öffentlich.bücher");
        assertThat(r.bodyLength()).isZero();
        assertThat(r.headersAsMap()).containsEntry("x-int", -7).hasSize(6);
      }
    }
  }

  @Test
  void seekToCommitLsnInTheMiddleStartsAtThatTransaction() {
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 3000);
      try (JournalReader reader = journal.reader()) {
        assertThat(reader.seek(Entries.commitLsn(1500))).isTrue();
        assertThat(readAll(reader)).isEqualTo(range(1500, 3000));
      }
    }
  }

  @Test
  void seekToAnEventLsnStartsAtTheFirstTransactionCommittedAtOrAfterIt() {
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 3000);
      try (JournalReader reader = journal.reader()) {
        // entry 1501 is ordinal 1 of transaction 500: its whole transaction (1500..) is replayed
        assertThat(reader.seek(Entries.lsn(1501))).isTrue();
        assertThat(readAll(reader)).isEqualTo(range(1500, 3000));
        // an LSN just after a commit: the next transaction
        assertThat(reader.seek(Entries.commitLsn(1500) + 1)).isTrue();
        assertThat(readAll(reader)).isEqualTo(range(1503, 3000));
      }
    }
  }

  @Test
  void seekBeforeTheFirstEntryStartsAtTheFirstEntry() {
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 600);
      try (JournalReader reader = journal.reader()) {
        assertThat(reader.seek(0x10)).isTrue();
        assertThat(readAll(reader)).isEqualTo(range(0, 600));
      }
    }
  }

  @Test
  void seekAfterTheLastEntryFindsNothingUntilMoreIsAppended() {
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 600);
      try (JournalReader reader = journal.reader()) {
        assertThat(reader.seek(Entries.commitLsn(600))).isFalse();
        assertThat(readAll(reader)).isEmpty();
        append(journal, 600, 603);
        assertThat(readAll(reader)).isEqualTo(range(600, 603));
      }
    }
  }

  /** Seeks to each target entry's commit LSN; the next entry read must be its transaction's first. */
  private static void assertEachSeekStartsAtTheTransactionOfItsEntry(JournalReader reader, long... targets) {
    JournalRecord r = new JournalRecord();
    for (long target : targets) {
      assertThat(reader.seek(Entries.commitLsn(target))).isTrue();
      assertThat(reader.next(r)).isTrue();
      assertThat(Entries.indexOf(r)).as("seek to entry %d", target).isEqualTo(target / 3 * 3);
    }
  }

  @Test
  void seekFindsEntriesAcrossRollCycles() {
    SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-11-21T10:00:00Z"));
    try (Journal journal = Journal.open(config(), clock, 0)) {
      for (int cycle = 0; cycle < 5; cycle++) {
        append(journal, cycle * 900L, cycle * 900L + 900);
        clock.advanceMillis(Journal.ROLL_CYCLE.lengthInMillis());
      }
      assertThat(journal.info().files()).isEqualTo(5);
      try (JournalReader reader = journal.reader()) {
        assertEachSeekStartsAtTheTransactionOfItsEntry(reader, 0, 1, 899, 900, 901, 2250, 3599, 4499);
        assertThat(reader.seek(Entries.commitLsn(4500))).isFalse();
      }
    }
  }

  @Test
  void seekReadsALogarithmicNumberOfEntriesNotTheQueue() {
    SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-11-21T10:00:00Z"));
    try (Journal journal = Journal.open(config(), clock, 0)) {
      for (int cycle = 0; cycle < 4; cycle++) {
        append(journal, cycle * 25_000L, cycle * 25_000L + 25_000);
        clock.advanceMillis(Journal.ROLL_CYCLE.lengthInMillis());
      }
      try (QueueJournalReader reader = (QueueJournalReader) journal.reader()) {
        assertThat(reader.seek(Entries.commitLsn(62_345))).isTrue();
        JournalRecord r = new JournalRecord();
        assertThat(reader.next(r)).isTrue();
        assertThat(Entries.indexOf(r)).isEqualTo(62_345 / 3 * 3);
        // 100,000 entries in 4 cycles: log2(4) + log2(25,000) ~ 17 probes, each one index look-up
        assertThat(reader.probes()).isLessThanOrEqualTo(24);
      }
    }
  }

  @Test
  void seekInAJournalThatRewoundStartsAtTheFirstEntryAtOrAfterTheLsnInAppendOrder() {
    SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-11-21T10:00:00Z"));
    try (Journal journal = Journal.open(config(), clock, 0)) {
      append(journal, 0, 3000);
      clock.advanceMillis(Journal.ROLL_CYCLE.lengthInMillis());
      append(journal, 3000, 6000);
    }
    // a later session (new process, next roll cycle) re-streams from entry 1500 and stops at 5400
    clock.advanceMillis(Journal.ROLL_CYCLE.lengthInMillis());
    try (Journal journal = Journal.open(config(), clock, 0)) {
      append(journal, 1500, 5400);
      try (QueueJournalReader reader = (QueueJournalReader) journal.reader()) {
        // the first entry at or after each target, in append order, is in the first run (the only
        // one holding 5400..5999): a search that lands in the later run would skip those
        assertEachSeekStartsAtTheTransactionOfItsEntry(reader, 0, 1499, 1500, 2999, 3000, 5399, 5400, 5999);
        assertThat(reader.seek(Entries.commitLsn(6000))).isFalse();
        assertThat(reader.probes()).isLessThanOrEqualTo(9 * 16);
      }
      assertThat(journal.info().lastCommitLsn()).isEqualTo(Entries.commitLsn(5999));
    }
  }

  @Test
  void reopensAfterCloseAndContinuesAppending() {
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 100);
    }
    try (Journal journal = Journal.open(config())) {
      append(journal, 100, 200);
      try (JournalReader reader = journal.reader()) {
        assertThat(readAll(reader)).isEqualTo(range(0, 200));
      }
      assertThat(journal.appender().lastAppendedLsn()).isEqualTo(Entries.lsn(199));
      assertThat(journal.appender().lastAppendedCommitLsn()).isEqualTo(Entries.commitLsn(199));
      assertThat(journal.appender().appendedEntries()).isEqualTo(100);
    }
    try (Journal readOnly = Journal.openReadOnly(dir); JournalReader reader = readOnly.reader()) {
      assertThat(readAll(reader)).isEqualTo(range(0, 200));
    }
  }

  @Test
  void infoReportsRangeEntriesSizeAndCommitTimes() {
    try (Journal journal = Journal.open(config())) {
      assertThat(journal.info().isEmpty()).isTrue();
      append(journal, 0, 300);
      JournalInfo info = journal.info();
      assertThat(info.entries()).isEqualTo(300);
      assertThat(info.firstLsn()).isEqualTo(Entries.lsn(0));
      assertThat(info.firstCommitLsn()).isEqualTo(Entries.commitLsn(0));
      assertThat(info.lastLsn()).isEqualTo(Entries.lsn(299));
      assertThat(info.lastCommitLsn()).isEqualTo(Entries.commitLsn(299));
      assertThat(info.oldestCommit()).isEqualTo(Instant.ofEpochSecond(1_795_000_000L));
      assertThat(info.newestCommit()).isEqualTo(Instant.ofEpochSecond(1_795_000_000L, 299_000));
      assertThat(info.bytesOnDisk()).isBetween(300L * 200, 1_000_000L);
      assertThat(info.files()).isEqualTo(1);
      assertThat(info.range()).isEqualTo("1/0 .. 1/63800");
      assertThat(info.canReplayFrom(Entries.lsn(0))).isTrue();
      assertThat(info.canReplayFrom(Entries.commitLsn(300))).isFalse();
    }
  }

  @Test
  void refusesToGuessAnEntryOfAnUnknownFormat() {
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 1);
      try (net.openhft.chronicle.queue.ExcerptAppender raw = journal.queue().createAppender();
           net.openhft.chronicle.wire.DocumentContext dc = raw.writingDocument()) {
        dc.wire().bytes().writeByte((byte) 9).writeLong(0);
      }
      try (JournalReader reader = journal.reader()) {
        JournalRecord r = new JournalRecord();
        assertThat(reader.next(r)).isTrue();
        assertThatThrownBy(() -> reader.next(r)).isInstanceOf(JournalException.class)
            .hasMessageContaining("unknown journal entry format: version=9");
      }
    }
  }

  @Test
  void openReadOnlyOnADirectoryWithoutJournalSaysWhereItLooked() {
    assertThatThrownBy(() -> Journal.openReadOnly(dir.resolve("nope")))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("no journal in " + dir.resolve("nope"))
        .hasMessageContaining("--journal");
  }

  @Test
  void appendFailsWhenTheDiskIsFullAndStaysFailed() {
    try (Journal journal = Journal.open(config(), new SetTimeProvider(0).now(), Long.MAX_VALUE)) {
      JournalAppender appender = journal.appender();
      JournalRecord r = Entries.fill(new JournalRecord(), 0, 1, 200);
      assertThatThrownBy(() -> appender.append(r))
          .isInstanceOf(JournalWriteException.class)
          .hasMessageContaining("entry not journaled")
          .hasMessageContaining("lsn=1/0")
          .hasMessageContaining("disk full");
      assertThat(appender.failed()).isTrue();
      assertThat(appender.lastAppendedLsn()).isZero();
      assertThatThrownBy(() -> appender.append(r)).isInstanceOf(JournalWriteException.class)
          .hasMessageContaining("failed earlier");
      assertThat(journal.info().entries()).isZero();
    }
  }

  @Test
  void holdsABodyUpToItsLimitAndRefusesALargerOneWithItsSize() {
    try (Journal journal = Journal.open(config())) {
      JournalAppender appender = journal.appender();
      byte[] body = new byte[Journal.MAX_BODY_BYTES + 1];
      body[Journal.MAX_BODY_BYTES - 1] = 'z';
      appender.append(Entries.fill(new JournalRecord(), 0, 1, 10).body(body, 0, Journal.MAX_BODY_BYTES));
      assertThatThrownBy(() -> appender.append(Entries.fill(new JournalRecord(), 1, 1, 10).body(body, 0, body.length)))
          .isInstanceOf(JournalWriteException.class)
          .hasMessageContaining("entry not journaled")
          .hasMessageContaining("body of " + body.length + " bytes is larger than the " + Journal.MAX_BODY_BYTES);
      try (JournalReader reader = journal.reader()) {
        JournalRecord r = new JournalRecord();
        assertThat(reader.next(r)).isTrue();
        assertThat(r.bodyLength()).isEqualTo(Journal.MAX_BODY_BYTES);
        assertThat(r.body()[r.bodyOffset() + Journal.MAX_BODY_BYTES - 1]).isEqualTo((byte) 'z');
        assertThat(reader.next(r)).isFalse();
      }
    }
    assertThat(Journal.MAX_BODY_BYTES).as("a 7 MB value, twice in a row event, fits").isGreaterThan(14_000_000);
  }

  @Test
  void aFaultingMappedWriteFailsTheAppendAndKeepsTheLastJournaledLsn() throws Exception {
    // Truncating the cycle file under the mapping makes the next writes hit SIGBUS, as a full
    // disk does when a sparse page cannot be allocated; HotSpot turns it into an InternalError.
    try (Journal journal = Journal.open(config())) {
      JournalAppender appender = journal.appender();
      JournalRecord r = Entries.fill(new JournalRecord(), 0, 1, 1000);
      for (int i = 0; i < 1000; i++) {
        appender.append(r.lsn(i).commitLsn(i));
      }
      Path file;
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
        file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
      }
      try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(4096);
      }
      assertThatThrownBy(() -> {
        for (int i = 1000; i < 2_000_000; i++) {
          appender.append(r.lsn(i).commitLsn(i));
        }
      }).isInstanceOf(JournalWriteException.class)
          .hasMessageContaining("entry not journaled")
          .hasRootCauseInstanceOf(InternalError.class);
      assertThat(appender.failed()).isTrue();
      assertThat(appender.lastAppendedLsn()).isEqualTo(999);
    }
  }

  @Test
  void appendsWithoutAllocatingPerEntry() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (Journal journal = Journal.open(config())) {
      JournalAppender appender = journal.appender();
      JournalRecord r = Entries.fill(new JournalRecord(), 0, 1, 1024);
      for (int i = 0; i < 20_000; i++) {
        appender.append(r.lsn(i).commitLsn(i));
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 20_000; i < 120_000; i++) {
        appender.append(r.lsn(i).commitLsn(i));
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      // 100k entries; allow a few KB for Chronicle's occasional index/chunk bookkeeping
      assertThat(allocated).as("bytes allocated for 100k appends").isLessThan(64 * 1024);
    }
  }

  @Test
  void readsWithoutAllocatingPerEntryOnceBuffersAreSized() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (Journal journal = Journal.open(config())) {
      append(journal, 0, 30_000);
      try (JournalReader reader = journal.reader()) {
        JournalRecord r = new JournalRecord();
        for (int i = 0; i < 10_000; i++) {
          reader.next(r);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int read = 0;
        while (reader.next(r)) {
          read++;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(read).isEqualTo(20_000);
        assertThat(allocated).as("bytes allocated for 20k reads").isLessThan(64 * 1024);
      }
    }
  }

}
