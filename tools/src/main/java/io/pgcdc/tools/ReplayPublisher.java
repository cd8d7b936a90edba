package io.pgcdc.tools;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.journal.JournalRecord;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Re-publishes journal entries exactly as pgcdc first published them: same exchange (unless
 * {@code --exchange}), routing key, message-id, content-type, header table and body bytes,
 * persistent (delivery mode 2), {@code mandatory} so an unroutable message is reported, never
 * silently dropped. Publisher confirms are awaited every {@link #BATCH} messages and at the end,
 * so when {@link #finish()} returns every message was accepted by the broker.
 *
 * <p>Threads: the command's thread publishes; amqp-client's connection thread reports returns.
 */
final class ReplayPublisher implements AutoCloseable {

  static final int BATCH = 1000;
  private static final long CONFIRM_TIMEOUT_SECONDS = 60;

  private final Connection connection;
  private final Channel channel;
  private final String exchange;
  private final AtomicLong returned = new AtomicLong();
  private final AtomicReference<String> firstReturned = new AtomicReference<>();
  private int unconfirmed;
  private long batchStartCommitLsn;
  private long confirmed;

  ReplayPublisher(Connection connection, String exchange) throws IOException {
    this.connection = connection;
    this.exchange = exchange;
    this.channel = connection.createChannel();
    try {
      channel.exchangeDeclarePassive(exchange);
    } catch (IOException e) {
      connection.abort(); // the caller never gets this publisher to close
      throw new UserException("exchange '" + exchange + "' does not exist on the broker; "
          + "start pgcdc once (it declares it) or pass --exchange NAME", e);
    }
    channel.confirmSelect();
    channel.addReturnListener(r -> {
      returned.incrementAndGet();
      firstReturned.compareAndSet(null, r.getRoutingKey() + " (" + r.getProperties().getMessageId() + ")");
    });
  }

  void publish(JournalRecord r) throws IOException {
    if (unconfirmed == 0) {
      batchStartCommitLsn = r.commitLsn();
    }
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .messageId(r.messageId().toString())
        .contentType(r.contentType().length() == 0 ? null : r.contentType().toString())
        .headers(r.headersAsMap())
        .build();
    channel.basicPublish(exchange, r.routingKey().toString(), true, properties, r.bodyCopy());
    if (++unconfirmed == BATCH) {
      awaitConfirms();
    }
  }

  /** Waits for every outstanding confirm; fails on a nack, a timeout or an unroutable message. */
  long finish() throws IOException {
    awaitConfirms();
    return confirmed;
  }

  private void awaitConfirms() throws IOException {
    if (unconfirmed == 0) {
      return;
    }
    try {
      channel.waitForConfirmsOrDie(TimeUnit.SECONDS.toMillis(CONFIRM_TIMEOUT_SECONDS));
    } catch (IOException | TimeoutException e) {
      throw notConfirmed(e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw notConfirmed("interrupted", e);
    }
    if (returned.get() > 0) {
      throw notConfirmed(returned.get() + " message(s) were unroutable, first: routing key "
          + firstReturned.get() + "; bind a queue to exchange '" + exchange + "' for them", null);
    }
    confirmed += unconfirmed;
    unconfirmed = 0;
  }

  private UserException notConfirmed(String why, Exception cause) {
    return new UserException("replay stopped: the broker did not confirm messages from commit LSN "
        + Lsn.format(batchStartCommitLsn) + " on (" + why + "); " + confirmed
        + " messages before them were confirmed; fix the cause and re-run with --from-lsn "
        + Lsn.format(batchStartCommitLsn), cause);
  }

  @Override
  public void close() {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      // closing after a failure: the failure already explains what happened
    }
    try {
      connection.close();
    } catch (IOException | RuntimeException e) {
      // same
    }
  }
}
