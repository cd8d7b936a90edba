package io.pgcdc.journal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child-JVM main for {@link JournalCrashTest}: appends entries 0, 1, 2, ... with bodies of
 * varying size until it is killed. Prints {@code started} once the first entry is journaled.
 */
public final class CrashingAppender {

  private CrashingAppender() {
  }

  public static void main(String[] args) {
    Journal journal = Journal.open(new JournalConfig(Path.of(args[0]), Duration.ofDays(7), 10L << 30));
    JournalAppender appender = journal.appender();
    JournalRecord r = new JournalRecord();
    for (long i = 0; ; i++) {
      appender.append(Entries.fill(r, i, 1, JournalCrashTest.bodySize(i)));
      if (i == 0) {
        System.out.println("started");
        System.out.flush();
      }
    }
  }
}
