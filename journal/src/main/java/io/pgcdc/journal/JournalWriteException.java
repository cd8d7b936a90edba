package io.pgcdc.journal;

/**
 * An entry could NOT be journaled: the disk is (nearly) full, the file system failed, or the
 * memory-mapped write faulted. The entry named in the message is not in the journal, and the
 * {@link JournalAppender} that threw is failed for good: every later {@code append} throws again.
 *
 * <p>Contract with the engine: this is fatal for the pipeline. The engine must stop the pipeline
 * and must never advance the slot's flushed LSN to or past the LSN of the failed entry (nor of any
 * later one). After the operator frees space, a restart streams again from the flushed LSN.
 */
public final class JournalWriteException extends JournalException {
  private static final long serialVersionUID = 1L;

  public JournalWriteException(String message) {
    super(message);
  }

  public JournalWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
