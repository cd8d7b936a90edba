package io.pgcdc.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The engine's layout: one writer thread appends, other threads read progress and tail. */
@Timeout(60)
class JournalThreadingTest {

  @TempDir
  Path dir;

  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-journal-writer"));

  @AfterEach
  void stopWriter() throws Exception {
    writer.shutdownNow();
    assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aReaderOnAnotherThreadSeesEveryEntryTheWriterThreadAppends() throws Exception {
    try (Journal journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 10L << 30))) {
      JournalAppender appender = journal.appender();
      Future<?> writing = writer.submit(() -> {
        JournalRecord r = new JournalRecord();
        for (long i = 0; i < 50_000; i++) {
          appender.append(Entries.fill(r, i, 1, 64));
        }
      });
      long expected = 0;
      try (JournalReader reader = journal.reader()) {
        JournalRecord r = new JournalRecord();
        while (expected < 50_000) {
          // Sampled before next(): when the writer had already finished, an empty read means the
          // entry is missing. (Calling next() again to check would consume an entry unchecked.)
          boolean writerDone = writing.isDone();
          if (reader.next(r)) {
            assertThat(Entries.indexOf(r)).isEqualTo(expected++);
          } else {
            assertThat(writerDone).as("writer finished before entry %d was read", expected).isFalse();
            Thread.onSpinWait();
          }
        }
      }
      writing.get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> appender.appendedEntries() == 50_000);
      assertThat(appender.lastAppendedLsn()).isEqualTo(Entries.lsn(49_999));
    }
  }

  @Test
  void closesFromAnotherThreadThanTheWriter() throws Exception {
    Journal journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 10L << 30));
    JournalAppender appender = journal.appender();
    writer.submit(() -> appender.append(Entries.fill(new JournalRecord(), 0, 1, 64))).get(10, TimeUnit.SECONDS);
    journal.close();
    try (Journal reopened = Journal.openReadOnly(dir)) {
      assertThat(reopened.info().entries()).isEqualTo(1);
    }
  }
}
