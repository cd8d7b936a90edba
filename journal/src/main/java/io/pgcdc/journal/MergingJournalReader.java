package io.pgcdc.journal;

import java.util.List;

/**
 * K-way merge of raw readers by {@code (commit LSN, ordinal)}, emitting each position once.
 *
 * <p>Duplicates come from two places, and one rule handles both: a re-stream after a reconnect
 * journals the same messages again in the same directory (the sequence rewinds), and after a
 * failover two nodes' directories overlap. A message-id is {@code slot/commit LSN/ordinal}, so
 * equal positions are the same message; every entry at or before the last emitted position is
 * skipped. Re-streams always restart at the slot's confirmed position and repeat everything
 * after it, so skipping never drops a message that appears nowhere else. Of equal positions the
 * one with the lower epoch (the first publication) wins.
 *
 * <pre>
 *   dir A:  (10,0) (10,1) (20,0) | (10,1) (20,0) (30,0)      '|' = reconnect, re-stream
 *   dir B:                (20,0) (30,0) (40,0)               new leader after failover
 *   merged: (10,0) (10,1) (20,0) (30,0) (40,0)
 * </pre>
 */
final class MergingJournalReader implements JournalReader {

  private final JournalReader[] sources;
  private final JournalRecord[] heads;
  private final boolean[] present;
  private long floorLsn;
  private boolean emitted;
  private long lastCommitLsn;
  private int lastOrdinal;

  MergingJournalReader(List<JournalReader> sources) {
    this.sources = sources.toArray(new JournalReader[0]);
    this.heads = new JournalRecord[this.sources.length];
    this.present = new boolean[this.sources.length];
    for (int i = 0; i < heads.length; i++) {
      heads[i] = new JournalRecord();
    }
  }

  @Override
  public boolean seek(long lsn) {
    boolean any = false;
    for (int i = 0; i < sources.length; i++) {
      sources[i].seek(lsn);
      present[i] = sources[i].next(heads[i]);
      any |= present[i];
    }
    floorLsn = lsn;
    emitted = false;
    return any;
  }

  @Override
  public void toStart() {
    for (int i = 0; i < sources.length; i++) {
      sources[i].toStart();
      present[i] = sources[i].next(heads[i]);
    }
    floorLsn = 0;
    emitted = false;
  }

  @Override
  public boolean next(JournalRecord into) {
    while (true) {
      int min = -1;
      for (int i = 0; i < sources.length; i++) {
        if (!present[i] && !(present[i] = sources[i].next(heads[i]))) {
          continue;
        }
        if (min < 0 || compare(heads[i], heads[min]) < 0) {
          min = i;
        }
      }
      if (min < 0) {
        return false;
      }
      JournalRecord head = heads[min];
      present[min] = false;
      if (Long.compareUnsigned(head.commitLsn(), floorLsn) < 0 || emitted && !afterLast(head)) {
        continue;
      }
      emitted = true;
      lastCommitLsn = head.commitLsn();
      lastOrdinal = head.ordinal();
      into.copyFrom(head);
      return true;
    }
  }

  private boolean afterLast(JournalRecord r) {
    int c = Long.compareUnsigned(r.commitLsn(), lastCommitLsn);
    return c > 0 || c == 0 && r.ordinal() > lastOrdinal;
  }

  private static int compare(JournalRecord a, JournalRecord b) {
    int c = Long.compareUnsigned(a.commitLsn(), b.commitLsn());
    if (c == 0) {
      c = Integer.compare(a.ordinal(), b.ordinal());
    }
    return c != 0 ? c : Long.compare(a.epoch(), b.epoch());
  }

  @Override
  public void close() {
    for (JournalReader source : sources) {
      source.close();
    }
  }
}
