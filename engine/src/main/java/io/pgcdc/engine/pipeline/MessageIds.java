package io.pgcdc.engine.pipeline;

import io.pgcdc.decoder.Lsn;

/**
 * Builds message ids into a reusable {@link StringBuilder} that starts with {@code <slot>/}:
 * {@code <slot>/<commit LSN>/<ordinal>} for changes, {@code <slot>/<commit LSN>/<routing key>} for
 * schema events (negative ordinals; {@link #schemaSuffix}), {@code <slot>/<commit LSN>/<first ordinal>-<last ordinal>} for a
 * batch of events ({@code sink.rabbitmq.batch}). The journal and the publisher use it, so a replayed message
 * carries exactly the id the broker saw.
 *
 * <p>Not thread-safe: one instance per stage thread.
 */
public final class MessageIds {
  private final StringBuilder id = new StringBuilder(96);
  private final int prefixLength;

  public MessageIds(String slot) {
    id.append(slot).append('/');
    prefixLength = id.length();
  }

  /** The id of message {@code i} of {@code out}; valid until the next call. */
  public StringBuilder of(Outbox out, int i) {
    id.setLength(prefixLength);
    Lsn.appendTo(out.commitLsn(), id).append('/');
    int ordinal = out.ordinal(i);
    if (ordinal < 0) {
      return id.append(schemaSuffix(out.routingKey(i), ordinal));
    }
    id.append(ordinal);
    return out.events(i) == 0 ? id : id.append('-').append(out.lastOrdinal(i));
  }

  /**
   * The part of a schema event's id after the commit LSN: its routing key, plus {@code /<n>} for the
   * n-th schema event of a transaction ({@code ordinal = -n}, n &gt;= 2), so that a table altered
   * twice in one transaction gets two ids; the body's {@code "id"} is built from the same.
   */
  public static String schemaSuffix(String routingKey, int ordinal) {
    return ordinal == -1 ? routingKey : routingKey + "/" + -ordinal;
  }
}
