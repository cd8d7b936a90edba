package io.pgcdc.journal;

import io.pgcdc.decoder.Lsn;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic test entries: entry {@code i} belongs to transaction {@code i / 3} (ordinal
 * {@code i % 3}); transaction {@code t} has its changes at {@code BASE + t*0x1000 + ordinal*0x100}
 * and commits at {@code BASE + t*0x1000 + 0x800}. Bodies are derived from {@code i} so a reader
 * can check every byte.
 */
final class Entries {

  static final long BASE = 0x1_0000_0000L;
  static final int PER_TX = 3;

  private Entries() {
  }

  static long lsn(long i) {
    return BASE + (i / PER_TX) * 0x1000 + (i % PER_TX) * 0x100;
  }

  static long commitLsn(long i) {
    return BASE + (i / PER_TX) * 0x1000 + 0x800;
  }

  static String messageId(long i) {
    return "pgcdc_slot/" + Lsn.format(commitLsn(i)) + "/" + (i % PER_TX);
  }

  static byte[] body(long i, int size) {
    byte[] body = new byte[size];
    byte[] prefix = ("{\"i\":" + i + ",\"name\":\"Åkerfeldt\"}").getBytes(StandardCharsets.UTF_8);
    System.arraycopy(prefix, 0, body, 0, Math.min(prefix.length, size));
    for (int k = prefix.length; k < size; k++) {
      body[k] = (byte) (i * 31 + k);
    }
    return body;
  }

  /** Fills {@code r} with entry {@code i} (allocates: tests only). */
  static JournalRecord fill(JournalRecord r, long i, long epoch, int bodySize) {
    byte[] body = body(i, bodySize);
    return r.lsn(lsn(i)).commitLsn(commitLsn(i)).xid(700 + i / PER_TX).epoch(epoch)
        .ordinal((int) (i % PER_TX)).commitTimeMicros(1_795_000_000_000_000L + i)
        .op("IUD".charAt((int) (i % 3))).messageId(messageId(i)).contentType("application/json")
        .routingKey("public.users_" + (i % 5)).body(body, 0, body.length)
        .clearHeaders()
        .header("pgcdc-lsn", Lsn.format(lsn(i)))
        .header("pgcdc-commit-lsn", Lsn.format(commitLsn(i)))
        .header("pgcdc-xid", 700 + i / PER_TX)
        .header("pgcdc-op", String.valueOf("IUD".charAt((int) (i % 3))))
        .header("pgcdc-epoch", epoch);
  }

  /** Index of the entry a record holds, recovered from its LSN and ordinal. */
  static long indexOf(JournalRecord r) {
    return (r.commitLsn() - BASE - 0x800) / 0x1000 * PER_TX + r.ordinal();
  }
}
