package io.pgcdc.journal;

import io.pgcdc.decoder.Lsn;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends entries to the journal. ONE writer thread (the engine's Disruptor JournalHandler) calls
 * {@link #append}; any thread may read the {@code lastAppended*} progress values.
 *
 * <p><b>What "journaled" means.</b> When {@link #append} returns, the entry is complete in the
 * memory-mapped queue file: readers in this or another process see it, and it survives a crash of
 * this process ({@code kill -9}). It is not fsync'ed: an operating-system crash may lose the
 * newest entries from the page cache. (The broker, not the journal, is what at-least-once
 * delivery rests on; the journal is the replay history.)
 *
 * <p><b>Failure contract.</b> {@link #append} throws {@link JournalWriteException} when the entry
 * could not be written: a body over {@link Journal#MAX_BODY_BYTES}, usable disk space below
 * {@link Journal#MIN_FREE_BYTES} (checked every 1 MiB appended), an I/O error, or a fault in the
 * mapped write. The entry is then NOT in the
 * journal (a half-written document is rolled back), this appender is failed for good, and the
 * engine must stop the pipeline without advancing the flushed LSN to the failed entry's LSN.
 * {@link #lastAppendedLsn()} never moves past an entry that failed.
 *
 * <p>Why the free-space floor comes first: a mapped write that faults (a sparse page the full
 * disk cannot back) is a SIGBUS, which HotSpot raises as {@link InternalError} "in a recent
 * unsafe memory access", delivered at the writing thread's next safepoint poll. In the tests it
 * surfaces inside the failing {@code append}, but HotSpot does not promise that, so refusing to
 * write with less than {@link Journal#MIN_FREE_BYTES} free is the guard that keeps it from
 * happening at all.
 *
 * <p><b>High-water commit LSN.</b> Each entry also carries the highest commit LSN journaled in
 * the directory up to and including it (what seeks search, see {@link QueueJournalReader}). The
 * first append of an appender reads it back from the newest entry on disk, so it carries over
 * restarts and a new session that re-journals from the slot's confirmed position.
 *
 * <p><b>Cost.</b> No allocation and no lock per entry: the record is encoded into a reused heap
 * array and copied into the mapped file with two bulk writes ({@link EntryEncoder}). Retention runs on this thread once per new roll cycle.
 */
public final class JournalAppender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JournalAppender.class);

  /** Re-check free space after this many bytes (a statfs call per entry would cost more than the write). */
  static final long SPACE_CHECK_INTERVAL_BYTES = 1L << 20;
  private static final int ENTRY_OVERHEAD_BYTES = 160;

  private final SingleChronicleQueue queue;
  private final JournalRetention retention;
  private final Path dir;
  private final FileStore store;
  private final long minFreeBytes;
  private final AtomicLong lastAppendedLsn = new AtomicLong(Lsn.INVALID);
  private final AtomicLong lastAppendedCommitLsn = new AtomicLong(Lsn.INVALID);
  private final AtomicLong appendedEntries = new AtomicLong();
  private final EntryEncoder encoder = new EntryEncoder();
  private ExcerptAppender appender;
  /** Highest commit LSN journaled in this directory so far (writer thread only; see JournalEntryCodec). */
  private long highWaterLsn;
  private long bytesUntilSpaceCheck;
  private int cycle = Integer.MIN_VALUE;
  private volatile JournalWriteException failure;

  JournalAppender(SingleChronicleQueue queue, JournalRetention retention, Path dir, long minFreeBytes) {
    this.minFreeBytes = minFreeBytes;
    this.queue = queue;
    this.retention = retention;
    this.dir = dir;
    try {
      this.store = Files.getFileStore(dir);
    } catch (IOException e) {
      throw new JournalException("cannot stat journal file system: dir=" + dir + " error=" + e, e);
    }
  }

  /**
   * Appends one entry (single writer thread only).
   *
   * @throws JournalWriteException the entry is not journaled; the pipeline must stop (see the
   *     class comment)
   */
  public void append(JournalRecord record) {
    JournalWriteException failed = failure;
    if (failed != null) {
      throw new JournalWriteException("journal appender failed earlier, entry not journaled: lsn="
          + Lsn.format(record.lsn()) + " cause=" + failed.getMessage(), failed);
    }
    if (record.bodyLength() > Journal.MAX_BODY_BYTES) {
      throw fail(record, "body of " + record.bodyLength() + " bytes is larger than the " + Journal.MAX_BODY_BYTES
          + " bytes an entry holds", null);
    }
    checkSpace(record);
    try {
      write(record);
    } catch (RuntimeException | InternalError e) {
      // InternalError: the JVM's translation of SIGBUS on a mapped page (disk full, file truncated).
      throw fail(record, "write failed: " + e, e);
    }
    lastAppendedCommitLsn.lazySet(record.commitLsn());
    lastAppendedLsn.lazySet(record.lsn());
    appendedEntries.lazySet(appendedEntries.get() + 1);
    if (appender.cycle() != cycle) {
      cycle = appender.cycle();
      sweep();
    }
  }

  /** Retention problems never fail an append: the entry is journaled; the free-space check guards the disk. */
  private void sweep() {
    try {
      retention.sweep();
    } catch (RuntimeException e) {
      LOG.warn("journal retention failed in {}: {}", dir, e.toString());
    }
  }

  private void write(JournalRecord record) {
    if (appender == null) {
      // Created on the writer thread: Chronicle appenders and tailers are bound to the thread that made them.
      appender = queue.createAppender();
      try (QueueJournalReader newest = new QueueJournalReader(queue)) {
        highWaterLsn = newest.newestHighWater();
      }
    }
    long highWater = Long.compareUnsigned(record.commitLsn(), highWaterLsn) > 0 ? record.commitLsn() : highWaterLsn;
    try (DocumentContext dc = appender.writingDocument()) {
      try {
        encoder.write(dc.wire().bytes(), record, highWater);
      } catch (RuntimeException | Error e) {
        dc.rollbackOnClose();
        throw e;
      }
    }
    highWaterLsn = highWater;
  }

  private void checkSpace(JournalRecord record) {
    bytesUntilSpaceCheck -= record.bodyLength() + ENTRY_OVERHEAD_BYTES;
    if (bytesUntilSpaceCheck > 0) {
      return;
    }
    bytesUntilSpaceCheck = SPACE_CHECK_INTERVAL_BYTES;
    long usable;
    try {
      usable = store.getUsableSpace();
    } catch (IOException e) {
      throw fail(record, "cannot read free space: " + e, e);
    }
    if (usable < minFreeBytes) {
      throw fail(record, "disk full: usable=" + usable + " bytes, need at least "
          + minFreeBytes + "; free space or lower journal.retention.size", null);
    }
  }

  private JournalWriteException fail(JournalRecord record, String why, Throwable cause) {
    JournalWriteException e = new JournalWriteException("journal write failed, entry not journaled: dir="
        + dir + " lsn=" + Lsn.format(record.lsn()) + " commitLsn=" + Lsn.format(record.commitLsn())
        + " messageId=" + record.messageId() + " reason=" + why, cause);
    failure = e;
    return e;
  }

  /** {@code lsn} of the newest entry appended by this appender; {@link Lsn#INVALID} before the first. */
  public long lastAppendedLsn() {
    return lastAppendedLsn.get();
  }

  /** Commit LSN of the newest entry appended; {@link Lsn#INVALID} before the first. */
  public long lastAppendedCommitLsn() {
    return lastAppendedCommitLsn.get();
  }

  /** Entries appended since this appender was created. */
  public long appendedEntries() {
    return appendedEntries.get();
  }

  /** Whether an append failed; the appender then refuses every further entry. */
  public boolean failed() {
    return failure != null;
  }

  /** Releases the Chronicle appender. Call from the writer thread, or after it stopped. */
  @Override
  public void close() {
    if (appender != null) {
      appender.close();
    }
  }
}
