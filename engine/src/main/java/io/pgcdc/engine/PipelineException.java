package io.pgcdc.engine;

/**
 * Why a pipeline could not start or had to stop, as one line an operator can act on: what is
 * wrong and how to fix it (for example a lost slot, an unroutable message, an unreachable server).
 */
public final class PipelineException extends Exception {
  private static final long serialVersionUID = 1L;

  public PipelineException(String message) {
    super(message);
  }

  public PipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
