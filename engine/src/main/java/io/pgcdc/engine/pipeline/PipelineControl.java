package io.pgcdc.engine.pipeline;

import io.pgcdc.engine.PipelineException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared stop switch of one pipeline. Stopping has two steps so nothing in flight is lost:
 * {@link #stop()} ends reading (the slot reader then drains the ring), {@link #halt()} ends the
 * stages' wait loops. The first failure anywhere wins and does both at once.
 *
 * <p>Threading: any thread may call anything; state is two volatile-style atomics. The failure
 * callback runs once, on the thread that reported the first failure.
 */
public final class PipelineControl {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineControl.class);

  private final AtomicReference<PipelineException> failure = new AtomicReference<>();
  private final Consumer<PipelineException> onFailure;
  private volatile boolean stopRequested;
  private volatile boolean halted;

  /** @param onFailure told once about the first failure (e.g. starts the pipeline's teardown) */
  public PipelineControl(Consumer<PipelineException> onFailure) {
    this.onFailure = onFailure;
  }

  /** True while the slot reader should read from PostgreSQL. */
  public boolean reading() {
    return !stopRequested && !halted;
  }

  /** True while stages should keep waiting for capacity, confirms or a broker; false once halted. */
  public boolean running() {
    return !halted;
  }

  /** True once any stage failed; positions must not advance after that. */
  public boolean failed() {
    return failure.get() != null;
  }

  /** Requests an orderly stop: stop reading, drain the ring, send a final status update. */
  public void stop() {
    stopRequested = true;
  }

  /** Ends every stage's wait loop (after the drain, or on failure). */
  public void halt() {
    halted = true;
  }

  /** Records the first failure, logs it as one line, stops every stage. Later failures are ignored. */
  public void fail(PipelineException e) {
    if (failure.compareAndSet(null, e)) {
      halted = true;
      LOG.error("pipeline stopped: {}", e.getMessage());
      onFailure.accept(e);
    }
  }

  /**
   * Thrown by a stage that gives up waiting because the pipeline was halted (not a failure: the
   * unfinished events stay unconfirmed and are streamed again next time). Preallocated.
   */
  public static final class Halted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final Halted INSTANCE = new Halted();

    private Halted() {
      super("pipeline halted", null, false, false);
    }
  }

  /** Throws {@link Halted} once the pipeline is halted; call in every wait loop of a stage. */
  public void checkRunning() {
    if (halted) {
      throw Halted.INSTANCE;
    }
  }

  /** The first failure, or null. */
  public PipelineException failure() {
    return failure.get();
  }
}
