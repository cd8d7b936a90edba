package io.pgcdc.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole roll-cycle files: first those that ended more than {@code retentionAge} ago,
 * then the oldest while the files together use more than {@code retentionBytes}. The newest file
 * (the one being appended to) is never deleted, so a size limit smaller than one cycle is
 * exceeded by at most that cycle.
 *
 * <pre>
 *   20261121-2340X.cq4  20261121-2350X.cq4  20261122-0000X.cq4  ...  20261122-0130X.cq4
 *   |<-- older than age: deleted -->|<-- kept while total <= size -->|   current: never
 * </pre>
 *
 * <p>Runs on the appender's thread when it starts a new cycle, or on the caller's thread via
 * {@link Journal#applyRetention()}; not concurrently with itself (synchronized).
 */
final class JournalRetention {

  private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);

  private final SingleChronicleQueue queue;
  private final CycleFiles cycles;
  private final Duration retentionAge;
  private final long retentionBytes;
  private final TimeProvider clock;

  JournalRetention(SingleChronicleQueue queue, CycleFiles cycles, Duration retentionAge,
                   long retentionBytes, TimeProvider clock) {
    this.queue = queue;
    this.cycles = cycles;
    this.retentionAge = retentionAge;
    this.retentionBytes = retentionBytes;
    this.clock = clock;
  }

  synchronized int sweep() {
    List<Path> files = cycles.list();
    long[] sizes = new long[files.size()];
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = cycles.usedBytes(files.get(i));
      total += sizes[i];
    }
    long cutoff = clock.currentTimeMillis() - retentionAge.toMillis();
    int deleted = 0;
    for (int i = 0; i < files.size() - 1; i++) {
      boolean expired = cycles.endMillis(files.get(i)) <= cutoff;
      if (!expired && total <= retentionBytes) {
        break;
      }
      String why = expired ? "older than journal.retention.age=" + retentionAge
          : "journal uses " + total + " bytes, more than journal.retention.size=" + retentionBytes;
      if (delete(files.get(i), why)) {
        total -= sizes[i];
        deleted++;
      }
    }
    if (deleted > 0) {
      queue.refreshDirectoryListing();
    }
    return deleted;
  }

  private static boolean delete(Path file, String why) {
    try {
      Files.deleteIfExists(file);
      LOG.info("journal retention deleted {}: {}", file, why);
      return true;
    } catch (IOException e) {
      LOG.warn("journal retention could not delete {}: {}", file, e.toString());
      return false;
    }
  }
}
