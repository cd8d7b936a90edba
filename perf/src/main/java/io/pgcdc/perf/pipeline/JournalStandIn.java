package io.pgcdc.perf.pipeline;

import com.lmax.disruptor.EventHandler;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.RingEvent;
import java.util.zip.CRC32C;

/**
 * The journal stage without Chronicle: reads every body byte of every outbox message (a CRC32C,
 * where the real stage copies them into the memory-mapped queue) and counts messages and events.
 * No I/O, no allocation.
 *
 * <p>Threading: written on its stage thread only; {@link #messages()}, {@link #events()} and
 * {@link #checksum()} may be read by another thread after it saw this stage's sequence pass the
 * events in question (the sequence's volatile write publishes the counters).
 */
final class JournalStandIn implements EventHandler<RingEvent> {
  private final CRC32C crc = new CRC32C();
  private long messages;
  private long events;
  private long checksum;

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    Outbox out = event.outbox();
    for (int i = 0; i < out.count(); i++) {
      crc.reset();
      crc.update(out.bodies(), out.offset(i), out.length(i));
      checksum += crc.getValue();
      messages++;
      events += Math.max(1, out.events(i));
    }
  }

  long messages() {
    return messages;
  }

  /** Events journaled: one per message, or the element count of a batch. */
  long events() {
    return events;
  }

  /** Sum of the CRC32C of every body journaled. */
  long checksum() {
    return checksum;
  }
}
