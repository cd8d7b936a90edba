package io.pgcdc.tools.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.pgcdc.decoder.Lsn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The test consumer: a durable queue bound to pgcdc's exchange with {@code #}, consumed with
 * manual acks, recording every delivery ({@link Delivery}) in arrival order.
 *
 * <pre>
 *   pgcdc --publish--> exchange (topic) --#--> durable queue --> ChangeRecorder --> deliveries
 * </pre>
 *
 * <p>The queue is durable and the messages persistent, so whatever the broker confirmed to pgcdc
 * survives a broker restart and reaches this consumer; the connection recovers by itself
 * (amqp-client automatic recovery) after {@code stop_app}/{@code start_app}. A delivery is acked
 * after it is recorded, so nothing is recorded twice unless the broker redelivers it.
 *
 * <p>Threading: amqp-client's consumer thread records; every public method is thread-safe.
 */
public final class ChangeRecorder implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PREFETCH = 500;

  private final Connection connection;
  private final Channel channel;
  private final String queue;
  private final List<Delivery> deliveries = new ArrayList<>();
  private volatile long lastArrivalNanos = System.nanoTime();

  private ChangeRecorder(Connection connection, Channel channel, String queue) {
    this.connection = connection;
    this.channel = channel;
    this.queue = queue;
  }

  /**
   * Declares the durable topic {@code exchange} (as pgcdc declares it) and the durable
   * {@code queue}, binds them with {@code #}, and starts consuming.
   */
  public static ChangeRecorder start(String amqpUri, String exchange, String queue) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(500);
    Connection connection = factory.newConnection("pgcdc-fault-recorder");
    Channel channel = connection.createChannel();
    channel.exchangeDeclare(exchange, "topic", true);
    channel.queueDeclare(queue, true, false, false, Map.of());
    channel.queueBind(queue, exchange, "#");
    channel.basicQos(PREFETCH);
    ChangeRecorder recorder = new ChangeRecorder(connection, channel, queue);
    channel.basicConsume(queue, false, "fault-recorder", recorder.new Recorder(channel));
    return recorder;
  }

  /** Every delivery so far, in arrival order (a copy). */
  public synchronized List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** Row events received so far, duplicates included. */
  public synchronized int rowEvents() {
    int n = 0;
    for (Delivery d : deliveries) {
      n += d.isRow() ? 1 : 0;
    }
    return n;
  }

  /** The distinct rows received so far ({@link RowId} packed). */
  public synchronized Set<Long> receivedRows() {
    Set<Long> rows = new HashSet<>();
    for (Delivery d : deliveries) {
      if (d.isRow()) {
        rows.add(d.row());
      }
    }
    return rows;
  }

  /**
   * True when the queue has no ready messages and nothing arrived for {@code quietMillis}: what
   * the broker holds has been recorded. Use with Awaitility.
   */
  public boolean isDrained(long quietMillis) {
    if (System.nanoTime() - lastArrivalNanos < quietMillis * 1_000_000L) {
      return false;
    }
    return channel.isOpen() && queueDepth() == 0; // -1 while the broker is still recovering
  }

  /** Closes the connection (the queue stays; the test bed deletes it). */
  @Override
  public void close() throws IOException {
    connection.abort(5_000);
  }

  private synchronized void record(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    int key = -1;
    int seq = -1;
    if (envelope.getRoutingKey().endsWith("." + RowWriter.TABLE)) {
      JsonNode after = parse(body).path("after");
      key = after.path("k").asInt(-1);
      seq = after.path("seq").asInt(-1);
    }
    Object epoch = headers.get("pgcdc-epoch");
    deliveries.add(new Delivery(deliveries.size(), properties.getMessageId(), envelope.getRoutingKey(), key, seq,
        epoch instanceof Number n ? n.longValue() : -1, commitLsn(headers.get("pgcdc-commit-lsn")),
        envelope.isRedeliver()));
    lastArrivalNanos = System.nanoTime();
  }

  /** The header as a raw LSN; 0 when absent or malformed (the id check reports such messages). */
  private static long commitLsn(Object header) {
    try {
      return header == null ? 0 : Lsn.parse(header.toString());
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Ready messages in the queue, or -1 while the broker does not answer. */
  public long queueDepth() {
    try {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A body that is not JSON records as a non-row delivery, so the row shows up as lost. */
  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  /** Records, then acks, each delivery on amqp-client's consumer thread. */
  private final class Recorder extends DefaultConsumer {
    Recorder(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
        throws IOException {
      record(envelope, properties, body);
      getChannel().basicAck(envelope.getDeliveryTag(), false);
    }
  }
}
