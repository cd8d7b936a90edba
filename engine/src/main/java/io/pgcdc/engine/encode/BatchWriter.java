package io.pgcdc.engine.encode;

import io.pgcdc.engine.pipeline.Outbox;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Batched mode ({@code sink.rabbitmq.batch: transaction | N}): packs consecutive events of one
 * transaction that share a routing key into one AMQP message whose body is a JSON array of their
 * SPEC §3 objects, byte for byte what each would be alone.
 *
 * <pre>
 *   staging outbox (one event, written by the row/truncate/message writers)
 *        | add: same transaction, same routing key, &lt; N events, fits batch_max_bytes?
 *        |   no  -&gt; close the open batch into the current ring event's outbox, open a new one
 *        v
 *   open batch  [{...},{...},{...}      (buffer owned by this class)
 *        | close: at the transaction's Commit at the latest
 *        v
 *   ring outbox: one message, events(i) = n, ordinals first..last, lsn = first event's LSN
 * </pre>
 *
 * <p>Boundaries depend only on the transaction's events (routing keys, ordinals, body sizes), never
 * on timing, so a re-send after any fault, on any node, rebuilds the same batches with the same
 * ids. A batch never spans a Commit, so the confirm tracker cannot report a transaction flushed
 * before the broker confirmed its last batch: the batch sits on a ring event before the Commit.
 *
 * <p>Memory: a big batch's array is handed to the ring event (no copy) and taken back by
 * {@link #reclaim} when the encode stage reuses that ring slot, which only happens after the slot
 * was journaled, confirmed and released; small batches (and arrays less than half full) are copied
 * instead, so ring slots never pin much more than the bytes they hold, and an idle slot at most
 * {@link #RETAINED_BYTES}. Nothing is allocated per event once the spare arrays exist.
 *
 * <p>Threading: encode thread only.
 */
final class BatchWriter {
  /**
   * Ring outbox arrays above this are taken back when their slot is reused, so the ring's idle
   * footprint stays at most this much per slot (16 384 slots in batched mode: 64 MB).
   */
  static final int RETAINED_BYTES = 4 << 10;
  /** Spare arrays kept for reuse; more (after a burst of big batches) are left to the GC. */
  private static final int MAX_SPARES = 64;
  private static final int SMALL_BYTES = 1024;
  private static final int INITIAL_BATCH_BYTES = 16 << 10;

  private final int maxEvents;
  private final int maxBytes;
  private final ArrayDeque<byte[]> spareLarge = new ArrayDeque<>();
  private final ArrayDeque<byte[]> spareSmall = new ArrayDeque<>();
  private byte[] single = new byte[SMALL_BYTES];
  private byte[] buf;
  private int used;
  private int count;
  private String routingKey;
  private byte op;
  private int firstOrdinal;
  private int lastOrdinal;
  private long firstLsn;

  /**
   * @param maxEvents events per message, {@code Integer.MAX_VALUE} for a whole transaction
   * @param maxBytes  a batch is closed before it would exceed this many body bytes
   */
  BatchWriter(int maxEvents, int maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Gives an emptied ring outbox a small array again when it still holds a big one handed over earlier. */
  void reclaim(Outbox out) {
    if (out.bodies().length > RETAINED_BYTES) {
      byte[] small = spareSmall.poll();
      spare(spareLarge, out.replaceBodies(small != null ? small : new byte[SMALL_BYTES]));
    }
  }

  /** A transaction starts: whatever an interrupted transaction left open is dropped (it will be re-sent). */
  void discard() {
    count = 0;
    used = 0;
  }

  /** Adds message {@code i} of {@code staging} to the open batch, closing that into {@code out} first if needed. */
  void add(Outbox staging, int i, Outbox out) {
    int length = staging.length(i);
    String key = staging.routingKey(i);
    if (count > 0 && (count >= maxEvents || !key.equals(routingKey) || used + length + 2 > maxBytes)) {
      close(out);
    }
    if (count == 0) {
      if (buf == null) {
        buf = spareLarge.isEmpty() ? new byte[INITIAL_BATCH_BYTES] : spareLarge.pop();
      }
      used = 0;
      ensure(length + 2);
      buf[used++] = '[';
      routingKey = key;
      op = staging.op(i);
      firstOrdinal = staging.ordinal(i);
      firstLsn = staging.lsn(i);
    } else {
      ensure(length + 2);
      buf[used++] = ',';
      if (op != staging.op(i)) {
        op = '*';
      }
    }
    System.arraycopy(staging.bodies(), staging.offset(i), buf, used, length);
    used += length;
    lastOrdinal = staging.ordinal(i);
    count++;
  }

  /** Closes the open batch, if any, as the next message of {@code out}. */
  void close(Outbox out) {
    if (count == 0) {
      return;
    }
    buf[used++] = ']'; // room reserved by add
    // Hand a big, well-filled array over; copy the rest, so ring slots never pin mostly-empty arrays.
    boolean give = used > RETAINED_BYTES && used >= buf.length / 2;
    byte[] replaced = out.addBatch(buf, used, routingKey, op, firstOrdinal, lastOrdinal, count, firstLsn, give);
    if (replaced != null) {
      buf = null;
      spare(replaced.length > RETAINED_BYTES ? spareLarge : spareSmall, replaced);
    }
    count = 0;
    used = 0;
  }

  /**
   * Message {@code i} of {@code staging} as a batch of its own, outside any open batch: a
   * non-transactional logical message, which belongs to no transaction.
   */
  void alone(Outbox staging, int i, Outbox out) {
    int length = staging.length(i);
    if (single.length < length + 2) {
      single = new byte[Math.max(length + 2, single.length * 2)];
    }
    single[0] = '[';
    System.arraycopy(staging.bodies(), staging.offset(i), single, 1, length);
    single[length + 1] = ']';
    int ordinal = staging.ordinal(i);
    out.addBatch(single, length + 2, staging.routingKey(i), staging.op(i), ordinal, ordinal, 1, staging.lsn(i), false);
  }

  private static void spare(ArrayDeque<byte[]> pool, byte[] array) {
    if (pool.size() < MAX_SPARES) {
      pool.push(array);
    }
  }

  private void ensure(int more) {
    if (used + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, used + more));
    }
  }
}
