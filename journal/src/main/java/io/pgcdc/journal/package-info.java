/**
 * The journal: every message pgcdc publishes, appended to a local Chronicle Queue so that it can
 * be replayed later from any LSN (SPEC §6).
 *
 * <pre>
 *  Disruptor JournalHandler thread                 tools / any thread, any process
 *  ------------------------------                  -------------------------------
 *  JournalRecord (filled in place, no copies)      JournalSet.openReadOnly(dirs...)
 *        |                                               |
 *  JournalAppender.append ---> journal.dir/              JournalReader.seek(lsn)   binary search
 *        |  JournalEntryCodec   20261122-0010X.cq4       |                          on high-water
 *        |  (mapped write)      20261122-0020X.cq4 <-----+  next(record) ...        commit LSN:
 *        |                      ...                      |                          cycles, then
 *        |                                               |                          Chronicle index
 *  lastAppendedLsn()            JournalRetention         MergingJournalReader: k-way merge in
 *  (ConfirmTracker input)       (age, size; whole         commit order, each message once
 *                                cycle files)
 * </pre>
 *
 * <p>Threads: one writer thread per journal ({@link io.pgcdc.journal.JournalAppender}); readers
 * are single-threaded each and may live in other processes. Retention runs on the writer thread
 * at each roll or on the caller of {@link io.pgcdc.journal.Journal#applyRetention()}.
 *
 * <p>Entry byte layout: see {@link io.pgcdc.journal.JournalEntryCodec}. Failure contract (full
 * disk): see {@link io.pgcdc.journal.JournalAppender} and {@link io.pgcdc.journal.JournalWriteException}.
 */
package io.pgcdc.journal;
