package io.pgcdc.journal;

/** A journal could not be opened, read or understood. Messages carry key=value context. */
public class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
