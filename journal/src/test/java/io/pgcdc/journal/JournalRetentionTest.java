package io.pgcdc.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JournalRetentionTest {

  private static final long CYCLE = Journal.ROLL_CYCLE.lengthInMillis();

  @TempDir
  Path dir;

  private final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-11-21T10:00:00Z"));

  /** Appends {@code cycles} cycles of {@code perCycle} 1 KB entries, moving the clock one cycle each. */
  private void fill(Journal journal, int cycles, int perCycle) {
    JournalRecord r = new JournalRecord();
    long i = 0;
    for (int c = 0; c < cycles; c++) {
      for (int k = 0; k < perCycle; k++, i++) {
        journal.appender().append(Entries.fill(r, i, 1, 1024));
      }
      clock.advanceMillis(CYCLE);
    }
  }

  private static long firstIndex(Journal journal) {
    try (JournalReader reader = journal.reader()) {
      JournalRecord r = new JournalRecord();
      assertThat(reader.next(r)).isTrue();
      return Entries.indexOf(r);
    }
  }

  @Test
  void deletesCycleFilesOlderThanTheRetentionAge() {
    JournalConfig config = new JournalConfig(dir, Duration.ofMillis(3 * CYCLE), 10L << 30);
    try (Journal journal = Journal.open(config, clock, 0)) {
      fill(journal, 6, 100);
      // the appender already swept cycles 0 and 1 when it opened cycle 5; the clock is now at
      // the start of cycle 6, where cycle 2 has ended 3 cycles ago too
      assertThat(journal.applyRetention()).isEqualTo(1);
      assertThat(journal.info().files()).isEqualTo(3);
      assertThat(firstIndex(journal)).isEqualTo(300);
      assertThat(journal.info().entries()).isEqualTo(300);
    }
  }

  @Test
  void appenderAppliesRetentionWhenItStartsANewCycle() {
    JournalConfig config = new JournalConfig(dir, Duration.ofMillis(2 * CYCLE), 10L << 30);
    try (Journal journal = Journal.open(config, clock, 0)) {
      fill(journal, 5, 10);
      // the append that opened cycle 4 swept cycles that had ended 2 cycles before it: 0 and 1
      assertThat(journal.info().files()).isEqualTo(3);
      assertThat(firstIndex(journal)).isEqualTo(20);
    }
  }

  @Test
  void deletesTheOldestCyclesWhileTheJournalIsLargerThanTheRetentionSize() {
    JournalConfig config = new JournalConfig(dir, Duration.ofDays(7), 1L);
    try (Journal journal = Journal.open(config, clock, 0)) {
      fill(journal, 4, 1000);
      journal.applyRetention();
      JournalInfo info = journal.info();
      // only the newest (current) file is never deleted, whatever the size limit
      assertThat(info.files()).isEqualTo(1);
      assertThat(firstIndex(journal)).isEqualTo(3000);
    }
  }

  @Test
  void deletesOnlyAsManyOldCyclesAsNeededToGetUnderTheSize() {
    // 4 cycles of ~1.3 MB each; 3 MB leaves room for the newest two
    JournalConfig config = new JournalConfig(dir, Duration.ofDays(7), 3_000_000L);
    try (Journal journal = Journal.open(config, clock, 0)) {
      fill(journal, 4, 1000);
      journal.applyRetention();
      assertThat(journal.info().files()).isEqualTo(2);
      assertThat(journal.info().bytesOnDisk()).isBetween(2_000_000L, 3_000_000L);
      assertThat(firstIndex(journal)).isEqualTo(2000);
    }
  }

  @Test
  void countsTheBytesEntriesUseNotTheSparseSizeOfTheFiles() {
    // each cycle file is 80 MiB apparent (Chronicle maps whole chunks) but holds ~13 KB
    JournalConfig config = new JournalConfig(dir, Duration.ofDays(7), JournalConfig.MIN_RETENTION_BYTES);
    try (Journal journal = Journal.open(config, clock, 0)) {
      fill(journal, 4, 10);
      assertThat(journal.applyRetention()).isZero();
      assertThat(journal.info().files()).isEqualTo(4);
      assertThat(journal.info().bytesOnDisk()).isLessThan(1_000_000L);
    }
  }

  @Test
  void keepsEverythingWithinAgeAndSize() {
    JournalConfig config = new JournalConfig(dir, Duration.ofDays(7), 10L << 30);
    try (Journal journal = Journal.open(config, clock, 0)) {
      fill(journal, 4, 100);
      assertThat(journal.applyRetention()).isZero();
      assertThat(journal.info().files()).isEqualTo(4);
      assertThat(firstIndex(journal)).isZero();
    }
  }
}
