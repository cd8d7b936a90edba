package io.pgcdc.engine.sink;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.rabbitmq.client.AMQP;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.Term;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.ops.PipelineMetrics;
import io.pgcdc.engine.pipeline.MessageIds;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.PipelineControl;
import io.pgcdc.engine.pipeline.RingEvent;
import io.pgcdc.journal.JournalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last ring stage: publishes every encoded message to RabbitMQ with publisher confirms,
 * {@code mandatory}, persistent delivery, {@code content-type: application/json}, the deterministic
 * message id {@code <slot>/<commit LSN>/<ordinal>} and the {@code pgcdc-*} headers.
 *
 * <pre>
 *   ring event --issue tag--&gt; basic.publish --&gt; broker
 *                                  basic.ack  --&gt; ConfirmWindow --&gt; confirmed ring sequence
 *   nack / connection loss: reconnect (backoff), re-send events confirmed+1 .. last handled
 *                           straight from the ring (their slots are gated, still intact), same ids;
 *                           again with nothing confirmed since: first wait 0.1 s doubling to 10 s
 *   return (unroutable),
 *   over max_message_size:  fatal, pipeline stops, nothing past it is confirmed
 * </pre>
 *
 * <p>Threading: runs on the publish thread; the amqp-client connection thread only touches the
 * {@link ConfirmWindow}. The in-flight window ({@code max_in_flight}) is enforced in
 * {@link ConfirmWindow#issue}; when it is full this thread waits, the ring fills, and the slot
 * reader keeps sending status updates.
 *
 * <p>Per message this stage allocates only what amqp-client's API demands: the properties object
 * (which copies the header table into its own map), the message-id and {@code pgcdc-lsn} strings,
 * and a {@link ByteBuffer} view of the body. The body is not copied: amqp-client writes it from
 * the ring slot's outbox, which stays untouched until the broker confirmed it (the ring is gated
 * by the confirmed sequence, see {@link ConfirmWindow}). The header table is one reused map, the
 * commit LSN text and boxed xid are made once per transaction.
 */
public final class PublishHandler implements EventHandler<RingEvent> {
  /** AMQP's limit for a short string, which a routing key is. */
  static final int MAX_ROUTING_KEY_BYTES = 255;
  private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);
  private static final long MAX_BACKOFF_NANOS = 10_000_000_000L;
  /** First pause of a recovery that starts with nothing confirmed since the previous one (doubling up to the max). */
  private static final long FIRST_REPEAT_BACKOFF_NANOS = 100_000_000L;
  /** How long a failed channel may take to answer for its other messages before it is closed. */
  private static final long SETTLE_MILLIS = 1_000;
  /**
   * Longest park while the confirm window is full (the ack that makes room wakes the thread
   * earlier): bounds how late a halt is noticed.
   */
  private static final long FULL_WINDOW_MAX_PARK_NANOS = 10_000_000L;
  private static final String[] OPS = new String[128];
  private static final String CONTENT_TYPE = "application/json";
  private static final Integer PERSISTENT = 2;

  static {
    for (char c : "IUDTMRS*".toCharArray()) {
      OPS[c] = String.valueOf(c);
    }
  }

  private final PgcdcConfig.RabbitMq config;
  /**
   * Whether a re-send may skip delivered events: not when the routing key holds {@code {op}}, where
   * one table's rows have several keys, and a consumer of all of them needs them re-sent together.
   */
  private final boolean skipsDelivered;
  private final String connectionName;
  private final Term term;
  private final RingBuffer<RingEvent> ring;
  private final PipelineControl control;
  private final PipelineMetrics metrics;
  private final Sequence confirmed;
  private final MessageIds ids;
  private final Long epoch;
  /**
   * The header table, refilled per message ({@code AMQP.BasicProperties} copies it on
   * construction). Linked, and filled in the same order every time, so the copy, and the bytes on
   * the wire, are what a fresh map per message gave.
   */
  private final Map<String, Object> headers = new LinkedHashMap<>(16);
  private final StringBuilder lsnText = new StringBuilder(Lsn.MAX_TEXT_LENGTH);
  /** Commit LSN whose text is {@link #commitLsnText}; with {@link #xid}, set once per transaction. */
  private long headerCommitLsn;
  private String commitLsnText;
  private Long xid;
  /** In-flight count at which a full window opens again: 7/8 of max_in_flight (hysteresis). */
  private final int resumeBelow;

  /** Written by the publish thread; read by others only to report or abort it. */
  private volatile RabbitChannel channel;
  private ConfirmWindow window;
  private volatile String unavailable;
  private long lastHandled = RingBuffer.INITIAL_CURSOR_VALUE;
  /** {@link #confirmed} when the previous recovery started; {@link #repeatBackoff} grows while it stays. */
  private long confirmedAtLastRecovery = Long.MIN_VALUE;
  private long repeatBackoff;
  private long batchEvents;
  private long batchBytes;
  private long batchTransactions;

  /**
   * @param confirmed ring sequence this handler advances as the broker confirms; the tracker reads it
   */
  public PublishHandler(PgcdcConfig.RabbitMq config, String slot, Term term, RingBuffer<RingEvent> ring,
      PipelineControl control, PipelineMetrics metrics, Sequence confirmed) {
    this.config = config;
    this.skipsDelivered = !config.routingKey().contains("{op}");
    this.connectionName = "pgcdc " + slot;
    this.term = term;
    this.ring = ring;
    this.control = control;
    this.metrics = metrics;
    this.confirmed = confirmed;
    this.epoch = term.epoch();
    this.ids = new MessageIds(slot);
    this.resumeBelow = Math.max(1, config.maxInFlight() - config.maxInFlight() / 8);
  }

  /** Connects before the ring starts, so a bad broker address fails the start with one line. */
  public void connect() throws PipelineException {
    window = newWindow();
    channel = RabbitChannel.open(config, connectionName, window, term.epoch());
  }

  private ConfirmWindow newWindow() {
    return new ConfirmWindow(config.maxInFlight(), confirmed, control, metrics.publishConfirmLatency());
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) throws Exception {
    while (!publishEvent(event, sequence)) {
      recover(sequence - 1);
    }
    lastHandled = sequence;
    window.handled(sequence);
    if (endOfBatch) {
      flushCounters();
    }
  }

  @Override
  public void onTimeout(long sequence) throws Exception {
    if (window != null && window.failure() != null && !healthy()) {
      recover(lastHandled);
    }
  }

  @Override
  public void onShutdown() {
    flushCounters();
    if (channel != null) {
      channel.close();
    }
  }

  /** Publishes every message of one event; false when the channel failed on the way. */
  private boolean publishEvent(RingEvent event, long sequence) throws PipelineException, IOException {
    awaitLeadership();
    Outbox out = event.outbox();
    int n = out.count();
    for (int i = 0; i < n; i++) {
      checkRoutingKey(out.routingKey(i), event);
      awaitRoom();
      if (!window.issue(sequence)) {
        return healthy();
      }
      int length = out.length(i);
      ByteBuffer body = ByteBuffer.wrap(out.bodies(), out.offset(i), length);
      AMQP.BasicProperties properties = properties(out, i);
      // Check the term again right before the write: issue() may have parked, and a process
      // frozen there (GC, SIGSTOP) must not publish for an epoch that has since been superseded.
      awaitLeadership();
      try {
        channel.publish(out.routingKey(i), properties, body);
      } catch (IOException | RuntimeException e) {
        window.failed("publish failed: " + RabbitChannel.reason(e), false);
        return healthy();
      }
      batchEvents += Math.max(1, out.events(i));
      batchBytes += length;
    }
    if (event.txEndLsn() != 0) {
      batchTransactions++;
    }
    return healthy();
  }

  /**
   * AMQP caps a routing key at 255 bytes of UTF-8; amqp-client would throw from {@code basicPublish},
   * which looks like a channel failure and would be retried for ever. A long template, schema or
   * table name, or logical-message prefix stops the pipeline instead, before this message. Keys of
   * at most 85 chars cannot exceed 255 bytes, so the usual key costs one length check; a longer one is
   * counted char by char, without an allocation.
   */
  private static void checkRoutingKey(String key, RingEvent event) throws PipelineException {
    if (key.length() <= MAX_ROUTING_KEY_BYTES / 3) {
      return;
    }
    int bytes = utf8Length(key);
    if (bytes > MAX_ROUTING_KEY_BYTES) {
      throw new PipelineException("routing key '" + key.substring(0, 60) + "…' of the event at LSN "
          + Lsn.format(event.walStart()) + " is " + bytes + " bytes, AMQP allows " + MAX_ROUTING_KEY_BYTES
          + "; shorten sink.rabbitmq.routing_key, or the schema, table or logical-message prefix it comes from,"
          + " then restart pgcdc (nothing from this event on was confirmed to PostgreSQL)");
    }
  }

  /** Bytes of {@code s} in UTF-8, without encoding it (a lone surrogate counts as '?', as Java encodes it). */
  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** False when the channel needs recovery; throws when the failure is fatal or the pipeline stops. */
  private boolean healthy() throws PipelineException {
    String failure = window.failure();
    if (failure == null) {
      return true;
    }
    if (window.fatal()) {
      throw new PipelineException(failure);
    }
    control.checkRunning();
    return false;
  }

  /**
   * When the window is full, waits until an eighth of it was confirmed, parked until the ack that
   * makes that room wakes this thread. Waking per ack (as {@link ConfirmWindow#issue} alone would,
   * polling every 50 µs) or polling in naps costs thousands of context switches a second on the
   * cores the broker and the WAL sender need, and publishing the freed room in one burst costs less
   * than one message at a time. Returns early when the channel fails; {@code issue} then reports it.
   */
  private void awaitRoom() {
    if (window.inFlight() < config.maxInFlight()) {
      return;
    }
    while (window.inFlight() >= resumeBelow && window.failure() == null) {
      control.checkRunning();
      window.parkUntilBelow(resumeBelow, FULL_WINDOW_MAX_PARK_NANOS);
    }
  }

  private void awaitLeadership() {
    while (!term.leading()) {
      if (!control.reading()) {
        // Draining after a stop, and leadership is gone: nothing more may be published, so nothing
        // more can drain; end the drain now instead of at its timeout.
        control.halt();
      }
      control.checkRunning();
      LockSupport.parkNanos(10_000_000);
    }
  }

  /** Parks for {@code nanos} in slices, so that a halt is seen within 100 ms. */
  private void pause(long nanos) {
    long until = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = until - System.nanoTime()) {
      control.checkRunning();
      LockSupport.parkNanos(Math.min(left, 100_000_000L));
    }
  }

  /**
   * Reconnects with backoff, then re-sends, with their original ids, every event after the
   * confirmed sequence up to {@code upTo}, except those whose every message a failed channel's
   * broker had acked and whose routing keys have nothing re-sent before them (after a nack the
   * broker keeps the messages it acked; sending them again would duplicate, up to
   * {@code max_in_flight} per nack, into every queue, including those that never refused one).
   *
   * <p>When nothing was confirmed since the previous recovery, the broker keeps refusing the same
   * messages (a full queue with {@code x-overflow: reject-publish} nacks them; an event fails again
   * right after a reconnect): it waits first, 0.1 s doubling to 10 s, instead of re-sending the
   * whole unconfirmed window twice a second over a new connection each time. Any confirm resets it.
   */
  private void recover(long upTo) throws PipelineException, IOException {
    String why = window.failure();
    unavailable = why;
    metrics.publishRecoveries().inc();
    long progress = confirmed.get();
    if (progress == confirmedAtLastRecovery) {
      repeatBackoff = repeatBackoff == 0 ? FIRST_REPEAT_BACKOFF_NANOS : Math.min(repeatBackoff * 2, MAX_BACKOFF_NANOS);
      LOG.warn("RabbitMQ publishing interrupted again with nothing confirmed since ({}); re-sending in {} ms", why,
          repeatBackoff / 1_000_000);
      pause(repeatBackoff);
    } else {
      repeatBackoff = 0;
      LOG.warn("RabbitMQ publishing interrupted ({}); reconnecting and re-sending unconfirmed messages", why);
    }
    confirmedAtLastRecovery = progress;
    long backoff = 100_000_000L;
    long base = confirmed.get() + 1;
    BitSet delivered = new BitSet();
    Set<String> resentKeys = new HashSet<>();
    channel.settle(SETTLE_MILLIS);
    while (true) {
      control.checkRunning();
      channel.close();
      // Closed: no more confirms for this channel. Events it delivered whole stay delivered.
      window.collectDelivered(delivered, base, upTo);
      boolean connected = false;
      try {
        connect();
        connected = true;
      } catch (PipelineException e) {
        // Each new reason once at WARN (credentials revoked, the broker gone): retried at debug.
        String attempt = why + "; last reconnect attempt: " + e.getMessage();
        if (attempt.equals(unavailable)) {
          LOG.debug("reconnect to RabbitMQ failed again: {}", e.getMessage());
        } else {
          LOG.warn("reconnect to RabbitMQ failed ({}); retrying with backoff up to 10 s", e.getMessage());
        }
        unavailable = attempt;
      }
      // resend throws when the failure is fatal (unroutable, over max_message_size): not retried.
      int skipped = connected ? resend(upTo, delivered, base, resentKeys) : -1;
      if (skipped >= 0) {
        unavailable = null;
        LOG.info("RabbitMQ publishing resumed; re-sent events {}..{} of the ring but {} the broker had acked",
            base, upTo, skipped);
        return;
      }
      pause(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    }
  }

  /**
   * Re-sends the events after the confirmed sequence, in ring order: how many it skipped as
   * delivered, -1 when the channel failed on the way. A delivered event is sent again anyway when
   * one of its routing keys was re-sent before it in this recovery ({@code resentKeys}), so the
   * last copies of a key's messages still arrive in commit order: a consumer that applies every
   * copy ends with the newest state.
   */
  private int resend(long upTo, BitSet delivered, long base, Set<String> resentKeys)
      throws PipelineException, IOException {
    int skipped = 0;
    for (long s = confirmed.get() + 1; s <= upTo; s++) {
      RingEvent event = ring.get(s);
      Outbox out = event.outbox();
      if (skipsDelivered && s >= base && delivered.get((int) (s - base)) && !anyKeyIn(out, resentKeys)) {
        skipped++;
      } else {
        for (int i = 0; i < out.count(); i++) {
          resentKeys.add(out.routingKey(i));
        }
        metrics.publishResent().inc();
        if (!publishEvent(event, s)) {
          return -1;
        }
      }
      window.handled(s);
    }
    return skipped;
  }

  private static boolean anyKeyIn(Outbox out, Set<String> keys) {
    for (int i = 0; i < out.count(); i++) {
      if (keys.contains(out.routingKey(i))) {
        return true;
      }
    }
    return false;
  }

  /** Why publishing is interrupted right now (the broker is being reconnected), or null. Any thread. */
  public String unavailable() {
    return unavailable;
  }

  /** The broker's reason while it blocks this node's connection (memory or disk alarm), or null. Any thread. */
  public String blocked() {
    RabbitChannel c = channel;
    return c == null ? null : c.blocked();
  }

  /**
   * Drops the broker connection from another thread, for a pipeline that stops while the publish
   * thread waits in a socket write the broker does not read (a blocked connection). Any thread.
   */
  public void abortConnection() {
    RabbitChannel c = channel;
    if (c != null) {
      c.abort();
    }
  }

  /**
   * Content type, persistent delivery, message id and the pgcdc-* headers, in the order the journal
   * stores them (replay re-creates this table). A batch carries its first event's LSN, op {@code *} when its events differ in
   * op, and {@code pgcdc-events} (the number of events in its JSON array).
   */
  private AMQP.BasicProperties properties(Outbox out, int i) {
    if (xid == null || out.commitLsn() != headerCommitLsn || xid != out.xid()) {
      headerCommitLsn = out.commitLsn();
      commitLsnText = Lsn.format(headerCommitLsn);
      xid = out.xid();
    }
    lsnText.setLength(0);
    headers.put("pgcdc-lsn", Lsn.appendTo(out.lsn(i), lsnText).toString());
    headers.put("pgcdc-commit-lsn", commitLsnText);
    headers.put("pgcdc-xid", xid);
    headers.put("pgcdc-op", OPS[out.op(i)]);
    headers.put("pgcdc-epoch", epoch);
    if (out.events(i) > 0) {
      headers.put(JournalRecord.EVENTS_HEADER, out.events(i));
    } else {
      headers.remove(JournalRecord.EVENTS_HEADER);
    }
    // The constructor, not the Builder: one object less per message, same fields.
    return new AMQP.BasicProperties(CONTENT_TYPE, null, headers, PERSISTENT, null, null, null, null,
        ids.of(out, i).toString(), null, null, null, null, null);
  }

  private void flushCounters() {
    if (batchEvents > 0) {
      metrics.events().inc(batchEvents);
      metrics.bytes().inc(batchBytes);
      batchEvents = 0;
      batchBytes = 0;
    }
    if (batchTransactions > 0) {
      metrics.transactions().inc(batchTransactions);
      batchTransactions = 0;
    }
  }
}
