package io.pgcdc.engine.source;

import com.lmax.disruptor.RingBuffer;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.MessageType;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.pipeline.ConfirmTracker;
import io.pgcdc.engine.pipeline.IdleNap;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import io.pgcdc.engine.preflight.SourcePreflight;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring's single producer: reads pgoutput messages from the replication slot and copies each
 * into a preallocated ring slot; owns the replication connection, so it also sends the status
 * updates (flushed = {@link ConfirmTracker#flushedLsn()}): within {@value #FLUSH_REPORT_MILLIS} ms
 * of the flushed LSN moving, and every {@code status_interval} regardless (keepalive).
 *
 * <pre>
 *   first, with an InitialSnapshot ({@link #openAfter}): its Begin, Relations, Inserts, Commit into the ring
 *         (marked snapshot reads), wait until all are released, it creates the slot; connection lost
 *         meanwhile -&gt; a new snapshot once PostgreSQL answers; then open the stream as below
 *   loop: readPending() -- null --&gt; offer the server position (between transactions only)
 *                                    release + status + park
 *                       -- msg  --&gt; wait for a free slot (release + status while waiting)
 *                                    copy bytes, record its commit LSN, publish sequence
 *                                    between transactions again? offer the server position
 *         protocol v2:  Stream Start .. changes .. Stop -&gt; StreamSpool (disk)
 *                       Stream Commit -&gt; Begin + spooled changes + Commit into the ring; Abort -&gt; dropped
 *         two-phase (b, P, K, r, p): only a two_phase slot sends them -&gt; stop with an error, nothing published
 *   connection lost: slot gone/invalidated? -&gt; stop with the SPEC §4 error
 *                    else reconnect with backoff; skip transactions already received
 *   stop: stop reading, drain the ring (status updates continue), final status update, close
 * </pre>
 *
 * <p>A slow sink never trips {@code wal_sender_timeout}: while the ring is full this thread keeps
 * sending status updates instead of blocking. After a reconnect the server resumes from the flushed
 * LSN, re-sending transactions still in the ring; those whose commit was already received are
 * skipped here (a Begin's final LSN below the last received Commit), and so are non-transactional
 * logical messages already received, so the ring never holds a transaction or a message twice.
 *
 * <p>What the flushed LSN may follow: pgjdbc's last received LSN is the start of the last XLogData
 * (for a Begin or a change: a position inside a transaction whose Commit has not arrived; for a
 * Relation: 0) or a keepalive's WAL end. The server sends a transaction only when it decodes its
 * commit record, and every message in order, so a position read while no transaction is open in the
 * stream proves that every transaction committed below it was already received. The reader offers
 * it to the tracker only then, after the message that carried it is in the ring, together with the
 * ring cursor ({@link ConfirmTracker#serverReached}); never while a transaction is open, spooled, being
 * skipped or replayed, and never from a message still in hand (waiting for a ring slot). Every event
 * is published with the commit LSN of its transaction ({@link ConfirmTracker#published}), which the
 * tracker uses as an independent limit.
 *
 * <p>Threading: one dedicated thread ({@code pgcdc-slot-reader}) runs {@link #run()}; the LSN
 * accessors are read by any thread.
 */
public final class SlotReader implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SlotReader.class);
  private static final long IDLE_PARK_NANOS = 200_000;
  private static final long FULL_PARK_NANOS = 100_000;
  private static final long MAX_FULL_PARK_NANOS = 800_000;
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long RELEASE_EVERY_MASK = 255;
  /** At most this often, a status update reports a flushed LSN that moved (the timer is for keepalives). */
  static final long FLUSH_REPORT_MILLIS = 50;
  private static final long SLOT_BUSY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
  private static final long MAX_BUSY_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** SQLSTATE object_in_use: "replication slot ... is active for PID ...". */
  private static final String SLOT_IN_USE = "55006";
  private static final String UNDEFINED_OBJECT = "42704";
  private static final byte BEGIN = 'B';
  private static final byte COMMIT = 'C';
  private static final byte STREAM_START = 'S';
  private static final byte STREAM_STOP = 'E';
  private static final byte STREAM_COMMIT = 'c';
  private static final byte STREAM_ABORT = 'A';
  private static final byte MESSAGE = 'M';
  /** Offset of a Commit message's end_lsn. */
  private static final int COMMIT_END_OFFSET = 10;
  /** Room for a synthesized Begin (21 bytes) or Commit (26 bytes). */
  private static final int SYNTHETIC_BYTES = 32;

  private final String slot;
  private final StreamSource source;
  private final SourceSetup setup;
  private final RingBuffer<RingEvent> ring;
  private final ConfirmTracker tracker;
  private final PipelineControl control;
  private final long statusIntervalNanos;
  private final long checkIntervalNanos;
  private final StreamSpool spool;
  private final byte[] synthetic = new byte[SYNTHETIC_BYTES];
  private boolean inStream;
  private long streamXid;

  private Connection connection;
  private PGReplicationStream stream;
  private long lastStatusNanos;
  private long nextCheckNanos;
  private long lastSentFlushed = -1;
  /** Highest flushed LSN ever sent to the server in this session (all streams). */
  private long maxSentFlushed = -1;
  private volatile long receivedBelowFlushed;
  private boolean transactionOpen;
  /** Final (commit) LSN of the open transaction. */
  private long transactionCommit;
  private boolean skippingTransaction;
  private long lastCommitEnd;
  /** LSN of the last non-transactional logical message published (they are outside any transaction). */
  private long lastMessageLsn;
  private volatile long receivedLsn;
  private volatile long serverLsn;
  private volatile String reconnectFailure;
  private volatile boolean connected;
  /** The initial snapshot to deliver before the first stream is opened; null when none (or delivered). */
  private InitialSnapshot snapshot;
  private boolean takeOverAfterSnapshot;
  /** True while the snapshot's events are published: they are marked as snapshot reads (op R). */
  private boolean snapshotting;
  /** The snapshot being delivered, for {@link #snapshotRows()}; null before and after. */
  private volatile InitialSnapshot delivering;

  /** How the reader gets a replication stream; tests script one. */
  interface StreamSource {
    /** A replication connection (may be null when the stream needs none). */
    Connection connect() throws SQLException;

    /** Starts streaming the slot on {@code connection}. */
    PGReplicationStream start(Connection connection) throws SQLException;

    /** After a lost connection: throws the SPEC §4 error when the slot was dropped or invalidated. */
    void checkSlot(long flushedLsn) throws SQLException, PipelineException;
  }

  /** @param spoolDir where streamed in-progress transactions wait for their commit (protocol v2) */
  public SlotReader(ReplicationConnections connections, SourceSetup setup, RingBuffer<RingEvent> ring,
      ConfirmTracker tracker, PipelineControl control, Path spoolDir) {
    this(connections.config().slot(), connections.config().statusInterval(), new StreamSource() {
      @Override
      public Connection connect() throws SQLException {
        return connections.replication();
      }

      @Override
      public PGReplicationStream start(Connection connection) throws SQLException {
        return connections.stream(connection);
      }

      @Override
      public void checkSlot(long flushedLsn) throws SQLException, PipelineException {
        setup.checkSlot(flushedLsn);
      }
    }, setup, ring, tracker, control, spoolDir);
  }

  SlotReader(String slot, Duration statusInterval, StreamSource source, SourceSetup setup,
      RingBuffer<RingEvent> ring, ConfirmTracker tracker, PipelineControl control, Path spoolDir) {
    this.spool = new StreamSpool(spoolDir);
    this.slot = slot;
    this.source = source;
    this.setup = setup;
    this.ring = ring;
    this.tracker = tracker;
    this.control = control;
    this.statusIntervalNanos = statusInterval.toNanos();
    this.checkIntervalNanos = Math.min(statusIntervalNanos, TimeUnit.MILLISECONDS.toNanos(FLUSH_REPORT_MILLIS));
    this.nextCheckNanos = System.nanoTime();
    this.lastStatusNanos = nextCheckNanos - statusIntervalNanos;
  }

  /**
   * Opens the first stream on the caller's thread, so a start-up error reaches the caller. While
   * the slot is still held by another walsender (a killed predecessor PostgreSQL has not noticed
   * yet, or, when {@code takeOver}, a deposed leader) it retries with backoff for up to 15 s,
   * terminating the holder first when {@code takeOver}.
   */
  public void open(boolean takeOver) throws PipelineException {
    long deadline = System.nanoTime() + SLOT_BUSY_TIMEOUT_NANOS;
    long backoff = TimeUnit.MILLISECONDS.toNanos(200);
    while (true) {
      try {
        if (takeOver) {
          int n = setup.terminateSlotHolder();
          if (n > 0) {
            LOG.info("terminated {} walsender(s) still holding slot {}", n, slot);
          }
        }
        openStream();
        return;
      } catch (SQLException e) {
        closeStream();
        boolean busy = SLOT_IN_USE.equals(e.getSQLState());
        if (!busy || System.nanoTime() - deadline > 0) {
          throw startFailure(e, busy);
        }
        LockSupport.parkNanos(backoff);
        backoff = Math.min(backoff * 2, MAX_BUSY_BACKOFF_NANOS);
      }
    }
  }

  /**
   * Instead of {@link #open}: the reader thread first delivers {@code snapshot} (its events into
   * the ring, then waits until every one is journaled and confirmed, then has it create the slot)
   * and only then opens the stream; errors end the pipeline instead of reaching the caller.
   */
  public void openAfter(InitialSnapshot snapshot, boolean takeOver) {
    this.snapshot = snapshot;
    this.takeOverAfterSnapshot = takeOver;
  }

  /**
   * Delivers the initial snapshot and opens the stream of the slot it created. A stop before the
   * snapshot was confirmed ends the reader: no slot exists then, so the next start snapshots again.
   * A lost connection (a database restart, a terminated backend) takes a new snapshot once the
   * database answers again, as streaming reconnects: the ring then holds the interrupted snapshot's
   * events without their Commit, like a transaction the server re-sends after a reconnect.
   */
  private void deliverSnapshot() throws PipelineException {
    InitialSnapshot s = snapshot;
    snapshot = null;
    while (true) {
      try (InitialSnapshot current = s) {
        deliver(current);
        break;
      } catch (SQLException e) {
        if (!InitialSnapshot.isConnectionFailure(e)) {
          throw new PipelineException("the initial snapshot failed: " + e.getMessage() + "; no replication slot"
              + " was created, so the next start takes the snapshot again", e);
        }
        LOG.warn("initial snapshot interrupted after {} rows ({}); it is taken again once PostgreSQL answers",
            s.rows(), e.getMessage());
        s = snapshotAgain();
      }
    }
    delivering = null;
    open(takeOverAfterSnapshot);
  }

  /** Publishes {@code s}, waits until every event of it is released, then has it create the slot. */
  private void deliver(InitialSnapshot s) throws SQLException, PipelineException {
    delivering = s;
    connected = true; // to PostgreSQL through the snapshot's connections: healthy, not reconnecting
    snapshotting = true;
    transactionOpened(s.consistentPoint() - 1);
    try {
      s.produce((start, commit, txEnd, bytes, length) -> {
        if (!control.reading()) {
          throw stoppedInSnapshot(s);
        }
        publish(start, commit, txEnd, bytes, 0, length);
      });
    } finally {
      snapshotting = false;
      transactionClosed();
    }
    long last = ring.getCursor();
    while (tracker.releasedSequence().get() < last) {
      if (!control.reading()) {
        throw stoppedInSnapshot(s);
      }
      control.checkRunning();
      tracker.release();
      LockSupport.parkNanos(FULL_PARK_NANOS);
    }
    s.finish();
  }

  /** A new snapshot, retried with backoff while PostgreSQL does not answer; Halted when stopped meanwhile. */
  private InitialSnapshot snapshotAgain() {
    connected = false;
    long backoff = TimeUnit.MILLISECONDS.toNanos(200);
    while (true) {
      control.checkRunning();
      if (!control.reading()) {
        throw PipelineControl.Halted.INSTANCE;
      }
      LockSupport.parkNanos(backoff);
      try {
        InitialSnapshot s = setup.beginSnapshot();
        reconnectFailure = null;
        return s;
      } catch (SQLException e) {
        failedAgain("initial snapshot: cannot begin again", e);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
    }
  }

  private static PipelineControl.Halted stoppedInSnapshot(InitialSnapshot s) {
    LOG.warn("stopped during the initial snapshot ({} rows read): no replication slot was created, so the next"
        + " start takes the snapshot again", s.rows());
    return PipelineControl.Halted.INSTANCE;
  }

  /**
   * The walsender's "publication ... does not exist" (undefined_object): pgoutput looks the
   * publication up as of each decoded change, so once it was dropped (or is created only later),
   * every reconnect fails at the same change. Reconnecting would start a walsender that re-decodes
   * from the slot's restart point about twenty times a second, for ever.
   */
  static boolean isMissingPublication(SQLException e) {
    return UNDEFINED_OBJECT.equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("publication");
  }

  private PipelineException missingPublication(SQLException e) {
    return new PipelineException("PostgreSQL cannot decode slot '" + slot + "' past the flushed LSN "
        + Lsn.format(tracker.flushedLsn()) + ": " + e.getMessage().replaceAll("\\s*\\n\\s*", "; ")
        + ". The publication was dropped while the slot still had changes to send, and creating it again does not"
        + " help for those changes: pgoutput reads publications as of each change. Nothing past that LSN was"
        + " published. Either re-create the slot and re-sync the tables (pgcdc slot drop, then start), or create"
        + " the publication again and skip to now, losing every change since that LSN: stop pgcdc, then run SELECT"
        + " pg_replication_slot_advance('" + slot + "', pg_current_wal_lsn());", e);
  }

  private PipelineException startFailure(SQLException e, boolean busy) throws PipelineException {
    if (busy) {
      return new PipelineException("replication slot '" + slot + "' is in use by another process (" + e.getMessage()
          + "): stop the other pgcdc streaming it, or choose another source.slot");
    }
    try {
      source.checkSlot(tracker.flushedLsn());
    } catch (SQLException ignored) {
      // The slot check cannot add anything to the first error.
    }
    return new PipelineException("cannot stream replication slot '" + slot + "': " + e.getMessage(), e);
  }

  @Override
  public void run() {
    try {
      if (snapshot != null) {
        deliverSnapshot();
      }
      while (control.reading()) {
        try {
          readUntilStopped();
        } catch (SQLException e) {
          if (isMissingPublication(e)) {
            throw missingPublication(e);
          }
          if (control.reading()) {
            reconnect(e);
          }
        }
      }
      if (!control.failed()) {
        drain();
      }
    } catch (PipelineException e) {
      control.fail(e);
    } catch (PipelineControl.Halted e) {
      // Halted while waiting for ring capacity: nothing more to read or report.
    } catch (RuntimeException e) {
      control.fail(new PipelineException("slot reader failed: " + e, e));
    } catch (Error e) {
      // E.g. OutOfMemoryError on a huge CopyData: a reader that died silently would leave a
      // pipeline that looks alive and never streams again.
      control.fail(new PipelineException("slot reader failed: " + e, e));
      throw e;
    } finally {
      closeStream();
      spool.close();
    }
  }

  private void readUntilStopped() throws SQLException, PipelineException {
    long idleSince = 0;
    long nap = IDLE_PARK_NANOS;
    while (control.reading()) {
      ByteBuffer message = stream.readPending();
      // XLogData start of the message, or (no message) the newest keepalive WAL end if higher.
      long position = stream.getLastReceiveLSN().asLong();
      if (message == null) {
        tracker.release();
        offerServerPosition(position);
        maybeSendStatus();
        long now = System.nanoTime();
        if (idleSince == 0) {
          idleSince = now;
        }
        LockSupport.parkNanos(nap);
        // 200 µs while messages came within IdleNap's grace, so a steady stream is read promptly
        nap = IdleNap.next(nap, IDLE_PARK_NANOS, now - idleSince);
        continue;
      }
      idleSince = 0;
      nap = IDLE_PARK_NANOS;
      // pgoutput sends Relation and Type messages with XLogData start 0: they belong where the
      // previous message was.
      long start = position == 0 ? receivedLsn : position;
      rejectTwoPhase(message, start);
      if (!spooled(message, start) && accept(message, start)) {
        boolean commit = message.get(message.position()) == COMMIT;
        publish(start, transactionOpen ? transactionCommit : start, commit ? commitEnd(message) : 0,
            message.array(), message.arrayOffset() + message.position(), message.remaining());
        if (transactionOpen && commit) {
          transactionClosed();
        }
      }
      offerServerPosition(position);
    }
  }

  /**
   * Offers {@code position} (pgjdbc's last received LSN, read right after the last readPending) to
   * the tracker when it proves something: only between transactions, after the message that carried
   * it was published or dropped, with the cursor that covers every transaction committed below it.
   */
  private void offerServerPosition(long position) {
    if (position != 0 && !transactionOpen && !inStream && !skippingTransaction) {
      tracker.serverReached(position, ring.getCursor());
      if (position > serverLsn) {
        serverLsn = position;
      }
    }
  }

  /**
   * Copies one message into the next free ring slot (waiting for one if needed), recording with the
   * tracker the commit LSN of its transaction (for a non-transactional message: its own LSN) and,
   * for a Commit, its end LSN ({@code txEndLsn}, else 0).
   */
  private void publish(long start, long commitLsn, long txEndLsn, byte[] src, int offset, int length)
      throws SQLException {
    long sequence = claim();
    RingEvent event = ring.get(sequence);
    event.copyWal(start, src, offset, length);
    if (snapshotting) {
      event.markSnapshotRead();
    }
    tracker.published(sequence, commitLsn, txEndLsn);
    ring.publish(sequence);
    receivedLsn = start;
    if ((sequence & RELEASE_EVERY_MASK) == 0) {
      // Release slots as the stages finish them rather than only when the ring is full.
      tracker.release();
    }
    maybeSendStatus();
  }

  /**
   * A Commit's end_lsn field (type, flags, commit LSN, end LSN, ...: the value the decode stage
   * stores as {@link RingEvent#txEndLsn()}); 0 for a truncated one, which the decode stage reports.
   */
  private static long commitEnd(ByteBuffer commit) {
    int p = commit.position();
    return commit.remaining() < COMMIT_END_OFFSET + Long.BYTES ? 0 : commit.getLong(p + COMMIT_END_OFFSET);
  }

  /**
   * pgcdc never asks for two-phase decoding, but PostgreSQL decodes prepared transactions for any
   * client of a slot created with {@code two_phase = true}: Begin Prepare .. Prepare at PREPARE
   * TRANSACTION, then Commit or Rollback Prepared. Passed on, they would publish events of a
   * transaction that may still roll back, with the wrong ids, and let the flushed LSN pass a prepared
   * transaction half in the ring. The preflight refuses such a slot; this stops a pipeline that meets
   * one anyway (a slot recreated under the same name after the preflight) before anything of it is
   * published or flushed.
   */
  private void rejectTwoPhase(ByteBuffer message, long start) throws PipelineException {
    MessageType type = MessageType.fromCode(message.get(message.position()));
    if (type == MessageType.BEGIN_PREPARE || type == MessageType.PREPARE || type == MessageType.COMMIT_PREPARED
        || type == MessageType.ROLLBACK_PREPARED || type == MessageType.STREAM_PREPARE) {
      throw new PipelineException("replication slot '" + slot + "' sent a two-phase "
          + type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " message at " + Lsn.format(start)
          + ": the slot has two_phase = true, so PostgreSQL hands pgcdc prepared transactions at PREPARE"
          + " TRANSACTION, which pgcdc does not support yet; nothing of it was published or flushed. To resume: "
          + SourcePreflight.twoPhaseFix(slot, tracker.flushedLsn()));
    }
  }

  /**
   * Protocol v2: keeps streamed in-progress transactions out of the ring (spooled to disk) until
   * their Stream Commit, then publishes them as one ordinary transaction. True when consumed.
   */
  private boolean spooled(ByteBuffer message, long start) throws SQLException {
    int p = message.position();
    switch (message.get(p)) {
      case STREAM_START -> {
        inStream = true;
        streamXid = Integer.toUnsignedLong(message.getInt(p + 1));
      }
      case STREAM_STOP -> inStream = false;
      case STREAM_ABORT -> spool.abort(Integer.toUnsignedLong(message.getInt(p + 1)),
          Integer.toUnsignedLong(message.getInt(p + 5)));
      case STREAM_COMMIT -> replayStreamed(message, p);
      default -> {
        if (!inStream) {
          return false;
        }
        spool.append(streamXid, start, message);
      }
    }
    return true;
  }

  /**
   * Stream Commit (xid, flags, commit LSN, end LSN, commit time): publishes Begin, the spooled
   * changes and Commit in protocol-v1 layout, so the stages see an ordinary transaction.
   */
  private void replayStreamed(ByteBuffer m, int p) throws SQLException {
    long xid = Integer.toUnsignedLong(m.getInt(p + 1));
    byte flags = m.get(p + 5);
    long commitLsn = m.getLong(p + 6);
    long endLsn = m.getLong(p + 14);
    long commitTime = m.getLong(p + 22);
    if (commitLsn < lastCommitEnd) {
      spool.abort(xid, xid); // already received before a reconnect
      return;
    }
    checkNotFlushedPast(commitLsn, xid);
    // Open before publishing anything: pgjdbc's last received LSN is already this transaction's
    // end, and the tracker must not follow it while the transaction is still on its way to the ring.
    transactionOpened(commitLsn);
    ByteBuffer b = ByteBuffer.wrap(synthetic);
    b.put(BEGIN).putLong(commitLsn).putLong(commitTime).putInt((int) xid);
    publish(commitLsn, commitLsn, 0, synthetic, 0, b.position());
    try {
      spool.commit(xid, (walStart, buffer, length) -> publish(walStart, commitLsn, 0, buffer, 0, length));
    } catch (SQLException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("replaying streamed transaction " + xid + " failed", e);
    }
    b.clear();
    b.put(COMMIT).put(flags).putLong(commitLsn).putLong(endLsn).putLong(commitTime);
    publish(endLsn, commitLsn, endLsn, synthetic, 0, b.position());
    transactionClosed();
    lastCommitEnd = endLsn;
  }

  /**
   * Tracks transaction boundaries and drops transactions already received before a reconnect.
   * Reads only the type byte and, for a Begin, its final LSN. A Commit leaves the transaction open
   * until it is published ({@link #readUntilStopped}), so nothing follows its end LSN before that.
   */
  private boolean accept(ByteBuffer message, long start) {
    int p = message.position();
    byte type = message.get(p);
    if (type == BEGIN) {
      long finalLsn = message.getLong(p + 1);
      skippingTransaction = finalLsn < lastCommitEnd;
      if (skippingTransaction) {
        return false;
      }
      checkNotFlushedPast(finalLsn, Integer.toUnsignedLong(message.getInt(p + 17)));
      transactionOpened(finalLsn);
      return true;
    }
    if (type == COMMIT) {
      if (skippingTransaction) {
        skippingTransaction = false;
        return false;
      }
      lastCommitEnd = start;
      return true;
    }
    if (type == MESSAGE && !transactionOpen && !skippingTransaction) {
      return acceptNonTransactional(start);
    }
    return !skippingTransaction;
  }

  /**
   * A non-transactional logical message (start = its own LSN). The server sends them and commits
   * in WAL order, so one below the last Commit received, or at or below the last such message, was
   * received before a reconnect: it is in the ring (or delivered) already, under the same id, and a
   * second copy would sit in the ring behind newer commits with a lower commit LSN.
   */
  private boolean acceptNonTransactional(long start) {
    if (start < lastCommitEnd || start <= lastMessageLsn) {
      return false;
    }
    lastMessageLsn = start;
    return true;
  }

  /**
   * Runtime guard of the flushed-LSN invariant: a transaction not received before whose commit LSN
   * is below a flushed LSN already sent means pgcdc told PostgreSQL it had what it did not (a
   * restart would skip this transaction), or the server re-sent something reported flushed.
   */
  private void checkNotFlushedPast(long commitLsn, long xid) {
    if (commitLsn < maxSentFlushed) {
      receivedBelowFlushed++;
      LOG.error("received transaction {} committed at {} below the flushed LSN {} already sent to PostgreSQL:"
          + " the flushed LSN was reported too far (pgcdc bug, please report this line)", xid,
          Lsn.format(commitLsn), Lsn.format(maxSentFlushed));
    }
  }

  /**
   * A transaction committed at {@code commitLsn} is being received: the tracker holds the flushed
   * LSN below it, and the server's position is not offered, until {@link #transactionClosed}.
   */
  private void transactionOpened(long commitLsn) {
    transactionOpen = true;
    transactionCommit = commitLsn;
    tracker.receiving(commitLsn);
  }

  /** The open transaction is wholly in the ring (its Commit published), dropped, or abandoned. */
  private void transactionClosed() {
    transactionOpen = false;
    tracker.receiving(ConfirmTracker.NONE);
  }

  /** Waits for a free slot, feeding status updates meanwhile; throws Halted when the pipeline halts. */
  private long claim() throws SQLException {
    long nap = FULL_PARK_NANOS;
    while (!ring.hasAvailableCapacity(1)) {
      control.checkRunning();
      tracker.release();
      maybeSendStatus();
      LockSupport.parkNanos(nap);
      // A full ring drains at the broker's pace: waking every 100 µs cost the reader ~10 µs of CPU
      // per event in one-event mode. Status checks still run at every wake (at most 0.8 ms apart).
      nap = Math.min(nap << 1, MAX_FULL_PARK_NANOS);
    }
    return ring.next();
  }

  /**
   * Called per event and while waiting: costs a clock read; every {@value #FLUSH_REPORT_MILLIS} ms
   * (or status interval, if shorter) it releases finished events and sends a status update when the
   * flushed LSN moved, or when the status interval passed (keepalive).
   */
  private void maybeSendStatus() throws SQLException {
    long now = System.nanoTime();
    if (now - nextCheckNanos < 0) {
      return;
    }
    nextCheckNanos = now + checkIntervalNanos;
    tracker.release();
    if (tracker.flushedLsn() != lastSentFlushed || now - lastStatusNanos >= statusIntervalNanos) {
      lastStatusNanos = now;
      sendStatus();
    }
  }

  /** Reports the flushed LSN; never after a failure, so a failed event's LSN is never confirmed. */
  private void sendStatus() throws SQLException {
    tracker.release();
    if (control.failed() || stream == null) { // no stream yet while an initial snapshot is delivered
      return;
    }
    long flushed = tracker.flushedLsn();
    // The server has at least what it told us is flushed; pgjdbc's last received LSN can be behind.
    if (flushed > serverLsn) {
      serverLsn = flushed;
    }
    if (flushed != lastSentFlushed) {
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(flushed);
      stream.setFlushedLSN(lsn);
      stream.setAppliedLSN(lsn);
      lastSentFlushed = flushed;
      if (flushed > maxSentFlushed) {
        maxSentFlushed = flushed;
      }
      if (LOG.isDebugEnabled()) {
        LOG.debug("status update: flushed {}", Lsn.format(flushed));
      }
    }
    stream.forceUpdateStatus();
  }

  private void reconnect(SQLException cause) throws PipelineException {
    connected = false;
    closeStream();
    LOG.warn("replication connection lost ({}); reconnecting", cause.getMessage());
    long backoff = TimeUnit.MILLISECONDS.toNanos(200);
    while (control.reading()) {
      try {
        source.checkSlot(tracker.flushedLsn());
        // The server re-sends the open transaction from its Begin and in-progress streamed
        // transactions from their first change. Its events already in the ring keep their commit
        // LSN there, so the tracker still holds the flushed LSN below it.
        transactionClosed();
        skippingTransaction = false;
        inStream = false;
        spool.clear();
        openStream();
        reconnectFailure = null;
        LOG.info("replication stream resumed on slot {}", slot);
        return;
      } catch (SQLException e) {
        closeStream();
        failedAgain("reconnect to slot " + slot + " failed", e);
        LockSupport.parkNanos(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
    }
  }

  /**
   * Records a failed attempt to reach PostgreSQL ({@link #reconnectFailure}, shown by /health): each
   * new reason once at WARN (a rotated password, a dropped role), the same one again at debug.
   */
  private void failedAgain(String what, SQLException e) {
    String why = String.valueOf(e.getMessage());
    if (why.equals(reconnectFailure)) {
      LOG.debug("{} again: {}", what, why);
    } else {
      LOG.warn("{} ({}); retrying with backoff up to 10 s", what, why);
    }
    reconnectFailure = why;
  }

  private void openStream() throws SQLException {
    connection = source.connect();
    stream = source.start(connection);
    lastSentFlushed = -1;
    connected = true;
  }

  /** Stops reading and waits until everything in the ring is released, then a final status update. */
  private void drain() {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
    try {
      while (tracker.occupancy() > 0 && System.nanoTime() - deadline < 0 && control.running()) {
        tracker.release();
        if (stream != null) {
          maybeSendStatus();
        }
        LockSupport.parkNanos(FULL_PARK_NANOS);
      }
      if (tracker.occupancy() > 0) {
        LOG.warn("stopping with {} events not yet confirmed; they will be streamed again on restart",
            tracker.occupancy());
      }
      if (stream != null) {
        sendStatus();
        LOG.info("final status update sent: flushed {}", Lsn.format(tracker.flushedLsn()));
      }
    } catch (SQLException e) {
      LOG.warn("final status update failed ({}); PostgreSQL will resend from {}", e.getMessage(),
          Lsn.format(lastSentFlushed < 0 ? 0 : lastSentFlushed));
    }
  }

  private void closeStream() {
    connected = false;
    try {
      if (stream != null && !stream.isClosed()) {
        stream.close();
      }
    } catch (SQLException | RuntimeException ignored) {
      // Closing a broken replication connection: nothing to save.
    }
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // As above.
    }
    stream = null;
    connection = null;
  }

  /** WAL start of the newest message copied into the ring. */
  public long receivedLsn() {
    return receivedLsn;
  }

  /** Newest WAL position the server reported (XLogData or keepalive). */
  public long serverLsn() {
    return serverLsn;
  }

  /**
   * Transactions received with a commit LSN below a flushed LSN already sent (the runtime guard;
   * always 0 unless the flushed LSN was reported too far).
   */
  public long receivedBelowFlushed() {
    return receivedBelowFlushed;
  }

  /** True while a replication stream is open. */
  public boolean connected() {
    return connected;
  }

  /** Why the last attempt to reconnect failed, while reconnecting; null otherwise. Any thread. */
  /** Rows the initial snapshot being delivered has read so far; -1 when none is. Any thread. */
  public long snapshotRows() {
    InitialSnapshot s = delivering;
    return s == null ? -1 : s.rows();
  }

  public String reconnectFailure() {
    return reconnectFailure;
  }
}
