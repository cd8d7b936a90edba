package io.pgcdc.engine.sink;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ExceptionHandler;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.config.PgcdcConfig;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection with one confirm-mode channel, wired to a {@link ConfirmWindow}: acks advance
 * it, nacks, returns and connection loss fail it. Declares the durable topic exchange (with its
 * alternate exchange when {@code unroutable: alternate}) on open.
 *
 * <p>Where it publishes: standalone (epoch 0) to the main exchange; in a cluster to the epoch's
 * own exchange {@code <exchange>.e<N>} ({@link EpochExchanges}), which the node created when it
 * won the epoch. On open that exchange is only checked ({@code exchange.declare passive}), never
 * created: when it is gone, a newer leader has fenced this one off, and re-creating it would undo
 * the fence. The open then fails and the publish thread keeps retrying until the term ends.
 *
 * <p>Threading: {@link #publish} on the publish thread only; listeners run on the amqp-client
 * connection thread. Automatic recovery is off: the publish thread decides when to reconnect and
 * what to re-send, so nothing is published twice behind its back or lost in a recovery gap.
 */
final class RabbitChannel implements AutoCloseable {
  private static final int HEARTBEAT_SECONDS = 10;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(RabbitChannel.class);

  private final Connection connection;
  private final Channel channel;
  private final String exchange;
  /** The broker's reason while it blocks this connection ({@code connection.blocked}), else null. */
  private final AtomicReference<String> blocked;
  /** The connection's socket, for {@link #abort()}. */
  private final Socket socket;
  private final QuietAfterAbort errors;

  private RabbitChannel(Connection connection, Channel channel, String exchange, AtomicReference<String> blocked,
      Socket socket, QuietAfterAbort errors) {
    this.connection = connection;
    this.channel = channel;
    this.exchange = exchange;
    this.blocked = blocked;
    this.socket = socket;
    this.errors = errors;
  }

  /**
   * Connects, declares the main exchange, checks the epoch's exchange (epoch &gt; 0) and enables
   * confirms.
   *
   * @param epoch 0 standalone (publish to the main exchange); the term's epoch in a cluster
   * @throws PipelineException one line naming the broker (password hidden) and what to check
   */
  static RabbitChannel open(PgcdcConfig.RabbitMq config, String connectionName, ConfirmWindow window, long epoch)
      throws PipelineException {
    Connection connection = null;
    try {
      AtomicReference<Socket> socket = new AtomicReference<>();
      QuietAfterAbort errors = new QuietAfterAbort();
      connection = connect(config, connectionName, socket, errors);
      AtomicReference<String> blocked = new AtomicReference<>();
      connection.addBlockedListener(blocked::set, () -> blocked.set(null));
      connection.addShutdownListener(cause -> {
        if (!cause.isInitiatedByApplication()) {
          window.failed("connection to RabbitMQ lost: " + cause.getMessage(), false);
        }
      });
      Channel channel = connection.createChannel();
      declare(channel, config);
      String target = epoch == 0 ? config.exchange() : EpochExchanges.name(config.exchange(), epoch);
      if (epoch != 0) {
        requireEpochExchange(channel, config, target, epoch);
      }
      channel.confirmSelect();
      channel.addConfirmListener(window::ack, window::nack);
      channel.addReturnListener(r -> window.failed(unroutable(r, config), true));
      channel.addShutdownListener(cause -> {
        if (!cause.isInitiatedByApplication()) {
          String tooLarge = overMaxMessageSize(cause);
          window.failed(tooLarge != null ? tooLarge : "channel closed by RabbitMQ: " + cause.getMessage(),
              tooLarge != null);
        }
      });
      return new RabbitChannel(connection, channel, target, blocked, socket.get(), errors);
    } catch (PipelineException e) {
      closeQuietly(connection);
      throw e;
    } catch (Exception e) {
      closeQuietly(connection);
      throw new PipelineException("cannot use RabbitMQ at " + config.redactedUri() + ": " + reason(e)
          + "; check sink.rabbitmq.uri and that the broker runs", e);
    }
  }

  /** A plain connection (no automatic recovery) to {@code sink.rabbitmq.uri}. */
  static Connection connect(PgcdcConfig.RabbitMq config, String connectionName) throws Exception {
    return connect(config, connectionName, new AtomicReference<>(), new QuietAfterAbort());
  }

  /** {@link #connect(PgcdcConfig.RabbitMq, String)}, handing out the socket (plain or TLS) it opens. */
  private static Connection connect(PgcdcConfig.RabbitMq config, String connectionName, AtomicReference<Socket> socket,
      ExceptionHandler errors) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setExceptionHandler(errors);
    factory.setUri(config.uri());
    // Keep whatever setUri configured (TCP_NODELAY; for amqps: TLS settings), then note the socket.
    factory.setSocketConfigurator(factory.getSocketConfigurator().andThen(socket::set));
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
    factory.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    return factory.newConnection(connectionName);
  }

  private static void requireEpochExchange(Channel channel, PgcdcConfig.RabbitMq config, String target, long epoch)
      throws PipelineException {
    try {
      channel.exchangeDeclarePassive(target);
    } catch (IOException e) {
      throw new PipelineException("exchange '" + target + "' of epoch " + epoch + " is gone on "
          + config.redactedUri() + ": a newer leader has fenced this node off (or it was deleted by hand);"
          + " publishing under epoch " + epoch + " is over", e);
    }
  }

  /** Declares the main exchange (and its alternate exchange when {@code unroutable: alternate}). */
  static void declare(Channel channel, PgcdcConfig.RabbitMq config) throws PipelineException {
    Map<String, Object> arguments = Map.of();
    try {
      if (config.unroutable() == PgcdcConfig.RabbitMq.Unroutable.ALTERNATE) {
        String alternate = config.alternateExchange().orElseThrow();
        channel.exchangeDeclare(alternate, BuiltinExchangeType.FANOUT, true);
        arguments = Map.of("alternate-exchange", alternate);
      }
      channel.exchangeDeclare(config.exchange(), BuiltinExchangeType.TOPIC, true, false, arguments);
    } catch (IOException e) {
      throw new PipelineException("cannot declare exchange '" + config.exchange() + "'"
          + (arguments.isEmpty() ? "" : " with alternate-exchange=" + arguments.get("alternate-exchange"))
          + " on " + config.redactedUri() + ": " + reason(e)
          + "; an existing exchange must be a durable topic exchange with the same arguments (delete it or rename"
          + " sink.rabbitmq.exchange)", e);
    }
  }

  /**
   * The broker's refusal of a message over its {@code max_message_size} (a channel closed with 406
   * "message size N is larger than configured max size M"), as the line that stops the pipeline; null
   * for any other channel close. Re-sending cannot succeed until the broker's limit is raised, which
   * takes a broker restart, so this is fatal instead of a reconnect loop re-sending the same message.
   */
  static String overMaxMessageSize(ShutdownSignalException cause) {
    if (cause.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.PRECONDITION_FAILED
        && close.getReplyText().contains("larger than configured max size")) {
      return "RabbitMQ refused a message: " + close.getReplyText() + "; raise max_message_size in rabbitmq.conf"
          + " (pgcdc sends at most 16 MiB), restart the broker, then pgcdc."
          + " Nothing from that message on was confirmed to PostgreSQL";
    }
    return null;
  }

  private static String unroutable(Return r, PgcdcConfig.RabbitMq config) {
    // r.getExchange() is the epoch's exchange in a cluster; queues are bound to the main one.
    String where = config.unroutable() == PgcdcConfig.RabbitMq.Unroutable.ALTERNATE
        ? "neither exchange '" + config.exchange() + "' nor its alternate exchange '"
            + config.alternateExchange().orElse("") + "' routes it"
        : "no queue is bound to exchange '" + config.exchange() + "' for it";
    return "message " + r.getProperties().getMessageId() + " with routing key '" + r.getRoutingKey()
        + "' is unroutable (" + r.getReplyText() + "): " + where + "; its LSN was not confirmed to PostgreSQL."
        + " Bind a queue that matches it, or set sink.rabbitmq.unroutable=alternate with"
        + " sink.rabbitmq.alternate_exchange, then restart pgcdc";
  }

  /**
   * {@code basic.publish} with {@code mandatory} set. Publish thread. The body's bytes (position to
   * limit) must stay unchanged until the message is confirmed: amqp-client writes them from the
   * buffer without copying.
   */
  void publish(String routingKey, AMQP.BasicProperties properties, ByteBuffer body) throws IOException {
    channel.basicPublish(exchange, routingKey, true, false, properties, body, null);
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  /**
   * Waits up to {@code millis} for the broker to ack or nack every message published on this
   * channel. After a nack the broker still answers for the messages behind it; closing at once
   * would leave some of them stored but unacked, and a re-send would duplicate them. Returns at once
   * on a channel that is already closed.
   */
  void settle(long millis) {
    try {
      channel.waitForConfirms(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
      // Closed, or the broker is slow to answer: what stays unanswered is re-sent.
    }
  }

  /**
   * Why the broker blocks publishing on this connection (a memory or disk alarm: it stops reading
   * from publishers, so a write waits in the socket), or null. Any thread.
   */
  String blocked() {
    return blocked.get();
  }

  /**
   * Closes the socket under the connection, which fails a publish waiting in a socket write to a
   * broker that blocked the connection. Not {@code Connection.abort}: it first writes a close frame,
   * and waits for the stream that very write holds. Any thread.
   */
  void abort() {
    errors.aborted = true;
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is all that was wanted; the connection's shutdown reports the rest.
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null && connection.isOpen()) {
      try {
        connection.close(CONNECT_TIMEOUT_MILLIS);
      } catch (IOException | RuntimeException e) {
        connection.abort(CONNECT_TIMEOUT_MILLIS);
      }
    }
  }

  /** The first message along the cause chain (amqp-client often wraps the broker's reason). */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  /**
   * amqp-client's own handler, except that once {@link #abort()} closed the socket the reader
   * thread's "Socket closed" is expected, not an "unexpected connection driver error" worth a WARN.
   */
  private static final class QuietAfterAbort extends DefaultExceptionHandler {
    volatile boolean aborted;

    @Override
    public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
      if (aborted) {
        LOG.debug("RabbitMQ connection closed under a blocked publish at stop: {}", exception.toString());
      } else {
        super.handleUnexpectedConnectionDriverException(connection, exception);
      }
    }
  }
}
