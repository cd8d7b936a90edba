package io.pgcdc.perf.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import io.pgcdc.engine.Pipeline;
import io.pgcdc.engine.config.ConfigException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.encode.EncodeHandler;
import io.pgcdc.engine.pipeline.ConfirmTracker;
import io.pgcdc.engine.pipeline.DecodeHandler;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import io.pgcdc.engine.pipeline.SameThreadStages;
import io.pgcdc.engine.pipeline.StageFailureHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pgcdc's ring wired as {@code Pipeline.build} wires it (same ring size, same wait strategy, real
 * {@link DecodeHandler}, {@link EncodeHandler} and {@link ConfirmTracker}), with the two I/O stages
 * replaced by {@link JournalStandIn} and {@link PublishStandIn} and the slot reader by
 * {@link ReaderStandIn} on the caller's thread.
 *
 * <pre>
 *   caller (ReaderStandIn) --&gt; [ring] --&gt; bench-stages (decode, encode, journal: CRC32C, publish: copy, ack) --+
 *        ^                                                                                                  |
 *        +--- released = min(journaled, confirmed) &lt;-- ConfirmTracker &lt;---------------------------------------+
 * </pre>
 *
 * <p>Threading: construct, {@link #transaction}, {@link #drain} and {@link #close} on one thread (the
 * producer); one stage thread runs from construction to {@link #close}.
 */
final class NoIoPipeline implements AutoCloseable {
  static final String SLOT = "bench_slot";
  static final long START_LSN = 0x16B0000L;
  private static final long STOP_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** {@code sink.rabbitmq.batch}: {@code none} (one event per message) or {@code transaction}. */
  enum Batch { none, transaction }

  /** The stages' wait strategy: pgcdc's, or Disruptor's busy spin (what parking costs or saves). */
  enum Wait { parking, busySpin }

  private final PipelineControl control = new PipelineControl(failure -> { });
  private final RingBuffer<RingEvent> ring;
  private final ConfirmTracker tracker;
  private final ReaderStandIn reader;
  private final JournalStandIn journal = new JournalStandIn();
  private final PublishStandIn publish;
  private final List<BatchEventProcessor<RingEvent>> processors = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  NoIoPipeline(Batch batch, Wait wait) {
    PgcdcConfig.RabbitMq sink = sink(batch);
    WaitStrategy strategy = wait == Wait.parking ? Pipeline.stageWaitStrategy() : new BusySpinWaitStrategy();
    ring = RingBuffer.createSingleProducer(RingEvent::new, Pipeline.ringSize(sink), strategy);
    Sequence confirmed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    publish = new PublishStandIn(confirmed);
    // As in Pipeline.build: one thread runs decode, encode, journal and publish, in that order.
    BatchEventProcessor<RingEvent> stages = stage("stages",
        new SameThreadStages(new DecodeHandler(), EncodeHandler.withoutDatabase(SLOT, sink), journal, publish));
    tracker = new ConfirmTracker(ring, stages.getSequence(), stages.getSequence(), confirmed, START_LSN);
    ring.addGatingSequences(tracker.releasedSequence());
    reader = new ReaderStandIn(ring, tracker, control, START_LSN);
    threads.forEach(Thread::start);
  }

  /** The sink section pgcdc would read from {@code sink.rabbitmq.batch: <batch>} (defaults otherwise). */
  static PgcdcConfig.RabbitMq sink(Batch batch) {
    try {
      return PgcdcConfig.parse("source:\n  url: jdbc:postgresql://127.0.0.1:1/none\n  slot: " + SLOT
          + "\nsink:\n  rabbitmq:\n    batch: " + batch + "\n", Map.of()).rabbitmq();
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  private BatchEventProcessor<RingEvent> stage(String name, EventHandler<RingEvent> handler) {
    BatchEventProcessor<RingEvent> p = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
    p.setExceptionHandler(new StageFailureHandler(name, control));
    processors.add(p);
    Thread t = new Thread(p, "bench-" + name);
    t.setDaemon(true);
    threads.add(t);
    return p;
  }

  /** Streams one transaction of {@code rows} inserts into the ring (blocks only while the ring is full). */
  void transaction(int rows) {
    reader.transaction(rows);
  }

  /** Waits until everything published is journaled, confirmed and released; fails after 10 s or a stage failure. */
  void drain() {
    if (!reader.drain(STOP_NANOS)) {
      throw new IllegalStateException("ring not drained: " + tracker.occupancy() + " events left"
          + (control.failed() ? ", " + control.failure().getMessage() : ""));
    }
  }

  /** Stops the stage threads (after {@link #drain}, nothing is lost). */
  @Override
  public void close() {
    control.halt();
    processors.forEach(BatchEventProcessor::halt);
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.NANOSECONDS.toMillis(STOP_NANOS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  RingBuffer<RingEvent> ring() {
    return ring;
  }

  ConfirmTracker tracker() {
    return tracker;
  }

  JournalStandIn journal() {
    return journal;
  }

  PublishStandIn publish() {
    return publish;
  }

  /** The stage threads, for per-thread CPU accounting. */
  List<Thread> threads() {
    return threads;
  }

  long lastEndLsn() {
    return reader.lastEndLsn();
  }
}
