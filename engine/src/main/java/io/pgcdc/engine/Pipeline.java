package io.pgcdc.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.encode.EncodeHandler;
import io.pgcdc.engine.ops.PipelineMetrics;
import io.pgcdc.engine.pipeline.ConfirmTracker;
import io.pgcdc.engine.pipeline.DecodeHandler;
import io.pgcdc.engine.pipeline.JournalHandler;
import io.pgcdc.engine.pipeline.ParkingWaitStrategy;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import io.pgcdc.engine.pipeline.SameThreadStages;
import io.pgcdc.engine.pipeline.StageFailureHandler;
import io.pgcdc.engine.sink.PublishHandler;
import io.pgcdc.engine.source.ReplicationConnections;
import io.pgcdc.engine.source.InitialSnapshot;
import io.pgcdc.engine.source.SlotReader;
import io.pgcdc.engine.source.SourceSetup;
import io.pgcdc.journal.Journal;
import io.pgcdc.journal.JournalException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming session of a slot: PostgreSQL → ring → decode → encode → journal → publish,
 * with the flushed LSN fed back by the {@link ConfirmTracker} (SPEC §1). Started and stopped by
 * whoever owns the slot: the standalone runner, or a cluster node when it wins leadership.
 *
 * <pre>
 *   pgcdc-slot-reader --&gt; [ring] --&gt; pgcdc-stages (decode, encode, journal, publish) --&gt; broker
 *        ^                                                                             |
 *        +--- flushed LSN &lt;-- ConfirmTracker (min of journaled, confirmed) &lt;-- acks ----+
 * </pre>
 *
 * <p>Threading: {@link #start} and {@link #close} are called by the owner (any thread, not
 * concurrently); the LSN accessors by any thread. When a stage fails, the pipeline closes itself on
 * a {@code pgcdc-stop} thread and {@link #terminated()} completes with the failure.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final int MIN_RING_SIZE = 1024;
  /** Ring slots in batched mode (each holds at most ~6 KB when idle: see BatchWriter). */
  private static final int BATCHED_RING_SIZE = 16_384;
  private static final long JOIN_MILLIS = 15_000;
  /** How long halted stage threads get before a publish stuck in a socket write has its connection dropped. */
  private static final long STAGE_HALT_MILLIS = 2_000;

  private final PgcdcConfig config;
  private final PipelineControl control;
  private Term term;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final List<Thread> stageThreads = new ArrayList<>();
  private final List<BatchEventProcessor<RingEvent>> processors = new ArrayList<>();
  private RingBuffer<RingEvent> ring;
  private ConfirmTracker tracker;
  private SlotReader reader;
  private PublishHandler publisher;
  private Thread readerThread;
  private Journal journal;
  /** Handlers whose onShutdown releases resources (broker connection, catalog connection). */
  private final List<EventHandler<RingEvent>> handlers = new ArrayList<>();
  private boolean started;
  private boolean closed;
  /** An initial snapshot begun by the source setup, until the reader thread takes it over. */
  private InitialSnapshot snapshot;

  private Pipeline(PgcdcConfig config) {
    this.config = config;
    this.control = new PipelineControl(failure -> {
      Thread stopper = new Thread(this::close, "pgcdc-stop");
      stopper.setDaemon(true);
      stopper.start();
    });
  }

  /**
   * Opens journal and broker, prepares the source (preflight, publication, slot), starts streaming
   * from the slot's confirmed position.
   *
   * @throws PipelineException one line saying what is wrong and how to fix it; nothing is left open
   */
  public static Pipeline start(PgcdcConfig config, PipelineMetrics metrics, Term term) throws PipelineException {
    Pipeline p = new Pipeline(config);
    try {
      p.build(metrics, term);
      return p;
    } catch (PipelineException | RuntimeException e) {
      p.control.halt();
      p.close();
      throw e instanceof PipelineException pe ? pe
          : new PipelineException("pipeline failed to start: " + e, e);
    }
  }

  private void build(PipelineMetrics metrics, Term term) throws PipelineException {
    this.term = term;
    PgcdcConfig.Source source = config.source();
    ReplicationConnections connections = new ReplicationConnections(source);
    // The journal and the broker first: a slot created by a start that then failed on either would
    // hold WAL back in PostgreSQL for as long as the configuration stays wrong.
    journal = openJournal(config);
    ring = RingBuffer.createSingleProducer(RingEvent::new, ringSize(config.rabbitmq()), stageWaitStrategy());
    Sequence confirmed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    PublishHandler publish = new PublishHandler(config.rabbitmq(), source.slot(), term, ring, control, metrics,
        confirmed);
    publisher = publish;
    publish.connect();

    SourceSetup setup = new SourceSetup(connections);
    long startLsn = setup.prepare();
    snapshot = setup.initialSnapshot();
    EncodeHandler encode = EncodeHandler.create(source.slot(), config.rabbitmq(), connections);

    // One thread runs the four stages in order (SameThreadStages): a thread per stage cost a
    // wake-up per transaction each at live rates, several times the stage's work, and one thread
    // still keeps up with the WAL sender when draining a backlog. An event is journaled before it
    // is published.
    JournalHandler journaler = new JournalHandler(journal.appender(), source.slot(), term.epoch(), metrics);
    BatchEventProcessor<RingEvent> stages = stage("stages",
        new SameThreadStages(new DecodeHandler(), encode, journaler, publish));

    tracker = new ConfirmTracker(ring, stages.getSequence(), stages.getSequence(), confirmed, startLsn);
    ring.addGatingSequences(tracker.releasedSequence());

    reader = new SlotReader(connections, setup, ring, tracker, control, spoolDir(config));
    // A new leader takes the slot over from a deposed one; standalone never kills a walsender.
    if (snapshot == null) {
      reader.open(term.epoch() > 0);
      // The slot is this stream's now: where it stands, not where prepare() found it, is the start.
      tracker.resumedAt(slotPosition(setup, startLsn));
    } else {
      // No slot yet: the reader thread creates it once the snapshot is confirmed, at startLsn.
      reader.openAfter(snapshot, term.epoch() > 0);
    }
    started = true;
    for (Thread t : stageThreads) {
      t.start();
    }
    readerThread = thread("pgcdc-slot-reader", reader);
    readerThread.start();
    LOG.info(snapshot == null ? "streaming slot {} from {} to exchange {} at {} (epoch {})"
        : "initial snapshot of slot {} at {} to exchange {} at {} (epoch {}); streaming follows", source.slot(),
        Lsn.format(tracker.flushedLsn()), config.rabbitmq().exchange(), config.rabbitmq().redactedUri(), term.epoch());
  }

  private static long slotPosition(SourceSetup setup, long startLsn) throws PipelineException {
    try {
      return setup.checkSlot(startLsn);
    } catch (SQLException e) {
      throw new PipelineException("cannot read the position of the replication slot: " + e.getMessage()
          + "; check that PostgreSQL runs and accepts connections", e);
    }
  }

  /**
   * Ring slots for {@code sink}: twice {@code max_in_flight} rounded up to a power of two (so two to
   * four times it), at least 1024; at least 16 384 in batched mode. Public for the pipeline
   * benchmark, which builds the same ring.
   */
  public static int ringSize(PgcdcConfig.RabbitMq sink) {
    int size = Math.max(MIN_RING_SIZE, Integer.highestOneBit(sink.maxInFlight() - 1) << 2);
    if (sink.batched()) {
      // Batches carry many events per confirm: the ring (events awaiting confirm) is the window then.
      size = Math.max(size, BATCHED_RING_SIZE);
    }
    return size;
  }

  /** How the stages wait for events (200 µs naps, 500 ms timeout); public for the pipeline benchmark. */
  public static ParkingWaitStrategy stageWaitStrategy() {
    return new ParkingWaitStrategy(PARK_NANOS, TIMEOUT_NANOS);
  }

  private static Journal openJournal(PgcdcConfig config) throws PipelineException {
    try {
      return Journal.open(config.journal());
    } catch (JournalException e) {
      throw new PipelineException("cannot open the journal in " + config.journal().dir() + ": " + e.getMessage()
          + "; check journal.dir is a writable directory", e);
    }
  }

  /** Streamed transactions wait beside the journal ({@code <journal.dir>-spool}), on the same disk. */
  private static Path spoolDir(PgcdcConfig config) {
    Path journalDir = config.journal().dir().toAbsolutePath();
    return journalDir.resolveSibling(journalDir.getFileName() + "-spool");
  }

  private BatchEventProcessor<RingEvent> stage(String name, EventHandler<RingEvent> handler) {
    BatchEventProcessor<RingEvent> p = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
    p.setExceptionHandler(new StageFailureHandler(name, control));
    handlers.add(handler);
    processors.add(p);
    stageThreads.add(thread("pgcdc-" + name, p));
    return p;
  }

  private static Thread thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    // A failed stage was already reported once by PipelineControl; its thread ends quietly.
    t.setUncaughtExceptionHandler((thread, e) -> { });
    return t;
  }

  /**
   * Stops streaming: stop reading, let the ring drain (bounded), send the final status update,
   * stop the stages, close broker, journal and connections. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (term != null && !term.leading()) {
      // Leadership is gone: nothing may be published any more, so there is nothing to drain.
      control.halt();
    }
    control.stop();
    join(readerThread);
    control.halt();
    for (BatchEventProcessor<RingEvent> p : processors) {
      p.halt();
    }
    joinStages();
    if (!started) {
      // The stage threads never ran, so their onShutdown never will: release what they opened.
      handlers.forEach(EventHandler::onShutdown);
      if (snapshot != null) {
        snapshot.close();
      }
    }
    if (journal != null) {
      journal.close();
    }
    PipelineException failure = control.failure();
    if (failure != null) {
      terminated.completeExceptionally(failure);
    } else {
      LOG.info("pipeline stopped; flushed {}", Lsn.format(flushedLsn()));
      terminated.complete(null);
    }
  }

  /**
   * Waits for the stage threads, which a halt ends within ~100 ms, except a publish waiting in a
   * socket write to a broker that blocked the connection (memory or disk alarm): that one gets the
   * broker connection dropped under it, so it ends before the journal it shares is closed.
   */
  private void joinStages() {
    for (Thread t : stageThreads) {
      join(t, STAGE_HALT_MILLIS);
    }
    if (publisher != null && stageThreads.stream().anyMatch(Thread::isAlive)) {
      LOG.warn("a stage thread is still publishing {} ms after the halt ({}); dropping the RabbitMQ connection",
          STAGE_HALT_MILLIS, publisher.blocked() != null ? "RabbitMQ blocks it: " + publisher.blocked() : "no reply");
      publisher.abortConnection();
    }
    for (Thread t : stageThreads) {
      join(t, JOIN_MILLIS);
    }
  }

  private static void join(Thread t) {
    join(t, JOIN_MILLIS);
  }

  private static void join(Thread t, long millis) {
    if (t == null || !t.isAlive() || t == Thread.currentThread()) {
      return;
    }
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Completes after {@link #close()}; exceptionally with the {@link PipelineException} that stopped it. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Why the pipeline is unhealthy: its failure, the replication connection or the broker being down. */
  public Optional<String> problem() {
    PipelineException failure = control.failure();
    if (failure != null) {
      return Optional.of("pipeline stopped: " + failure.getMessage());
    }
    if (reader != null && !reader.connected() && control.reading()) {
      String why = reader.reconnectFailure();
      return Optional.of("not connected to PostgreSQL (reconnecting to slot " + config.source().slot()
          + (why == null ? ")" : "; last attempt: " + why + ")"));
    }
    String broker = publisher == null ? null : publisher.unavailable();
    if (broker != null) {
      return Optional.of("not publishing to RabbitMQ (reconnecting): " + broker);
    }
    String blocked = publisher == null ? null : publisher.blocked();
    if (blocked != null) {
      return Optional.of("RabbitMQ blocks publishing (" + blocked + "): the broker is short of memory or disk;"
          + " pgcdc waits and loses nothing, its lag grows until the broker's alarm clears");
    }
    return Optional.empty();
  }

  public long receivedLsn() {
    return reader == null ? 0 : reader.receivedLsn();
  }

  /** See {@link io.pgcdc.engine.ops.PipelineStatus#lsnSafetyViolations()}. */
  public long lsnSafetyViolations() {
    return (tracker == null ? 0 : tracker.violations()) + (reader == null ? 0 : reader.receivedBelowFlushed());
  }

  public long serverLsn() {
    return reader == null ? 0 : reader.serverLsn();
  }

  public long journaledLsn() {
    return tracker == null ? 0 : tracker.journaledLsn();
  }

  public long confirmedLsn() {
    return tracker == null ? 0 : tracker.confirmedLsn();
  }

  /** The LSN last allowed to reach PostgreSQL as flushed. */
  public long flushedLsn() {
    return tracker == null ? 0 : tracker.flushedLsn();
  }

  public long oldestPendingCommitMicros() {
    return tracker == null ? 0 : tracker.oldestPendingCommitMicros();
  }

  public long ringOccupancy() {
    return tracker == null ? 0 : tracker.occupancy();
  }

  /** See {@link io.pgcdc.engine.ops.PipelineStatus#snapshotRows()}. */
  public long snapshotRows() {
    return reader == null ? -1 : reader.snapshotRows();
  }

  public long ringCapacity() {
    return ring == null ? 0 : ring.getBufferSize();
  }
}
