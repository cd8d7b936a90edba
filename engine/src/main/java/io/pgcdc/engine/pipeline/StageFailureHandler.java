package io.pgcdc.engine.pipeline;

import com.lmax.disruptor.ExceptionHandler;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.MalformedMessageException;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.journal.JournalException;

/**
 * The exception handler of every ring stage: turns the first exception into one clear pipeline
 * failure and then kills the stage's thread by rethrowing, so the stage's sequence never moves
 * past the event that failed (a Disruptor processor advances its sequence only after the handler
 * returns normally).
 *
 * <p>Threading: called on the failing stage's thread.
 */
public final class StageFailureHandler implements ExceptionHandler<RingEvent> {
  private final String stage;
  private final PipelineControl control;

  /** @param stage the stage thread's name without {@code pgcdc-} ({@code stages}), for the messages */
  public StageFailureHandler(String stage, PipelineControl control) {
    this.stage = stage;
    this.control = control;
  }

  @Override
  public void handleEventException(Throwable ex, long sequence, RingEvent event) {
    if (!(ex instanceof PipelineControl.Halted)) {
      control.fail(describe(ex, event));
    }
    throw new StageFailedException(stage, ex);
  }

  private PipelineException describe(Throwable ex, RingEvent event) {
    if (ex instanceof PipelineException p) {
      return p;
    }
    if (ex instanceof JournalException j) {
      return new PipelineException("journal write failed: " + j.getMessage()
          + "; nothing from this event on was confirmed to PostgreSQL", ex);
    }
    if (ex instanceof MalformedMessageException m) {
      return new PipelineException("pgcdc-" + stage + " cannot decode the message at LSN "
          + Lsn.format(event.walStart()) + ": " + m.getMessage()
          + "; this is a pgcdc bug or a protocol mismatch, please report it with this line", ex);
    }
    return new PipelineException("pgcdc-" + stage + " failed at LSN " + Lsn.format(
        event == null ? 0 : event.walStart()) + ": " + ex, ex);
  }

  @Override
  public void handleOnStartException(Throwable ex) {
    control.fail(new PipelineException("pgcdc-" + stage + " failed to start: " + ex, ex));
  }

  @Override
  public void handleOnShutdownException(Throwable ex) {
    // The pipeline is already stopping; the stage's resources are closed best-effort.
  }

  /** Ends a stage thread after its failure was reported; never logged again. */
  static final class StageFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StageFailedException(String stage, Throwable cause) {
      super("pgcdc-" + stage + " failed", cause, false, false);
    }
  }
}
