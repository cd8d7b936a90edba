package io.pgcdc.tools;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.journal.Journal;
import io.pgcdc.journal.JournalConfig;
import io.pgcdc.journal.JournalRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes journals like pgcdc's: message {@code i} is ordinal {@code i % 2} of a two-change
 * transaction committed at {@code 0/1000000 + (i/2)*0x100 + 0x80}; bodies are pgcdc-like JSON
 * with a numeric that must survive digit for digit.
 */
final class JournalFixture {

  static final long BASE = 0x1000000L;

  private JournalFixture() {
  }

  static long lsn(long i) {
    return BASE + (i / 2) * 0x100 + (i % 2) * 0x10;
  }

  static long commitLsn(long i) {
    return BASE + (i / 2) * 0x100 + 0x80;
  }

  static String messageId(long i) {
    return "it_slot/" + Lsn.format(commitLsn(i)) + "/" + (i % 2);
  }

  static byte[] body(long i) {
    return ("{\"id\":\"" + messageId(i) + "\",\"op\":\"I\",\"after\":{\"id\":" + i
        + ",\"price\":12345678901234567890.000100,\"name\":\"Mikael Åkerfeldt\"}}").getBytes(StandardCharsets.UTF_8);
  }

  static JournalRecord fill(JournalRecord r, long i, long epoch) {
    byte[] body = body(i);
    String lsn = Lsn.format(lsn(i));
    String commit = Lsn.format(commitLsn(i));
    return r.lsn(lsn(i)).commitLsn(commitLsn(i)).xid(900 + i / 2).epoch(epoch).ordinal((int) (i % 2))
        .commitTimeMicros(1_795_000_000_000_000L + i * 1000).op('I').messageId(messageId(i))
        .contentType("application/json").routingKey("public.items").body(body, 0, body.length)
        .clearHeaders()
        .header("pgcdc-lsn", lsn).header("pgcdc-commit-lsn", commit).header("pgcdc-xid", 900 + i / 2)
        .header("pgcdc-op", "I").header("pgcdc-epoch", epoch);
  }

  /** Writes messages {@code [from, to)} with epoch 0 into a journal in {@code dir}. */
  static Path write(Path dir, long from, long to) {
    return write(dir, from, to, 0);
  }

  /** Writes messages {@code [from, to)} into a journal in {@code dir}. */
  static Path write(Path dir, long from, long to, long epoch) {
    try (Journal journal = Journal.open(new JournalConfig(dir, Duration.ofDays(7), 10L << 30))) {
      JournalRecord r = new JournalRecord();
      for (long i = from; i < to; i++) {
        journal.appender().append(fill(r, i, epoch));
      }
    }
    return dir;
  }
}
