package io.pgcdc.engine.source;

import com.lmax.disruptor.RingBuffer;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.pipeline.ConfirmTracker;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 *         protocol v2:  Stream Start .. changes .. Stop -&gt; StreamSpool (disk)
 *                       Stream Commit -&gt; Begin + spooled changes + Commit into the ring; Abort -&gt; dropped
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
  private static final byte STREAM_START = 'S';
  private static final byte STREAM_STOP = 'E';
  private static final byte STREAM_COMMIT = 'c';
  private static final byte STREAM_ABORT = 'A';
  /** Room for a synthesized Begin (21 bytes) or Commit (26 bytes). */
  private static final int SYNTHETIC_BYTES = 32;

  private final ReplicationConnections connections;
  private final SourceSetup setup;
  private final RingBuffer<RingEvent> ring;
  private final ConfirmTracker tracker;
  private final PipelineControl control;
  private final long statusIntervalNanos;
  private final StreamSpool spool;
  private final byte[] synthetic = new byte[SYNTHETIC_BYTES];
  private boolean inStream;
  private long streamXid;

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

  /** @param spoolDir where streamed in-progress transactions wait for their commit (protocol v2) */
  public SlotReader(ReplicationConnections connections, SourceSetup setup, RingBuffer<RingEvent> ring,
      ConfirmTracker tracker, PipelineControl control, Path spoolDir) {
    this.spool = new StreamSpool(spoolDir);
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
    } catch (PipelineControl.Halted e) {
      // Halted while waiting for ring capacity: nothing more to read or report.
    } catch (RuntimeException e) {
      control.fail(new PipelineException("slot reader failed: " + e, e));
    } finally {
      closeStream();
      spool.close();
    }
  }

  private void readUntilStopped() throws SQLException {
    while (control.reading()) {
      ByteBuffer message = stream.readPending();
      if (message == null) {
        followServer();
        maybeSendStatus();
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        continue;
      }
      long start = stream.getLastReceiveLSN().asLong();
      if (start == 0) {
        // pgoutput sends Relation and Type messages with XLogData start 0: they belong where the
        // previous message was.
        start = receivedLsn;
      }
      if (spooled(message, start) || !accept(message)) {
        continue;
      }
      publish(start, message.array(), message.arrayOffset() + message.position(), message.remaining());
    }
  }

  /** Copies one message into the next free ring slot (waiting for one if needed). */
  private void publish(long start, byte[] src, int offset, int length) throws SQLException {
    long sequence = claim();
    ring.get(sequence).copyWal(start, src, offset, length);
    ring.publish(sequence);
    receivedLsn = start;
    if ((sequence & RELEASE_EVERY_MASK) == 0) {
      // Release slots as the stages finish them rather than only when the ring is full.
      tracker.release();
    }
    maybeSendStatus();
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
    // Open before publishing anything: pgjdbc's last received LSN is already this transaction's
    // end, and the tracker must not follow it while the transaction is still on its way to the ring.
    transactionOpen = true;
    ByteBuffer b = ByteBuffer.wrap(synthetic);
    b.put(BEGIN).putLong(commitLsn).putLong(commitTime).putInt((int) xid);
    publish(commitLsn, synthetic, 0, b.position());
    try {
      spool.commit(xid, (walStart, buffer, length) -> publish(walStart, buffer, 0, length));
    } catch (SQLException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("replaying streamed transaction " + xid + " failed", e);
    }
    b.clear();
    b.put(COMMIT).put(flags).putLong(commitLsn).putLong(endLsn).putLong(commitTime);
    publish(endLsn, synthetic, 0, b.position());
    transactionOpen = false;
    lastCommitEnd = endLsn;
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

  /** Waits for a free slot, feeding status updates meanwhile; throws Halted when the pipeline halts. */
  private long claim() throws SQLException {
    while (!ring.hasAvailableCapacity(1)) {
      control.checkRunning();
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
        // The server re-sends the open transaction from its Begin and in-progress streamed
        // transactions from their first change.
        transactionOpen = false;
        inStream = false;
        spool.clear();
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
