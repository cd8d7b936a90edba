package io.pgcdc.engine.sink;

import com.codahale.metrics.Timer;
import com.lmax.disruptor.Sequence;
import io.pgcdc.engine.pipeline.PipelineControl;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Publisher-confirm bookkeeping of one AMQP channel: maps delivery tags to ring sequences and
 * advances the shared {@code confirmed} ring sequence as {@code basic.ack}s arrive. Bounds the
 * unconfirmed messages to {@code capacity} ({@code max_in_flight}).
 *
 * <pre>
 *   tags:    lowestUnacked ........ issued            (tag = channel publish seq no, from 1)
 *   slot[tag & mask] = ring sequence of the event the message belongs to
 *   all tags &lt; lowestUnacked acked  =>  every event below ringSeqOf(lowestUnacked) is confirmed;
 *   nothing unacked                 =>  every event up to {@code handled} is confirmed
 * </pre>
 *
 * <p>Threading: {@link #issue}, {@link #handled} and {@link #parkUntilBelow} run on the publish
 * thread; {@link #ack}, {@link #nack}, {@link #failed(String, boolean)} run on the amqp-client
 * connection thread; {@link #collectDelivered} on the publish thread once the channel is closed.
 * They meet only through volatile fields ({@code issued}, {@code handled}, {@code lowestUnacked},
 * {@code roomWaiter}) written in an order that lets either side conclude safely; no locks. Once failed, the window never advances
 * {@code confirmed} again: the publish thread re-sends what is above it on a new channel, except the
 * events whose every message this channel's broker acked ({@link #collectDelivered}).
 */
final class ConfirmWindow {
  private final int maxInFlight;
  private final int mask;
  private final long[] ringSeqOf;
  private final long[] sentNanos;
  private final boolean[] acked;
  /** Tags at or above {@code lowestUnacked} the broker nacked (recorded once failed, see {@link #nack}). */
  private final boolean[] nacked;
  private final Sequence confirmed;
  private final PipelineControl control;
  private final Timer confirmLatency;

  private long nextTag = 1;
  private volatile long issued = 1;
  private volatile long handled;
  private volatile long lowestUnacked = 1;
  private volatile String failure;
  private volatile boolean fatal;
  /** The publish thread while it is parked in {@link #parkUntilBelow}, else null. */
  private volatile Thread roomWaiter;
  /** In-flight count below which {@link #ack} wakes {@link #roomWaiter}. */
  private volatile long wakeBelow;

  ConfirmWindow(int capacity, Sequence confirmed, PipelineControl control, Timer confirmLatency) {
    this.maxInFlight = capacity;
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    this.mask = size - 1;
    this.ringSeqOf = new long[size];
    this.sentNanos = new long[size];
    this.acked = new boolean[size];
    this.nacked = new boolean[size];
    this.confirmed = confirmed;
    this.control = control;
    this.confirmLatency = confirmLatency;
    this.handled = confirmed.get();
  }

  /**
   * Reserves the next delivery tag for a message of ring event {@code ringSeq}, waiting while the
   * window is full. Call right before {@code basicPublish}.
   *
   * @return false when the channel failed: do not publish
   * @throws PipelineControl.Halted when the pipeline halts while waiting
   */
  boolean issue(long ringSeq) {
    while (nextTag - lowestUnacked >= maxInFlight) {
      if (failure != null) {
        return false;
      }
      control.checkRunning();
      LockSupport.parkNanos(50_000);
    }
    if (failure != null) {
      return false;
    }
    int slot = (int) nextTag & mask;
    ringSeqOf[slot] = ringSeq;
    sentNanos[slot] = System.nanoTime();
    nextTag++;
    issued = nextTag; // volatile write publishes the slot before the broker can ack the tag
    return true;
  }

  /** Every message of ring event {@code ringSeq} was published (possibly none). Publish thread. */
  void handled(long ringSeq) {
    handled = ringSeq;
    if (lowestUnacked >= issued) {
      advance(ringSeq);
    }
  }

  /** {@code basic.ack}; connection thread. */
  void ack(long tag, boolean multiple) {
    long low = lowestUnacked;
    if (tag < low) {
      return;
    }
    if (failure != null) {
      // Only noted, for the re-send to skip: nothing is confirmed past a failure. A multiple ack
      // covers the tags still outstanding, not those the broker nacked before it.
      for (long t = multiple ? low : tag; t <= tag; t++) {
        int slot = (int) t & mask;
        acked[slot] |= !nacked[slot];
      }
      return;
    }
    confirmLatency.update(System.nanoTime() - sentNanos[(int) tag & mask], TimeUnit.NANOSECONDS);
    if (multiple) {
      for (long t = low; t <= tag; t++) {
        acked[(int) t & mask] = false;
      }
      low = tag + 1;
    } else {
      acked[(int) tag & mask] = true;
    }
    while (low < issued && acked[(int) low & mask]) {
      acked[(int) low & mask] = false;
      low++;
    }
    lowestUnacked = low;
    Thread waiter = roomWaiter; // read after the write above: see parkUntilBelow
    if (waiter != null && issued - low < wakeBelow) {
      LockSupport.unpark(waiter);
    }
    // Read handled before issued: if all issued tags are acked, every event up to handled is done.
    long h = handled;
    long i = issued;
    advance(low >= i ? h : ringSeqOf[(int) low & mask] - 1);
  }

  /** {@code basic.nack}: notes the nacked tags, then fails the channel; connection thread. */
  void nack(long tag, boolean multiple) {
    for (long t = multiple ? lowestUnacked : tag; t <= tag; t++) {
      int slot = (int) t & mask;
      nacked[slot] |= !acked[slot];
    }
    failed("broker nacked delivery tag " + tag, false);
  }

  /**
   * Sets bit {@code s - base} of {@code delivered} for each event {@code s} in {@code [base, upTo]}
   * that this channel handled (published whole, skipped as delivered before, or without messages)
   * and whose every message here the broker acked: a re-send after the failure may skip it. Bits
   * already set stay set. Publish thread, once the channel is closed. An ack not yet visible to this
   * thread only makes the re-send send that event again; a nacked tag is never marked acked.
   */
  void collectDelivered(BitSet delivered, long base, long upTo) {
    long last = Math.min(handled, upTo);
    if (last < base) {
      return;
    }
    BitSet here = new BitSet();
    here.set(0, (int) (last - base + 1));
    for (long t = lowestUnacked, end = issued; t < end; t++) {
      int slot = (int) t & mask;
      long event = ringSeqOf[slot];
      if (!acked[slot] && event >= base && event <= last) {
        here.clear((int) (event - base));
      }
    }
    delivered.or(here);
  }

  private void advance(long ringSeq) {
    if (control.failed() || failure != null) {
      return;
    }
    long current = confirmed.get();
    while (ringSeq > current && !confirmed.compareAndSet(current, ringSeq)) {
      current = confirmed.get();
    }
  }

  /**
   * The channel cannot be trusted any more: nack, connection loss, or (when {@code fatal}) an
   * unroutable message under policy stop. Connection thread or publish thread.
   */
  void failed(String why, boolean fatal) {
    if (failure == null) {
      this.fatal = fatal;
      failure = why;
    }
    Thread waiter = roomWaiter;
    if (waiter != null) {
      LockSupport.unpark(waiter);
    }
  }

  /**
   * Parks the publish thread until fewer than {@code limit} messages are in flight, the channel
   * failed, or {@code maxNanos} passed (whichever first; may also return early, spuriously). The
   * ack that makes the room wakes it, so a full window costs one wake-up per resume instead of
   * polling. No lost wake-up: this thread publishes itself as waiter before it reads the in-flight
   * count, the connection thread writes {@code lowestUnacked} before it reads the waiter (all
   * volatile), so at least one of them sees the other's write; an unpark before the park makes the
   * park return at once.
   */
  void parkUntilBelow(long limit, long maxNanos) {
    wakeBelow = limit;
    roomWaiter = Thread.currentThread();
    if (inFlight() >= limit && failure == null) {
      LockSupport.parkNanos(this, maxNanos);
    }
    roomWaiter = null;
  }

  /** Why the channel failed, or null while healthy. */
  String failure() {
    return failure;
  }

  /** True when the failure must stop the pipeline rather than be healed by a re-send. */
  boolean fatal() {
    return fatal;
  }

  /** Messages published and not yet acknowledged. */
  long inFlight() {
    return issued - lowestUnacked;
  }
}
