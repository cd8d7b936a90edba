package io.pgcdc.journal;

import io.pgcdc.decoder.Lsn;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What a journal holds, for {@code pgcdc journal info} and for range checks before a replay.
 * When {@link #entries()} is 0 the LSN and time fields are 0 / {@code null}.
 *
 * @param dir           journal directory (for a {@link JournalSet}: the first one)
 * @param entries       entries stored (raw count: a message journaled twice counts twice)
 * @param firstLsn      {@code lsn} of the oldest entry
 * @param firstCommitLsn commit LSN of the oldest entry: a replay from here returns everything
 * @param lastLsn       {@code lsn} of an entry of the last-committed transaction (the one with the
 *                      highest commit LSN): of the newest entry when the journal ends with that
 *                      transaction, as it does unless a later session re-journaled older ones
 *                      after it; then of its first entry
 * @param lastCommitLsn the highest commit LSN in the journal (not necessarily the newest entry's:
 *                      a later session re-journals from the slot's confirmed position): the
 *                      highest LSN a replay can start from
 * @param oldestCommit  commit time of the oldest entry
 * @param newestCommit  commit time of the last-committed transaction (see {@code lastLsn})
 * @param bytesOnDisk   bytes the roll-cycle files hold (not their sparse apparent size)
 * @param files         roll-cycle files (one per {@link Journal#ROLL_CYCLE} period with data)
 */
public record JournalInfo(Path dir, long entries, long firstLsn, long firstCommitLsn, long lastLsn,
                          long lastCommitLsn, Instant oldestCommit, Instant newestCommit,
                          long bytesOnDisk, int files) {

  public boolean isEmpty() {
    return entries == 0;
  }

  /** Whether a replay from {@code lsn} can start inside this journal. */
  public boolean canReplayFrom(long lsn) {
    return !isEmpty() && Long.compareUnsigned(lsn, firstLsn) >= 0
        && Long.compareUnsigned(lsn, lastCommitLsn) <= 0;
  }

  /** {@code "0/16B3748 .. 0/2000000"}, or {@code "nothing (empty)"}. */
  public String range() {
    return isEmpty() ? "nothing (empty)" : Lsn.format(firstLsn) + " .. " + Lsn.format(lastCommitLsn);
  }
}
