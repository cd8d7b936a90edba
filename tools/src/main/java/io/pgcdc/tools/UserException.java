package io.pgcdc.tools;

/**
 * Something the user can fix: a missing slot, an unreachable server, a bad LSN. The message is
 * one line, {@code what is wrong; how to fix it}, printed as {@code pgcdc: <message>} with exit
 * code 1 and no stack trace (unless {@code --verbose}).
 */
public final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserException(String whatAndHowToFix) {
    super(whatAndHowToFix);
  }

  public UserException(String whatAndHowToFix, Throwable cause) {
    super(whatAndHowToFix, cause);
  }
}
