package io.pgcdc.tools.fault;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.pgcdc.decoder.Lsn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The lean test consumer for one transaction of millions of rows, where {@link ChangeRecorder}'s
 * per-delivery record would be the memory problem: it keeps one bit per row and checks each
 * delivery as it arrives.
 *
 * <pre>
 *   pgcdc --publish--&gt; exchange (topic) --#--&gt; durable queue --&gt; RowCounter (auto-ack)
 *   fault_rows row event: seq from after.seq  -&gt; BitSet (first arrival) or duplicate
 *                         message-id &lt;slot&gt;/&lt;commit LSN&gt;/&lt;ordinal&gt;:
 *                           one commit LSN for every row, ordinal == seq,
 *                           first arrivals in increasing seq (statement order)
 * </pre>
 *
 * <p>The rows must be numbered {@code seq = 0 .. rows-1} in statement order by the transaction
 * (e.g. {@code INSERT ... SELECT ... FROM generate_series(0, rows - 1)}), so a row's ordinal inside
 * its transaction is its seq. Auto-ack: the broker pushes as fast as the socket allows and never
 * holds the stream (amqp-client's bounded work queue pushes back through TCP).
 *
 * <p>Threading: amqp-client's consumer thread counts; every public method is thread-safe.
 */
public final class RowCounter implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String ROW_ROUTING_KEY = "public." + RowWriter.TABLE;

  private final Connection connection;
  private final String slotPrefix;
  private final int rows;
  private final BitSet seen;
  private final DeliveryCheck.Problems ids = new DeliveryCheck.Problems("message-id");
  private final DeliveryCheck.Problems order = new DeliveryCheck.Problems("statement order");
  private final DeliveryCheck.Problems invented = new DeliveryCheck.Problems("invented");
  private String commitLsn;
  private long deliveries;
  private long rowEvents;
  private int distinct;
  private int highestFirstSeq = -1;
  private long firstRowNanos;
  private long completeNanos;

  private RowCounter(Connection connection, String slot, int rows) {
    this.connection = connection;
    this.slotPrefix = slot + "/";
    this.rows = rows;
    this.seen = new BitSet(rows);
  }

  /**
   * Declares the durable topic {@code exchange} (as pgcdc declares it) and the durable
   * {@code queue}, binds them with {@code #}, and starts counting the {@code rows} rows.
   */
  public static RowCounter start(String amqpUri, String exchange, String queue, String slot, int rows)
      throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    Connection connection = factory.newConnection("pgcdc-fault-row-counter");
    try {
      Channel channel = connection.createChannel();
      channel.exchangeDeclare(exchange, "topic", true);
      channel.queueDeclare(queue, true, false, false, Map.of());
      channel.queueBind(queue, exchange, "#");
      RowCounter counter = new RowCounter(connection, slot, rows);
      channel.basicConsume(queue, true, "fault-row-counter", counter.new Counter(channel));
      return counter;
    } catch (Exception e) {
      connection.abort();
      throw e;
    }
  }

  /** Distinct rows received so far. */
  public synchronized int distinct() {
    return distinct;
  }

  /** Row events received so far, re-sends included. */
  public synchronized long rowEvents() {
    return rowEvents;
  }

  /** Every message received so far (schema events included). */
  public synchronized long deliveries() {
    return deliveries;
  }

  /** True once every row {@code 0 .. rows-1} has arrived. */
  public synchronized boolean complete() {
    return distinct == rows;
  }

  /** The commit LSN of the first row event's message-id, or null before one arrived. */
  public synchronized String commitLsn() {
    return commitLsn;
  }

  /** {@link System#nanoTime()} when the first row event arrived; 0 before. */
  public synchronized long firstRowNanos() {
    return firstRowNanos;
  }

  /** {@link System#nanoTime()} when the last missing row arrived; 0 before. */
  public synchronized long completeNanos() {
    return completeNanos;
  }

  /**
   * One line per problem (examples and counts): rows never received, rows outside
   * {@code 0 .. rows-1}, bad or inconsistent message-ids, ordinals that are not the row's
   * position, first arrivals out of statement order. Empty when everything checked out.
   */
  public synchronized List<String> problems() {
    List<String> problems = new ArrayList<>();
    DeliveryCheck.Problems lost = new DeliveryCheck.Problems("lost");
    for (int seq = seen.nextClearBit(0); seq < rows; seq = seen.nextClearBit(seq + 1)) {
      lost.add("row seq=" + seq + " never arrived");
    }
    lost.into(problems);
    invented.into(problems);
    ids.into(problems);
    order.into(problems);
    return problems;
  }

  /** Closes the connection (the queue stays; the test bed deletes it). */
  @Override
  public void close() {
    connection.abort(5_000);
  }

  private synchronized void count(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    deliveries++;
    if (!ROW_ROUTING_KEY.equals(envelope.getRoutingKey())) {
      return; // the schema event, _schema.public.fault_rows
    }
    rowEvents++;
    int seq = seq(body);
    String id = properties.getMessageId();
    if (seq < 0 || seq >= rows) {
      invented.add("delivery #" + deliveries + " (" + id + ") carries seq " + seq + ", outside 0.." + (rows - 1));
      return;
    }
    checkId(id, seq);
    if (seen.get(seq)) {
      return; // a re-send: its id was checked above
    }
    seen.set(seq);
    distinct++;
    if (seq < highestFirstSeq) {
      order.add("seq " + seq + " first arrived (delivery #" + deliveries + ") after seq " + highestFirstSeq);
    }
    highestFirstSeq = Math.max(highestFirstSeq, seq);
    long now = System.nanoTime();
    if (firstRowNanos == 0) {
      firstRowNanos = now;
    }
    if (distinct == rows) {
      completeNanos = now;
    }
  }

  /** {@code <slot>/<commit LSN>/<ordinal>}: the transaction's one commit LSN, and ordinal == seq. */
  private void checkId(String id, int seq) {
    int lastSlash = id == null ? -1 : id.lastIndexOf('/');
    if (id == null || !id.startsWith(slotPrefix) || lastSlash <= slotPrefix.length()) {
      ids.add("seq " + seq + " has message-id " + id + ", expected " + slotPrefix + "<commit LSN>/<ordinal>");
      return;
    }
    String lsn = id.substring(slotPrefix.length(), lastSlash);
    String ordinal = id.substring(lastSlash + 1);
    if (commitLsn == null) {
      try {
        Lsn.parse(lsn);
        commitLsn = lsn;
      } catch (RuntimeException e) {
        ids.add("seq " + seq + " has message-id " + id + " whose commit LSN " + lsn + " does not parse");
        return;
      }
    }
    if (!lsn.equals(commitLsn)) {
      ids.add("seq " + seq + " has message-id " + id + ", but the transaction's commit LSN is " + commitLsn);
    }
    if (!ordinal.equals(Integer.toString(seq))) {
      ids.add("seq " + seq + " has message-id " + id + ": ordinal " + ordinal + " is not its position " + seq);
    }
  }

  /** {@code after.seq} of a row event, streamed out of the body; -1 when absent or not JSON. */
  private static int seq(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("after".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String column = p.currentName();
            p.nextToken();
            if ("seq".equals(column)) {
              return p.getIntValue();
            }
            p.skipChildren();
          }
          return -1;
        }
        p.skipChildren();
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Counts each delivery on amqp-client's consumer thread. */
  private final class Counter extends DefaultConsumer {
    Counter(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      count(envelope, properties, body);
    }
  }
}
