package io.pgcdc.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.pipeline.ConfirmTracker;
import io.pgcdc.engine.pipeline.DecodeHandler;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * The slot reader against a scripted replication stream (pgjdbc's last-received-LSN semantics:
 * an XLogData sets it to its start, a keepalive raises it to its WAL end), with a real decode
 * stage and hand-driven journaled/confirmed sequences. Each test is one way the flushed LSN could
 * pass the commit of a transaction that is not journaled and confirmed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SlotReaderTest {
  private static final long START = 0x1000;

  @TempDir
  Path spool;

  private RingBuffer<RingEvent> ring;
  private BatchEventProcessor<RingEvent> decode;
  private final Sequence journaled = new Sequence(-1);
  private final Sequence confirmed = new Sequence(-1);
  private ConfirmTracker tracker;
  private final PipelineControl control = new PipelineControl(e -> { });
  private final ScriptedStream stream = new ScriptedStream();
  private SlotReader reader;
  /** How many of the next connects fail as a rotated password makes them fail. */
  private final AtomicInteger connectFailures = new AtomicInteger();
  private Thread readerThread;
  private Thread decodeThread;

  private void start(int ringSize, Duration statusInterval) throws PipelineException {
    ring = RingBuffer.createSingleProducer(RingEvent::new, ringSize, new YieldingWaitStrategy());
    decode = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), new DecodeHandler());
    tracker = new ConfirmTracker(ring, decode.getSequence(), journaled, confirmed, START);
    ring.addGatingSequences(tracker.releasedSequence());
    reader = new SlotReader("test_slot", statusInterval, new SlotReader.StreamSource() {
      @Override
      public Connection connect() throws SQLException {
        if (connectFailures.getAndDecrement() > 0) {
          throw new SQLException("FATAL: password authentication failed for user \"pgcdc\"", "28P01");
        }
        return null;
      }

      @Override
      public PGReplicationStream start(Connection connection) {
        return stream;
      }

      @Override
      public void checkSlot(long flushedLsn) {
        // The scripted slot never goes away.
      }
    }, null, ring, tracker, control, spool);
    reader.open(false);
    decodeThread = new Thread(decode, "test-decode");
    decodeThread.start();
    readerThread = new Thread(reader, "test-slot-reader");
    readerThread.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    control.halt();
    if (decode != null) {
      decode.halt();
    }
    if (readerThread != null) {
      readerThread.join(10_000);
      decodeThread.join(10_000);
    }
  }

  /** Marks every published event up to {@code sequence} journaled and confirmed. */
  private void deliverUpTo(long sequence) {
    await().until(() -> decode.getSequence().get() >= sequence);
    journaled.set(sequence);
    confirmed.set(sequence);
  }

  private void awaitPublished(long sequence) {
    await().until(() -> ring.getCursor() >= sequence);
  }

  /** Lets the reader run through everything scripted so far, plus a few idle loops. */
  private void awaitIdle() {
    await().until(stream::drained);
    long idle = stream.idleReads();
    await().until(() -> stream.idleReads() > idle + 3);
  }

  @Test
  void aKeepaliveWhileATransactionIsOpenIsNotFollowed() throws Exception {
    start(64, Duration.ofMillis(10));
    stream.data(0x2000, begin(0x2100, 7)).data(0x2000, message(0x2000)).keepalive(0x3000);
    awaitPublished(1);
    awaitIdle();
    deliverUpTo(1); // Begin and the change are delivered, the Commit has not arrived yet
    awaitIdle();
    assertThat(tracker.flushedLsn()).isLessThanOrEqualTo(0x2100);
    stream.data(0x2130, commit(0x2100, 0x2130)).keepalive(0x3000);
    awaitPublished(2);
    awaitIdle();
    assertThat(tracker.flushedLsn()).as("Commit not yet confirmed").isLessThanOrEqualTo(0x2100);
    deliverUpTo(2);
    await().until(() -> stream.lastSentFlushed() == 0x3000);
    assertThat(stream.sentFlushed()).allMatch(lsn -> lsn <= 0x2100 || lsn >= 0x2130);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void aCommitWaitingForARingSlotIsNotFlushedBeforeItIsReleased() throws Exception {
    start(4, Duration.ofMillis(10));
    // Four events fill the ring; the Commit (XLogData start = its end LSN) waits in the reader's hands.
    stream.data(0x2000, begin(0x2100, 7)).data(0x2000, message(0x2000)).data(0x2040, message(0x2040))
        .data(0x2080, message(0x2080)).data(0x2130, commit(0x2100, 0x2130));
    awaitPublished(3);
    await().until(stream::drained);
    deliverUpTo(3); // everything in the ring is released; the reader can publish the Commit now
    awaitPublished(4);
    awaitIdle();
    assertThat(tracker.flushedLsn()).isLessThanOrEqualTo(0x2100);
    assertThat(stream.sentFlushed()).allMatch(lsn -> lsn <= 0x2100);
    deliverUpTo(4);
    await().until(() -> stream.lastSentFlushed() == 0x2130);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void aRelationWithStartZeroAndANonTransactionalMessageNeverMoveTheFlushedLsnPastAPendingCommit()
      throws Exception {
    start(64, Duration.ofMillis(10));
    stream.data(0x1800, message(0x1800, false)); // non-transactional: its own LSN is its "commit"
    awaitPublished(0);
    awaitIdle();
    assertThat(tracker.flushedLsn()).isEqualTo(START);
    deliverUpTo(0);
    await().until(() -> tracker.flushedLsn() == 0x1800);
    stream.data(0x2000, begin(0x2100, 7)).data(0, relation()).keepalive(0x5000).data(0x2000, message(0x2000));
    awaitPublished(3);
    awaitIdle();
    deliverUpTo(3);
    awaitIdle();
    assertThat(tracker.flushedLsn()).isEqualTo(0x1800);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void anIdleStreamFollowsKeepalivesAndReportsThemWithoutWaitingForTheStatusInterval() throws Exception {
    start(64, Duration.ofHours(1));
    stream.keepalive(0x4000);
    await().until(() -> stream.lastSentFlushed() == 0x4000);
    stream.data(0x4100, begin(0x4200, 9)).data(0x4230, commit(0x4200, 0x4230));
    awaitPublished(1);
    deliverUpTo(1);
    await().until(() -> stream.lastSentFlushed() == 0x4230);
  }

  @Test
  void nothingIsSentAfterAFailure() throws Exception {
    start(64, Duration.ofMillis(10));
    stream.data(0x2000, begin(0x2100, 7)).data(0x2000, message(0x2000)).data(0x2130, commit(0x2100, 0x2130));
    awaitPublished(2);
    control.fail(new PipelineException("broker returned a message"));
    deliverUpTo(2); // a stage still moving after the failure must not reach PostgreSQL
    stream.keepalive(0x9000);
    readerThread.join(10_000);
    assertThat(readerThread.isAlive()).isFalse();
    assertThat(tracker.flushedLsn()).isLessThan(0x2100);
    assertThat(stream.sentFlushed()).allMatch(lsn -> lsn < 0x2100);
  }

  @Test
  void whileReconnectingTheReaderSaysWhyTheLastAttemptFailedAndForgetsItOnceConnected() throws Exception {
    start(64, Duration.ofMillis(10));
    connectFailures.set(2);
    stream.drop();
    await().until(() -> reader.reconnectFailure() != null);
    assertThat(reader.connected()).isFalse();
    assertThat(reader.reconnectFailure()).isEqualTo("FATAL: password authentication failed for user \"pgcdc\"");
    await().atMost(Duration.ofSeconds(10)).until(reader::connected);
    assertThat(reader.reconnectFailure()).isNull();
  }

  @Test
  void anErrorInTheReaderStopsThePipelineInsteadOfLeavingItSilentlyWithoutASource() throws Exception {
    start(64, Duration.ofMillis(10));
    stream.data(0x2000, begin(0x2100, 7)).outOfMemory();
    readerThread.join(10_000);
    assertThat(readerThread.isAlive()).isFalse();
    assertThat(control.failure()).isNotNull();
    assertThat(control.failure().getMessage()).isEqualTo("slot reader failed: java.lang.OutOfMemoryError: scripted: Java heap space");
  }

  @Test
  void aTransactionCommittedBelowTheFlushedLsnAlreadySentIsReported() throws Exception {
    start(64, Duration.ofMillis(10));
    stream.keepalive(0x4000);
    await().until(() -> stream.lastSentFlushed() == 0x4000);
    // A server that re-sends, or a flushed LSN reported too far: this commit would be skipped on restart.
    stream.data(0x3000, begin(0x3100, 9)).data(0x3130, commit(0x3100, 0x3130));
    awaitPublished(1);
    await().until(() -> reader.receivedBelowFlushed() == 1);
  }

  @Test
  void aNonTransactionalMessageSentAgainAfterAReconnectIsNotPublishedTwice() throws Exception {
    start(64, Duration.ofMillis(10));
    stream.data(0x1800, message(0x1800, false)).data(0x2000, begin(0x2100, 7)).data(0x2000, message(0x2000))
        .data(0x2130, commit(0x2100, 0x2130)).data(0x2200, message(0x2200, false));
    awaitPublished(4);
    awaitIdle();
    // Connection lost with nothing confirmed: the server starts again from the flushed LSN.
    stream.drop().data(0x1800, message(0x1800, false)).data(0x2000, begin(0x2100, 7))
        .data(0x2000, message(0x2000)).data(0x2130, commit(0x2100, 0x2130)).data(0x2200, message(0x2200, false))
        .data(0x2300, message(0x2300, false));
    awaitPublished(5);
    awaitIdle();
    assertThat(ring.getCursor()).as("only the message not received before").isEqualTo(5);
    assertThat(ring.get(5).walStart()).isEqualTo(0x2300);
    deliverUpTo(4); // everything received before the reconnect is delivered, the new message is not
    await().until(() -> tracker.flushedLsn() >= 0x2130);
    awaitIdle();
    assertThat(tracker.flushedLsn()).isLessThanOrEqualTo(0x2300);
    assertThat(tracker.violations()).isZero();
  }

  @Test
  void aStreamedTransactionFromAnotherOriginReachesTheDecoderIntact() throws Exception {
    start(64, Duration.ofMillis(10));
    // Stream Start, then the Origin pgoutput sends as its own message (no xid field), a change, Stop, Commit.
    stream.data(0x2000, streamStart(5)).data(0x2000, origin("ab")).data(0x2010, streamed(message(0x2010), 5))
        .data(0x2040, new byte[] {'E'}).data(0x2130, streamCommit(5, 0x2100, 0x2130));
    awaitPublished(3); // Begin, Origin, Message, Commit
    await().until(() -> decode.getSequence().get() >= 3);
    deliverUpTo(3);
    await().until(() -> stream.lastSentFlushed() == 0x2130);
    assertThat(control.failed()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(chars = {'b', 'P', 'K', 'r', 'p'})
  void aTwoPhaseMessageStopsThePipelineWithoutPublishingIt(char type) throws Exception {
    start(64, Duration.ofMillis(10));
    stream.keepalive(0x1800);
    await().until(() -> stream.lastSentFlushed() == 0x1800);
    // Only a slot created with two_phase = true sends these; pgcdc never asks for them.
    stream.data(0x2000, twoPhase(type)).data(0x2010, message(0x2010)).keepalive(0x3000);

    readerThread.join(10_000);

    assertThat(readerThread.isAlive()).isFalse();
    assertThat(control.failure()).hasMessageStartingWith("replication slot 'test_slot' sent a two-phase ")
        .hasMessageContaining(" message at 0/2000: the slot has two_phase = true")
        .hasMessageContaining("SELECT pg_drop_replication_slot('test_slot');").hasMessageNotContaining("\n");
    assertThat(ring.getCursor()).as("nothing of it reached the ring").isEqualTo(-1);
    assertThat(stream.sentFlushed()).allMatch(lsn -> lsn <= 0x1800);
  }

  /** Begin Prepare's layout (type, prepare LSN, end LSN, time, xid, gid); the reader reads the type byte only. */
  private static byte[] twoPhase(char type) {
    return ByteBuffer.allocate(32).put((byte) type).putLong(0x2100).putLong(0x2130).putLong(0).putInt(7)
        .put(new byte[] {'g', 0}).array();
  }

  private static byte[] streamStart(int xid) {
    return ByteBuffer.allocate(6).put((byte) 'S').putInt(xid).put((byte) 1).array();
  }

  /** A v1 message as pgoutput sends it inside a stream: the xid after the type byte. */
  private static byte[] streamed(byte[] v1, int xid) {
    return ByteBuffer.allocate(v1.length + 4).put(v1[0]).putInt(xid).put(v1, 1, v1.length - 1).array();
  }

  private static byte[] streamCommit(int xid, long commitLsn, long endLsn) {
    return ByteBuffer.allocate(30).put((byte) 'c').putInt(xid).put((byte) 0).putLong(commitLsn).putLong(endLsn)
        .putLong(0).array();
  }

  /** Origin inside a stream: origin LSN 0 (pgoutput sends InvalidXLogRecPtr there), name. */
  private static byte[] origin(String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(1 + 8 + n.length + 1).put((byte) 'O').putLong(0).put(n).put((byte) 0).array();
  }

  private static byte[] begin(long finalLsn, int xid) {
    return ByteBuffer.allocate(21).put((byte) 'B').putLong(finalLsn).putLong(0).putInt(xid).array();
  }

  private static byte[] commit(long commitLsn, long endLsn) {
    return ByteBuffer.allocate(26).put((byte) 'C').put((byte) 0).putLong(commitLsn).putLong(endLsn).putLong(0)
        .array();
  }

  private static byte[] message(long lsn) {
    return message(lsn, true);
  }

  /** pgoutput logical decoding message (v1 layout): flags, lsn, prefix, length, content. */
  private static byte[] message(long lsn, boolean transactional) {
    byte[] content = "x".getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 1 + 8 + 2 + 4 + content.length).put((byte) 'M')
        .put((byte) (transactional ? 1 : 0)).putLong(lsn).put((byte) 'p').put((byte) 0).putInt(content.length)
        .put(content).array();
  }

  /** Relation 1 public.t (id int4). */
  private static byte[] relation() {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put((byte) 'R').putInt(1).put("public".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
        .put("t".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 'd').putShort((short) 1)
        .put((byte) 1).put("id".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).putInt(23).putInt(-1);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  /** A replication stream fed by the test; mimics pgjdbc's LSN bookkeeping. */
  private static final class ScriptedStream implements PGReplicationStream {
    private record Item(long lsn, byte[] data) {}

    private final ConcurrentLinkedQueue<Item> script = new ConcurrentLinkedQueue<>();
    private final List<Long> sent = new CopyOnWriteArrayList<>();
    private volatile long lastReceive;
    private volatile long flushed;
    private volatile int updates;
    private volatile long idle;
    private volatile boolean closed;

    ScriptedStream data(long start, byte[] message) {
      script.add(new Item(start, message));
      return this;
    }

    /** The next read fails as a lost connection does; the reader reconnects to this same script. */
    ScriptedStream drop() {
      script.add(new Item(-1, null));
      return this;
    }

    /** The next read throws an OutOfMemoryError, as pgjdbc does when a CopyData will not fit the heap. */
    ScriptedStream outOfMemory() {
      script.add(new Item(-2, null));
      return this;
    }

    ScriptedStream keepalive(long walEnd) {
      script.add(new Item(walEnd, null));
      return this;
    }

    boolean drained() {
      return script.isEmpty();
    }

    long idleReads() {
      return idle;
    }

    int statusUpdates() {
      return updates;
    }

    List<Long> sentFlushed() {
      return sent;
    }

    long lastSentFlushed() {
      return sent.isEmpty() ? -1 : sent.get(sent.size() - 1);
    }

    @Override
    public ByteBuffer read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public ByteBuffer readPending() throws SQLException {
      Item item;
      while ((item = script.poll()) != null) {
        if (item.lsn() == -1) {
          throw new SQLException("scripted connection loss", "08006");
        }
        if (item.lsn() == -2) {
          throw new OutOfMemoryError("scripted: Java heap space");
        }
        if (item.data() == null) {
          lastReceive = Math.max(lastReceive, item.lsn());
          continue;
        }
        lastReceive = item.lsn();
        return ByteBuffer.wrap(item.data().clone());
      }
      idle++;
      return null;
    }

    @Override
    public LogSequenceNumber getLastReceiveLSN() {
      return LogSequenceNumber.valueOf(lastReceive);
    }

    @Override
    public LogSequenceNumber getLastFlushedLSN() {
      return LogSequenceNumber.valueOf(flushed);
    }

    @Override
    public LogSequenceNumber getLastAppliedLSN() {
      return LogSequenceNumber.valueOf(flushed);
    }

    @Override
    public void setFlushedLSN(LogSequenceNumber lsn) {
      flushed = lsn.asLong();
    }

    @Override
    public void setAppliedLSN(LogSequenceNumber lsn) {
      // Same as flushed here.
    }

    @Override
    public void forceUpdateStatus() {
      updates++;
      sent.add(flushed);
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
