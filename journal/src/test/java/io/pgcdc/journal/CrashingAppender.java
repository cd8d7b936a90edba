package io.pgcdc.journal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child-JVM main for {@link JournalCrashIT}: appends entries {@code first}, {@code first+1}, ...
 * with bodies of varying size until it is killed. Prints {@code started} once the first entry
 * is journaled. Arguments: journal directory, first entry index.
 */
public final class CrashingAppender {

  private CrashingAppender() {
  }

  public static void main(String[] args) {
    Journal journal = Journal.open(new JournalConfig(Path.of(args[0]), Duration.ofDays(7), 10L << 30));
    JournalAppender appender = journal.appender();
    JournalRecord r = new JournalRecord();
    long first = Long.parseLong(args[1]);
    for (long i = first; ; i++) {
      appender.append(Entries.fill(r, i, 1, JournalCrashIT.bodySize(i)));
      if (i == first) {
        System.out.println("started");
        System.out.flush();
      }
    }
  }
}
