package io.pgcdc.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Journal settings (YAML section {@code journal:}).
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>valid</th><th>meaning</th></tr>
 *   <tr><td>{@code journal.dir}</td><td>{@code ./data/journal}</td><td>a writable directory</td>
 *       <td>where the Chronicle Queue files live</td></tr>
 *   <tr><td>{@code journal.retention.age}</td><td>{@code 7d}</td><td>&gt;= 1h</td>
 *       <td>roll cycles older than this are deleted</td></tr>
 *   <tr><td>{@code journal.retention.size}</td><td>{@code 10GiB}</td><td>&gt;= 64MiB</td>
 *       <td>oldest roll cycles are deleted while the journal is larger</td></tr>
 * </table>
 */
public record JournalConfig(Path dir, Duration retentionAge, long retentionBytes) {
  public static final Path DEFAULT_DIR = Path.of("data", "journal");
  public static final Duration DEFAULT_RETENTION_AGE = Duration.ofDays(7);
  public static final long DEFAULT_RETENTION_BYTES = 10L << 30;
  public static final Duration MIN_RETENTION_AGE = Duration.ofHours(1);
  /** Ten years: longer ages overflow the millisecond arithmetic of the retention sweep. */
  public static final Duration MAX_RETENTION_AGE = Duration.ofDays(3650);
  public static final long MIN_RETENTION_BYTES = 64L << 20;

  public static JournalConfig defaults() {
    return new JournalConfig(DEFAULT_DIR, DEFAULT_RETENTION_AGE, DEFAULT_RETENTION_BYTES);
  }

  /** Adds one line per invalid key to {@code problems}. */
  public void validate(List<String> problems) {
    if (dir == null || dir.toString().isBlank()) {
      problems.add("journal.dir: must be set to a writable directory");
    }
    if (retentionAge == null || retentionAge.compareTo(MIN_RETENTION_AGE) < 0) {
      problems.add("journal.retention.age=" + retentionAge + ": must be at least 1h");
    }
    if (retentionBytes < MIN_RETENTION_BYTES) {
      problems.add("journal.retention.size=" + retentionBytes + ": must be at least 64MiB");
    }
  }
}
