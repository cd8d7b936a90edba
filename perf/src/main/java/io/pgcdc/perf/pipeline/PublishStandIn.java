package io.pgcdc.perf.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.RingEvent;

/**
 * The publish stage without a broker: per message it reads what the real stage hands to the AMQP
 * client (routing key, op, ordinal, LSN, body) and copies the body into a reused buffer (where
 * amqp-client copies it into its frame), then counts the message as confirmed at once. The confirmed
 * sequence moves at the end of each Disruptor batch, as broker acks ({@code multiple=true}) come in
 * bursts. No I/O; allocates only when a bigger body than ever before arrives.
 *
 * <p>Threading: its stage thread only; {@link #events()} and {@link #messages()} as in
 * {@link JournalStandIn}.
 */
final class PublishStandIn implements EventHandler<RingEvent> {
  private final Sequence confirmed;
  private byte[] frame = new byte[4096];
  private long messages;
  private long events;
  private long touched;

  PublishStandIn(Sequence confirmed) {
    this.confirmed = confirmed;
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    Outbox out = event.outbox();
    for (int i = 0; i < out.count(); i++) {
      int length = out.length(i);
      if (length > frame.length) {
        frame = new byte[Integer.highestOneBit(length) << 1];
      }
      System.arraycopy(out.bodies(), out.offset(i), frame, 0, length);
      touched += out.routingKey(i).length() + out.op(i) + out.ordinal(i) + out.lsn(i) + (length > 0 ? frame[length - 1] : 0);
      messages++;
      events += Math.max(1, out.events(i));
    }
    if (endOfBatch) {
      confirmed.set(sequence);
    }
  }

  long messages() {
    return messages;
  }

  /** Events confirmed: one per message, or the element count of a batch. */
  long events() {
    return events;
  }

  /** Keeps the reads above from being optimized away. */
  long touched() {
    return touched;
  }
}
