package io.pgcdc.journal;

import java.util.NavigableSet;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Raw reader over one Chronicle Queue: every stored entry, in append order. The tailer is created
 * lazily on the reading thread (Chronicle binds tailers to the thread that uses them first).
 *
 * <p>Seek = two binary searches: over the roll cycles by their first entry, then over the
 * sequence numbers inside one cycle, each probe a {@code moveToIndex} through Chronicle's
 * two-level index (at most {@code indexSpacing} = 256 entries stepped over) and one in-place read
 * of the entry's high-water commit LSN at {@link JournalEntryCodec#OFFSET_HIGH_WATER}.
 *
 * <p>Why the high-water mark and not the commit LSN: a directory is a concatenation of runs, one
 * per pipeline session, each in commit order, where a later run starts again at the slot's
 * confirmed position, below where the one before ended. Commit LSNs are then not sorted, and a
 * search over them can land in a later run and miss what only an earlier one holds. The running
 * maximum is sorted, and the first entry where it reaches {@code lsn} is exactly the first entry,
 * in append order, whose own commit LSN does. So a rewinding directory costs the same O(log n)
 * probes as a sorted one; what it costs more is reading: after the seek, the later runs' entries
 * that repeat or precede what was already read (at most what each re-stream re-sent) still come
 * out of this raw reader, for {@link MergingJournalReader} to drop.
 *
 * <pre>
 *   commit LSN:  10 20 30 40 50 | 30 40 | 40 50 60      three sessions
 *   high-water:  10 20 30 40 50 | 50 50 | 50 50 60      seek(45): first high-water >= 45 = the 50
 * </pre>
 */
final class QueueJournalReader implements JournalReader {

  /** Key of an entry that is missing or not yet complete (a crash mid-append): after everything. */
  private static final long ABSENT = -1L;

  private final SingleChronicleQueue queue;
  private final RollCycle rollCycle;
  private ExcerptTailer tailer;
  /** Entries looked at by seeks so far (tests prove the search is logarithmic with it). */
  private long probes;

  QueueJournalReader(SingleChronicleQueue queue) {
    this.queue = queue;
    this.rollCycle = queue.rollCycle();
  }

  private ExcerptTailer tailer() {
    if (tailer == null) {
      tailer = queue.createTailer();
    }
    return tailer;
  }

  @Override
  public boolean seek(long lsn) {
    queue.refreshDirectoryListing();
    int[] cycles = nonEmptyCycles();
    if (cycles.length == 0) {
      tailer().toEnd();
      return false;
    }
    // First cycle whose first entry is at or after lsn; the target is in the cycle before it or
    // is that cycle's first entry.
    int lo = 0;
    int hi = cycles.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (before(key(cycles[mid], 0), lsn)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo > 0) {
      int cycle = cycles[lo - 1];
      long seq = firstAtOrAfter(cycle, lsn);
      if (seq < tailer().excerptsInCycle(cycle)) {
        return moveTo(cycle, seq);
      }
    }
    if (lo < cycles.length) {
      return moveTo(cycles[lo], 0);
    }
    tailer().toEnd();
    return false;
  }

  /** Lower bound inside one cycle whose entry 0 is before {@code lsn}. */
  private long firstAtOrAfter(int cycle, long lsn) {
    long lo = 1;
    long hi = tailer().excerptsInCycle(cycle);
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (before(key(cycle, mid), lsn)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static boolean before(long key, long lsn) {
    return key != ABSENT && Long.compareUnsigned(key, lsn) < 0;
  }

  private long key(int cycle, long seq) {
    probes++;
    ExcerptTailer t = tailer();
    if (!t.moveToIndex(rollCycle.toIndex(cycle, seq))) {
      return ABSENT;
    }
    try (DocumentContext dc = t.readingDocument()) {
      return dc.isPresent() ? JournalEntryCodec.highWaterLsn(dc.wire().bytes()) : ABSENT;
    }
  }

  private boolean moveTo(int cycle, long seq) {
    return tailer().moveToIndex(rollCycle.toIndex(cycle, seq));
  }

  private int[] nonEmptyCycles() {
    int first = queue.firstCycle();
    int last = queue.lastCycle();
    if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first > last) {
      return new int[0];
    }
    NavigableSet<Long> all = queue.listCyclesBetween(first, last);
    int[] cycles = new int[all.size()];
    int n = 0;
    for (Long c : all) {
      if (tailer().excerptsInCycle(c.intValue()) > 0) {
        cycles[n++] = c.intValue();
      }
    }
    return java.util.Arrays.copyOf(cycles, n);
  }

  /**
   * Reads an entry of the transaction with the highest commit LSN into {@code into}: the newest
   * entry when the journal ends with that transaction (the usual case), else, when a later
   * session rewound, that transaction's first entry (one more seek).
   *
   * @return false when the journal holds no entry
   */
  boolean readHighest(JournalRecord into) {
    queue.refreshDirectoryListing();
    long highWater = readNewest(into);
    if (highWater == ABSENT) {
      return false;
    }
    return into.commitLsn() == highWater || (seek(highWater) && next(into));
  }

  /**
   * High-water commit LSN of the newest entry, {@link io.pgcdc.decoder.Lsn#INVALID} when the
   * journal is empty: where an appender continues the running maximum.
   */
  long newestHighWater() {
    queue.refreshDirectoryListing();
    long highWater = readNewest(null);
    return highWater == ABSENT ? io.pgcdc.decoder.Lsn.INVALID : highWater;
  }

  /** Reads the newest entry into {@code into} (unless null); returns its high-water LSN or {@link #ABSENT}. */
  private long readNewest(JournalRecord into) {
    ExcerptTailer t = tailer().direction(TailerDirection.BACKWARD).toEnd();
    try (DocumentContext dc = t.readingDocument()) {
      if (!dc.isPresent()) {
        return ABSENT;
      }
      long highWater = JournalEntryCodec.highWaterLsn(dc.wire().bytes());
      if (into != null) {
        JournalEntryCodec.read(dc.wire().bytes(), into);
      }
      return highWater;
    } finally {
      t.direction(TailerDirection.FORWARD);
    }
  }

  long probes() {
    return probes;
  }

  @Override
  public void toStart() {
    tailer().toStart();
  }

  @Override
  public boolean next(JournalRecord into) {
    try (DocumentContext dc = tailer().readingDocument()) {
      if (!dc.isPresent()) {
        return false;
      }
      JournalEntryCodec.read(dc.wire().bytes(), into);
      return true;
    }
  }

  @Override
  public void close() {
    if (tailer != null) {
      tailer.close();
    }
  }
}
