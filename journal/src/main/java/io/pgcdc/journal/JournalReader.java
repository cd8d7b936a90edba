package io.pgcdc.journal;

/**
 * Reads journal entries forward. Obtained from {@link Journal#reader()} (one directory, raw: every
 * stored entry, duplicates included) or {@link JournalSet#reader()} (one or more directories,
 * merged by {@code (commit LSN, ordinal)}, each message once).
 *
 * <p><b>Position.</b> One directory is NOT always in commit order: it is a sequence of runs, one
 * per pipeline session, each in commit order (by commit LSN, then by ordinal inside a
 * transaction), but each later session journals again from the slot's confirmed position, so a run
 * can start below where the one before it ended. A raw reader returns the entries as appended;
 * the merged reader returns them in commit order, each message once. {@link #seek(long)} uses
 * PostgreSQL's own meaning of "start at LSN X" (as {@code START_REPLICATION ... X} does): the first
 * transaction whose commit LSN is at or after X, from its first entry. So seeking to the
 * {@code pgcdc-lsn} of an event replays that event's whole transaction, and everything committed
 * after it.
 *
 * <p>Not thread-safe: one reader per thread. It may run in another thread or process than the
 * appender; it sees entries as soon as their append returned, never a half-written one.
 */
public interface JournalReader extends AutoCloseable {

  /**
   * Moves to the first entry, in append order, whose commit LSN is at or after {@code lsn}, so
   * that nothing at or after {@code lsn} is behind the position, in whichever run it is. Found by
   * binary search over each entry's high-water commit LSN (see {@link JournalEntryCodec}), over
   * the roll cycles and then over Chronicle's index inside one cycle: O(log n) index look-ups, no
   * scan of the queue, whether or not the directory rewound. A raw reader then also returns the
   * later runs' entries below {@code lsn}; the merged reader drops them.
   *
   * @return false when no such entry exists (then {@link #next} returns false until more is
   *     appended)
   */
  boolean seek(long lsn);

  /** Moves before the oldest entry. */
  void toStart();

  /**
   * Reads the entry at the current position into {@code into} and moves past it.
   *
   * @return false at the end of the journal (nothing is read); a later call may find new entries
   */
  boolean next(JournalRecord into);

  @Override
  void close();
}
