package io.pgcdc.engine.encode;

import io.pgcdc.engine.pipeline.Outbox;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 *   open batch  [{...},{...},{...}      (working array owned by this class)
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
 * <p>Memory: the open batch is written into a working array of exactly {@code maxBytes} (the
 * most a batch holds, unless one event alone is bigger), so a batch never grows by copying. At
 * close, a batch of at least half that size is handed to the ring event as it is (no copy); a
 * smaller one above {@link #RETAINED_BYTES} is copied into a power-of-two array of less than twice
 * its size, which is handed over instead; a batch up to {@link #RETAINED_BYTES} is copied into the
 * ring outbox's own array. So a ring slot never pins more than about twice the bytes it holds (an
 * idle slot at most {@link #RETAINED_BYTES}). The ring event's previous array comes back in
 * exchange, and {@link #reclaim} takes big arrays back when the encode stage reuses a slot (after
 * it was journaled, confirmed and released); each array returns to a pool of its size, so once the
 * pools hold what one lap of the ring keeps in flight nothing is allocated per event or per batch.
 * (Until session 4 each batch started in a 16 KiB array doubled up to {@code maxBytes}, and copied
 * batches grew the ring outbox by doubling: ~1 MiB humongous arrays allocated continuously, which
 * kept G1's concurrent marking busy; perf/README.md, "Batched drain".) The pools keep at most
 * {@link #MAX_SPARE_BYTES}; beyond that arrays are left to the GC.
 *
 * <p>Threading: encode thread only.
 */
final class BatchWriter {
  /**
   * Ring outbox arrays above this are taken back when their slot is reused, so the ring's idle
   * footprint stays at most this much per slot (16 384 slots in batched mode: 64 MB).
   */
  static final int RETAINED_BYTES = 4 << 10;
  /** Bytes the pools of big arrays keep at most: several ring laps of 1 MiB batches. */
  static final long MAX_SPARE_BYTES = 64L << 20;
  /** Small arrays (taken out of ring outboxes in exchange for a batch) kept for reuse. */
  private static final int MAX_SMALL_SPARES = 256;
  private static final int SMALL_BYTES = 1024;
  /** Largest power-of-two size class of copied batches (8 MiB, the largest batch_max_bytes); the smallest is 8 KiB. */
  private static final int MAX_CLASS = 23;

  private final int maxEvents;
  private final int maxBytes;
  /** Working arrays of exactly {@link #maxBytes}. */
  private final ArrayDeque<byte[]> spareFull = new ArrayDeque<>();
  /** {@code spareClass[k]}: arrays of exactly {@code 1 << k} bytes. */
  private final List<ArrayDeque<byte[]>> spareClass = new ArrayList<>();
  private final ArrayDeque<byte[]> spareSmall = new ArrayDeque<>();
  private long spareBytes;
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
    for (int k = 0; k <= MAX_CLASS; k++) {
      spareClass.add(new ArrayDeque<>());
    }
  }

  /** Gives an emptied ring outbox a small array again when it still holds a big one handed over earlier. */
  void reclaim(Outbox out) {
    if (out.bodies().length > RETAINED_BYTES) {
      byte[] small = spareSmall.poll();
      spare(out.replaceBodies(small != null ? small : new byte[SMALL_BYTES]));
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
        buf = take(spareFull, maxBytes);
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
    byte[] body = buf;
    boolean give = used > RETAINED_BYTES;
    if (give && used < buf.length / 2 && used <= 1 << MAX_CLASS) {
      // Hand over a copy of less than twice its size, keep the working array: slots never pin mostly-empty arrays.
      // (Only a working array grown for an oversized event can hold more than the largest class; it goes as it is.)
      int k = 32 - Integer.numberOfLeadingZeros(used - 1);
      body = take(spareClass.get(k), 1 << k);
      System.arraycopy(buf, 0, body, 0, used);
    }
    byte[] replaced = out.addBatch(body, used, routingKey, op, firstOrdinal, lastOrdinal, count, firstLsn, give);
    if (replaced != null) {
      if (body == buf) {
        buf = null;
      }
      spare(replaced);
    } else if (body != buf) {
      spare(body); // the ring outbox was not empty and copied it
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

  /** An array of exactly {@code length} bytes from {@code pool}, or a new one. */
  private byte[] take(ArrayDeque<byte[]> pool, int length) {
    byte[] array = pool.poll();
    if (array == null) {
      return new byte[length];
    }
    spareBytes -= array.length;
    return array;
  }

  /** Keeps {@code array} in the pool of its size, when it has one and the pools have room. */
  private void spare(byte[] array) {
    int length = array.length;
    ArrayDeque<byte[]> pool;
    if (length == maxBytes) {
      pool = spareFull;
    } else if (length <= RETAINED_BYTES) {
      if (spareSmall.size() < MAX_SMALL_SPARES) {
        spareSmall.push(array);
      }
      return;
    } else if (Integer.bitCount(length) == 1 && length <= 1 << MAX_CLASS) {
      pool = spareClass.get(Integer.numberOfTrailingZeros(length));
    } else {
      return; // grown for one oversized event: let it go
    }
    if (spareBytes + length <= MAX_SPARE_BYTES) {
      pool.push(array);
      spareBytes += length;
    }
  }

  private void ensure(int more) {
    if (used + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, used + more));
    }
  }
}
