package io.pgcdc.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import java.util.List;

/**
 * Several ring stages run on one thread: every event goes through each of them in order before
 * their common sequence passes it. The pipeline runs decode, encode, journal and publish this way.
 *
 * <p>Why: a stage's work per event is a few µs, but a stage thread of its own costs a wake-up, a
 * context switch and cold caches each time events arrive. Decoding alone cost ~1.4 µs of CPU per
 * event as a stage of its own (perf/README.md); at 2 000 transactions a second the separate encode,
 * journal and publish threads cost 81–94 µs of CPU per transaction together, one thread running
 * all three 57 µs (perf/README.md, "Session 6"). Ordering is unchanged: each stage sees an event
 * after the ones before it wrote their fields, on the same thread, and the ring's other readers
 * (the confirm tracker) see all of them through the one sequence.
 *
 * <p>Threading: the stage's thread only, like the handlers it runs.
 */
public final class SameThreadStages implements EventHandler<RingEvent> {
  private final List<EventHandler<RingEvent>> stages;

  @SafeVarargs
  public SameThreadStages(EventHandler<RingEvent>... stages) {
    if (stages.length == 0) {
      throw new IllegalArgumentException("no stages");
    }
    this.stages = List.of(stages);
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) throws Exception {
    for (int i = 0; i < stages.size(); i++) {
      stages.get(i).onEvent(event, sequence, endOfBatch);
    }
  }

  @Override
  public void onBatchStart(long batchSize, long queueDepth) {
    for (int i = 0; i < stages.size(); i++) {
      stages.get(i).onBatchStart(batchSize, queueDepth);
    }
  }

  @Override
  public void onStart() {
    stages.forEach(EventHandler::onStart);
  }

  /** Shuts every stage down, even when an earlier one throws (the first failure is rethrown). */
  @Override
  public void onShutdown() {
    RuntimeException failure = null;
    for (EventHandler<RingEvent> stage : stages) {
      try {
        stage.onShutdown();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void onTimeout(long sequence) throws Exception {
    for (int i = 0; i < stages.size(); i++) {
      stages.get(i).onTimeout(sequence);
    }
  }
}
