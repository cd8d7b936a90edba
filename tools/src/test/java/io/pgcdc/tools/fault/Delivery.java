package io.pgcdc.tools.fault;

/**
 * One message as the test consumer received it from the durable queue.
 *
 * @param arrival position in the consumer's arrival order, from 0
 * @param messageId AMQP {@code message-id} ({@code <slot>/<commit LSN>/<ordinal>})
 * @param routingKey routing key the message was published with
 * @param key the row's {@code k} column ({@code -1} for messages that are not row events)
 * @param seq the row's {@code seq} column ({@code -1} for messages that are not row events)
 * @param epoch {@code pgcdc-epoch} header ({@code -1} when absent)
 * @param commitLsn {@code pgcdc-commit-lsn} header as a raw LSN (0 when absent)
 * @param redelivered the broker's redelivered flag (set when our own consumer lost an ack)
 */
public record Delivery(
    long arrival, String messageId, String routingKey, int key, int seq, long epoch, long commitLsn,
    boolean redelivered) {

  /** True for insert events of the fault table, the only messages the checks count. */
  public boolean isRow() {
    return key >= 0;
  }

  /** The row identity, {@code k} and {@code seq}, packed so maps need no key object per delivery. */
  public long row() {
    return RowId.of(key, seq);
  }
}
