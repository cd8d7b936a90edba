package io.pgcdc.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process in the middle of appending: the journal stays readable, every entry is
 * whole, the last one is whole or absent, and a new appender continues after it. An IT rather
 * than a unit test because it starts child JVMs (no servers).
 */
@Timeout(120)
class JournalCrashIT {

  @TempDir
  Path dir;

  private Process child;

  static int bodySize(long i) {
    return 16 + (int) (i * 7919 % 8192);
  }

  @AfterEach
  void killChild() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
  }

  private Process startAppender(long first) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    // the same Chronicle flags this JVM got from the parent pom's argLine, nothing repeated here
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
        command.add(arg);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CrashingAppender.class.getName());
    command.add(dir.toString());
    command.add(Long.toString(first));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Skips the child's log lines (Chronicle warns when it takes over a dead writer's lock). */
  private static void awaitStarted(BufferedReader out) throws java.io.IOException {
    for (String line = out.readLine(); !"started".equals(line); line = out.readLine()) {
      assertThat(line).as("child exited before appending").isNotNull();
    }
  }

  private static long entriesOnDisk(Path dir) {
    try (Journal journal = Journal.openReadOnly(dir)) {
      return journal.info().entries();
    }
  }

  @Test
  void killDashNineMidAppendLeavesEveryEntryWholeAndTheLastWholeOrAbsent() throws Exception {
    long count = 0;
    for (int round = 0; round < 2; round++) {
      // each round: a new process continues after the last whole entry, and is killed mid-stream
      long before = count;
      child = startAppender(count);
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      awaitStarted(out);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> entriesOnDisk(dir) > before + 20_000);

      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no Chronicle close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);

      try (Journal journal = Journal.openReadOnly(dir)) {
        count = readAndCheckEveryEntry(journal, 0);
      }
      assertThat(count).isGreaterThan(before + 20_000);
    }

    try (Journal journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 10L << 30))) {

      // a new writer (the restarted node) continues after the last whole entry
      JournalRecord r = new JournalRecord();
      for (long i = count; i < count + 1000; i++) {
        journal.appender().append(Entries.fill(r, i, 2, bodySize(i)));
      }
      assertThat(readAndCheckEveryEntry(journal, 0)).isEqualTo(count + 1000);
    }
  }

  /** Reads from the start; every entry must be entry {@code expected++}, byte for byte. */
  private static long readAndCheckEveryEntry(Journal journal, long expected) {
    try (JournalReader reader = journal.reader()) {
      JournalRecord r = new JournalRecord();
      while (reader.next(r)) {
        assertThat(Entries.indexOf(r)).isEqualTo(expected);
        assertThat(r.messageId().toString()).isEqualTo(Entries.messageId(expected));
        assertThat(r.bodyCopy()).as("body of entry %d", expected).isEqualTo(Entries.body(expected, bodySize(expected)));
        assertThat(r.headerCount()).isEqualTo(5);
        expected++;
      }
      return expected;
    }
  }
}
