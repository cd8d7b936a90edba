package io.pgcdc.engine.source;

import com.lmax.disruptor.RingBuffer;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.pipeline.ConfirmTracker;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring's single producer: reads pgoutput messages from the replication slot and copies each
 * into a preallocated ring slot; owns the replication connection, so it also sends the status
 * updates (flushed = {@link ConfirmTracker#flushedLsn()}) on a timer.
 *
 * <pre>
 *   loop: readPending() -- null --&gt; release + status timer + park
 *                       -- msg  --&gt; wait for a free slot (release + status timer while waiting)
 *                                    copy bytes, publish sequence
 *   connection lost: slot gone/invalidated? -&gt; stop with the SPEC §4 error
 *                    else reconnect with backoff; skip transactions already received
 *   stop: stop reading, drain the ring (status updates continue), final status update, close
 * </pre>
 *
 * <p>A slow sink never trips {@code wal_sender_timeout}: while the ring is full this thread keeps
 * sending status updates instead of blocking. After a reconnect the server resumes from the flushed
 * LSN, re-sending transactions still in the ring; those whose commit was already received are
 * skipped here (a Begin's final LSN below the last received Commit), so the ring never holds a
 * transaction twice.
 *
 * <p>Threading: one dedicated thread ({@code pgcdc-slot-reader}) runs {@link #run()}; the LSN
 * accessors are read by any thread.
 */
public final class SlotReader implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SlotReader.class);
  private static final long IDLE_PARK_NANOS = 200_000;
  private static final long FULL_PARK_NANOS = 100_000;
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long RELEASE_EVERY_MASK = 255;
  private static final long SLOT_BUSY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
  private static final long MAX_BUSY_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** SQLSTATE object_in_use: "replication slot ... is active for PID ...". */
  private static final String SLOT_IN_USE = "55006";
  private static final byte BEGIN = 'B';
  private static final byte COMMIT = 'C';

  private final ReplicationConnections connections;
  private final SourceSetup setup;
  private final RingBuffer<RingEvent> ring;
  private final ConfirmTracker tracker;
  private final PipelineControl control;
  private final long statusIntervalNanos;

  private Connection connection;
  private PGReplicationStream stream;
  private long lastStatusNanos;
  private long lastSentFlushed = -1;
  private boolean transactionOpen;
  private boolean skippingTransaction;
  private long lastCommitEnd;
  private volatile long receivedLsn;
  private volatile long serverLsn;
  private volatile boolean connected;

  public SlotReader(ReplicationConnections connections, SourceSetup setup, RingBuffer<RingEvent> ring,
      ConfirmTracker tracker, PipelineControl control) {
    this.connections = connections;
    this.setup = setup;
    this.ring = ring;
    this.tracker = tracker;
    this.control = control;
    this.statusIntervalNanos = connections.config().statusInterval().toNanos();
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
            LOG.info("terminated {} walsender(s) still holding slot {}", n, connections.config().slot());
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

  private PipelineException startFailure(SQLException e, boolean busy) throws PipelineException {
    String slot = connections.config().slot();
    if (busy) {
      return new PipelineException("replication slot '" + slot + "' is in use by another process (" + e.getMessage()
          + "): stop the other pgcdc streaming it, or choose another source.slot");
    }
    try {
      setup.checkSlot(tracker.flushedLsn());
    } catch (SQLException ignored) {
      // The slot check cannot add anything to the first error.
    }
    return new PipelineException("cannot stream replication slot '" + slot + "': " + e.getMessage(), e);
  }

  @Override
  public void run() {
    try {
      while (control.reading()) {
        try {
          readUntilStopped();
        } catch (SQLException e) {
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
    } catch (RuntimeException e) {
      control.fail(new PipelineException("slot reader failed: " + e, e));
    } finally {
      closeStream();
    }
  }

  private void readUntilStopped() throws SQLException {
    long idleNanos = 0;
    while (control.reading()) {
      ByteBuffer message = stream.readPending();
      if (message == null) {
        followServer();
        maybeSendStatus();
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        continue;
      }
      if (!accept(message)) {
        continue;
      }
      long sequence = claim();
      if (sequence < 0) {
        return;
      }
      RingEvent event = ring.get(sequence);
      long start = stream.getLastReceiveLSN().asLong();
      if (start == 0) {
        // pgoutput sends Relation and Type messages with XLogData start 0: they belong where the
        // previous message was.
        start = receivedLsn;
      }
      event.copyWal(start, message.array(), message.arrayOffset() + message.position(), message.remaining());
      ring.publish(sequence);
      receivedLsn = start;
      if ((sequence & RELEASE_EVERY_MASK) == 0) {
        // Release slots as the stages finish them rather than only when the ring is full.
        tracker.release();
      }
      maybeSendStatus();
    }
  }

  /**
   * Tracks transaction boundaries and drops transactions already received before a reconnect.
   * Reads only the type byte and, for a Begin, its final LSN.
   */
  private boolean accept(ByteBuffer message) {
    int p = message.position();
    byte type = message.get(p);
    if (type == BEGIN) {
      long finalLsn = message.getLong(p + 1);
      skippingTransaction = finalLsn < lastCommitEnd;
      transactionOpen = !skippingTransaction;
      return !skippingTransaction;
    }
    if (type == COMMIT) {
      if (skippingTransaction) {
        skippingTransaction = false;
        return false;
      }
      transactionOpen = false;
      lastCommitEnd = stream.getLastReceiveLSN().asLong();
      return true;
    }
    return !skippingTransaction;
  }

  /** Waits for a free slot, feeding status updates meanwhile; -1 when the pipeline stops. */
  private long claim() throws SQLException {
    while (!ring.hasAvailableCapacity(1)) {
      if (!control.running()) {
        return -1;
      }
      tracker.release();
      maybeSendStatus();
      LockSupport.parkNanos(FULL_PARK_NANOS);
    }
    return ring.next();
  }

  private void maybeSendStatus() throws SQLException {
    long now = System.nanoTime();
    if (now - lastStatusNanos >= statusIntervalNanos) {
      lastStatusNanos = now;
      sendStatus();
    }
  }

  /** Reports the flushed LSN; never after a failure, so a failed event's LSN is never confirmed. */
  private void sendStatus() throws SQLException {
    followServer();
    if (control.failed()) {
      return;
    }
    long flushed = tracker.flushedLsn();
    if (flushed != lastSentFlushed) {
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(flushed);
      stream.setFlushedLSN(lsn);
      stream.setAppliedLSN(lsn);
      lastSentFlushed = flushed;
    }
    stream.forceUpdateStatus();
  }

  /** Releases what the stages finished and lets the flushed LSN follow the server when idle. */
  private void followServer() {
    tracker.release();
    long server = stream.getLastReceiveLSN().asLong();
    tracker.followServer(server, transactionOpen);
    // pgjdbc exposes only the last received position (XLogData start or keepalive WAL end); the
    // flushed LSN (a Commit's end) can be ahead of it, and the server has at least that much.
    serverLsn = Math.max(Math.max(server, tracker.flushedLsn()), serverLsn);
  }

  private void reconnect(SQLException cause) throws PipelineException {
    connected = false;
    closeStream();
    LOG.warn("replication connection lost ({}); reconnecting", cause.getMessage());
    long backoff = TimeUnit.MILLISECONDS.toNanos(200);
    while (control.reading()) {
      try {
        setup.checkSlot(tracker.flushedLsn());
        if (transactionOpen) {
          // The server re-sends the open transaction from its Begin.
          transactionOpen = false;
        }
        openStream();
        LOG.info("replication stream resumed on slot {}", connections.config().slot());
        return;
      } catch (SQLException e) {
        closeStream();
        LOG.debug("reconnect failed: {}", e.getMessage());
        LockSupport.parkNanos(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
    }
  }

  private void openStream() throws SQLException {
    connection = connections.replication();
    stream = connections.stream(connection);
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

  /** True while a replication stream is open. */
  public boolean connected() {
    return connected;
  }
}
