package io.pgcdc.journal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One or more journal directories read as one (tools: {@code replay}, {@code journal info|dump}).
 * Each node of a cluster journals what it published; after a failover the new leader re-publishes
 * from the slot's confirmed position, so directories overlap. {@link #reader()} merges them in
 * commit order and returns each message once (rules: {@link MergingJournalReader}).
 *
 * <p>Opened read-only; used by one thread.
 */
public final class JournalSet implements AutoCloseable {

  private final List<Journal> journals;

  private JournalSet(List<Journal> journals) {
    this.journals = journals;
  }

  /** @throws JournalException naming the first directory that holds no journal */
  public static JournalSet openReadOnly(List<Path> dirs) {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("no journal directory given");
    }
    List<Journal> opened = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        opened.add(Journal.openReadOnly(dir));
      }
    } catch (RuntimeException e) {
      opened.forEach(Journal::close);
      throw e;
    }
    return new JournalSet(List.copyOf(opened));
  }

  public List<Journal> journals() {
    return journals;
  }

  /** A merged, de-duplicated reader over every directory (see {@link MergingJournalReader}). */
  public JournalReader reader() {
    List<JournalReader> readers = new ArrayList<>(journals.size());
    for (Journal journal : journals) {
      readers.add(journal.reader());
    }
    return new MergingJournalReader(readers);
  }

  /**
   * Bounds over all directories. {@code entries} and sizes are summed, so a message journaled by
   * two nodes counts twice.
   */
  public JournalInfo info() {
    JournalInfo total = null;
    for (Journal journal : journals) {
      JournalInfo info = journal.info();
      total = total == null ? info : combine(total, info);
    }
    return total;
  }

  private static JournalInfo combine(JournalInfo a, JournalInfo b) {
    if (a.isEmpty() || b.isEmpty()) {
      JournalInfo data = a.isEmpty() ? b : a;
      return new JournalInfo(a.dir(), data.entries(), data.firstLsn(), data.firstCommitLsn(),
          data.lastLsn(), data.lastCommitLsn(), data.oldestCommit(), data.newestCommit(),
          a.bytesOnDisk() + b.bytesOnDisk(), a.files() + b.files());
    }
    boolean aFirst = Long.compareUnsigned(a.firstCommitLsn(), b.firstCommitLsn()) <= 0;
    boolean aLast = Long.compareUnsigned(a.lastCommitLsn(), b.lastCommitLsn()) >= 0;
    JournalInfo first = aFirst ? a : b;
    JournalInfo last = aLast ? a : b;
    return new JournalInfo(a.dir(), a.entries() + b.entries(),
        Long.compareUnsigned(a.firstLsn(), b.firstLsn()) <= 0 ? a.firstLsn() : b.firstLsn(),
        first.firstCommitLsn(), last.lastLsn(), last.lastCommitLsn(),
        min(a.oldestCommit(), b.oldestCommit()), max(a.newestCommit(), b.newestCommit()),
        a.bytesOnDisk() + b.bytesOnDisk(), a.files() + b.files());
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  @Override
  public void close() {
    journals.forEach(Journal::close);
  }
}
