package io.pgcdc.journal;

/**
 * Reads journal entries forward. Obtained from {@link Journal#reader()} (one directory, raw: every
 * stored entry, duplicates included) or {@link JournalSet#reader()} (one or more directories,
 * merged by {@code (commit LSN, ordinal)}, each message once).
 *
 * <p><b>Position.</b> The journal is in commit order: entries are ordered by commit LSN, then by
 * ordinal inside a transaction. {@link #seek(long)} uses PostgreSQL's own meaning of "start at
 * LSN X" (as {@code START_REPLICATION ... X} does): the first transaction whose commit LSN is at or
 * after X, from its first entry. So seeking to the {@code pgcdc-lsn} of an event replays that
 * event's whole transaction, and everything committed after it.
 *
 * <p>Not thread-safe: one reader per thread. It may run in another thread or process than the
 * appender; it sees entries as soon as their append returned, never a half-written one.
 */
public interface JournalReader extends AutoCloseable {

  /**
   * Moves to the first entry whose commit LSN is at or after {@code lsn}, found by binary search
   * over the roll cycles and then over Chronicle's index inside one cycle (O(log n) index
   * look-ups, no scan of the queue).
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
