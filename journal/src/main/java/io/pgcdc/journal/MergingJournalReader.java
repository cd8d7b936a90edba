package io.pgcdc.journal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * K-way merge of raw readers in commit order, returning each message once.
 *
 * <p>Duplicates come from two places: a re-stream after a reconnect journals the same messages
 * again in the same directory (the sequence rewinds), and after a failover two nodes'
 * directories overlap. Re-streams restart at the slot's confirmed position and repeat everything
 * after it, so a high-water mark is enough:
 * <ul>
 *   <li>Data events (ordinal &gt;= 0, message-id {@code slot/commit LSN/ordinal}) are the same
 *       message when {@code (commit LSN, ordinal)} are equal; one is returned only when it is
 *       after the last returned {@code (commit LSN, ordinal)}. A batch (sink.rabbitmq.batch,
 *       message-id {@code slot/commit LSN/first-last}) counts as its first ordinal when checked
 *       and moves the mark to its last, so directories written with different batch settings
 *       do not return an event twice under two ids. (Limit: with different batch settings, a
 *       batch whose first events were already returned one by one is skipped whole, so when
 *       the directory that returned them ends inside that batch, its last events are missing.
 *       With equal settings batch boundaries, and so ids, are the same on every node.)</li>
 *   <li>Schema events (negative ordinals, message-id {@code slot/commit LSN/_schema.s.t}, {@code /n} appended for the n-th of a
 *       transaction) depend
 *       on what the publishing session had already seen, so a re-stream may carry ones the first
 *       stream did not. One is returned when its transaction is not behind the high-water mark
 *       and its message-id was not returned yet for that transaction.</li>
 * </ul>
 * Between sources, the head with the lowest {@code (commit LSN, position)} goes first, where a data
 * event's position is {@code 2 * ordinal} (a batch's: its first) and a schema event's is just
 * after the last data event before it in its own source (after a batch's last ordinal); of equal
 * positions the lower epoch (the first publication) wins.
 *
 * <pre>
 *   dir A:  (10,0) (10,1) (20,0) | (10,1) (20,0) (30,0)          '|' = a new session re-streams
 *   dir B:                (20,S) (20,0) (30,0) (40,0)            new leader after failover
 *   merged: (10,0) (10,1) (20,S) (20,0) (30,0) (40,0)
 * </pre>
 *
 * <p>Single-threaded. Allocates only for schema events (their ids are remembered per transaction).
 */
final class MergingJournalReader implements JournalReader {

  private final JournalReader[] sources;
  private final Source[] heads;
  private long floorLsn;
  private boolean emitted;
  private long lastCommitLsn;
  private int lastDataOrdinal;
  private final Set<String> schemaIdsOfLastCommit = new HashSet<>();

  /** One source's current entry and its merge position. */
  private static final class Source {
    final JournalRecord record = new JournalRecord();
    boolean present;
    long commitLsn = -1;
    long dataOrdinal = -1;
    long position;

    /** Computes the merge position of the record just read, from what this source read before. */
    void place() {
      if (record.commitLsn() != commitLsn) {
        commitLsn = record.commitLsn();
        dataOrdinal = -1;
      }
      if (record.ordinal() >= 0) {
        dataOrdinal = record.lastOrdinal();
        position = 2L * record.ordinal();
      } else {
        position = 2L * dataOrdinal + 1;
      }
    }
  }

  MergingJournalReader(List<JournalReader> sources) {
    this.sources = sources.toArray(new JournalReader[0]);
    this.heads = new Source[this.sources.length];
    for (int i = 0; i < heads.length; i++) {
      heads[i] = new Source();
    }
  }

  @Override
  public boolean seek(long lsn) {
    boolean any = false;
    for (int i = 0; i < sources.length; i++) {
      sources[i].seek(lsn);
      any |= advance(i);
    }
    reset(lsn);
    return any;
  }

  @Override
  public void toStart() {
    for (int i = 0; i < sources.length; i++) {
      sources[i].toStart();
      advance(i);
    }
    reset(0);
  }

  private void reset(long floor) {
    floorLsn = floor;
    emitted = false;
    schemaIdsOfLastCommit.clear();
  }

  private boolean advance(int i) {
    Source s = heads[i];
    s.present = sources[i].next(s.record);
    if (s.present) {
      s.place();
    }
    return s.present;
  }

  @Override
  public boolean next(JournalRecord into) {
    while (true) {
      int min = -1;
      for (int i = 0; i < sources.length; i++) {
        if ((heads[i].present || advance(i)) && (min < 0 || before(heads[i], heads[min]))) {
          min = i;
        }
      }
      if (min < 0) {
        return false;
      }
      JournalRecord head = heads[min].record;
      heads[min].present = false;
      if (isNew(head)) {
        into.copyFrom(head);
        return true;
      }
    }
  }

  /** Applies the high-water rules of the class comment; records the entry when it is new. */
  private boolean isNew(JournalRecord r) {
    long commit = r.commitLsn();
    if (Long.compareUnsigned(commit, floorLsn) < 0) {
      return false;
    }
    int c = emitted ? Long.compareUnsigned(commit, lastCommitLsn) : 1;
    if (c < 0) {
      return false;
    }
    if (c > 0) {
      emitted = true;
      lastCommitLsn = commit;
      lastDataOrdinal = -1;
      schemaIdsOfLastCommit.clear();
    }
    if (r.ordinal() < 0) {
      return schemaIdsOfLastCommit.add(r.messageId().toString());
    }
    if (r.ordinal() <= lastDataOrdinal) {
      return false;
    }
    lastDataOrdinal = r.lastOrdinal();
    return true;
  }

  private static boolean before(Source a, Source b) {
    int c = Long.compareUnsigned(a.record.commitLsn(), b.record.commitLsn());
    if (c == 0) {
      c = Long.compare(a.position, b.position);
    }
    return c != 0 ? c < 0 : a.record.epoch() < b.record.epoch();
  }

  @Override
  public void close() {
    for (JournalReader source : sources) {
      source.close();
    }
  }
}
