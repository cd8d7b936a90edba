package io.pgcdc.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.pgcdc.engine.config.ConfigException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.config.Units;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgcdc tail}: a debugging consumer. Binds a temporary queue to the exchange and prints
 * every message as one JSON line on stdout:
 *
 * <pre>
 * {"routing_key":"public.users","message_id":"pgcdc_slot/0/16B37A0/0",
 *  "headers":{"pgcdc-lsn":"0/16B3748","pgcdc-commit-lsn":"0/16B37A0","pgcdc-xid":745,"pgcdc-op":"U","pgcdc-epoch":0},
 *  "body":{...the event...}}
 * </pre>
 *
 * <p>The queue is server-named, exclusive and auto-delete: it sees only what is published after
 * tail started, and disappears with tail's connection, so tail never takes messages from real
 * consumers. One status line on stderr says when the queue is bound (scripts wait for it).
 *
 * <p>Threads: amqp-client's consumer thread hands deliveries through a queue bounded by the
 * prefetch to the command's thread, which prints and acks them.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print events from RabbitMQ, one JSON object per line (a debugging consumer).")
public final class TailCommand implements Callable<Integer> {
  private static final int PREFETCH = 256;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_TIMEOUT = Duration.ofDays(365);
  private static final JsonFactory LINES = JSON.getFactory();

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOption config;

  @Option(names = "--exchange", paramLabel = "NAME",
      description = "Exchange to bind to (default: sink.rabbitmq.exchange of the configuration, pgcdc).")
  String exchange;

  @Option(names = "--binding", paramLabel = "PATTERN", defaultValue = "#",
      description = "Topic binding pattern, repeatable, e.g. 'public.users' or '_schema.#' (default: ${DEFAULT-VALUE}).")
  List<String> bindings;

  @Option(names = "--count", paramLabel = "N", description = "Exit after N messages.")
  Integer count;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "With --count: fail when N messages have not arrived within DURATION (e.g. 30s).")
  String timeout;

  @Override
  public Integer call() throws Exception {
    Duration limit = validate();
    PgcdcConfig.RabbitMq sink = sinkConfig();
    String source = exchange == null ? sink.exchange() : exchange;
    try (Connection connection = Connections.rabbitmq(sink, "pgcdc-tail")) {
      Channel channel = connection.createChannel();
      requireExchange(connection, source, sink);
      String queue = channel.queueDeclare().getQueue();
      for (String binding : bindings) {
        channel.queueBind(queue, source, binding);
      }
      channel.basicQos(PREFETCH);
      BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
      channel.basicConsume(queue, false, "pgcdc-tail", new Inbox(channel, inbox));
      PrintWriter err = spec.commandLine().getErr();
      err.println("pgcdc tail: queue " + queue + " bound to exchange '" + source + "' with " + bindings
          + (count == null ? "; Ctrl-C stops" : "; exits after " + count + " messages"));
      err.flush();
      return print(channel, inbox, limit);
    }
  }

  private Duration validate() {
    if (count != null && count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
    }
    if (timeout == null) {
      return null;
    }
    if (count == null) {
      throw new ParameterException(spec.commandLine(), "--timeout needs --count (the number of messages to wait for)");
    }
    Duration limit;
    try {
      limit = Units.parseDuration(timeout);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--timeout=" + timeout + ": " + e.getMessage());
    }
    if (limit.compareTo(MAX_TIMEOUT) > 0) { // beyond ~292 years the deadline in nanoseconds overflows
      throw new ParameterException(spec.commandLine(), "--timeout=" + timeout + ": must be at most 365d");
    }
    return limit;
  }

  /**
   * The sink section of the configuration. tail never talks to PostgreSQL, so a configuration
   * without any source (no {@code source.url}, no {@code PGHOST}...) is no error here: libpq's
   * default host stands in for it.
   */
  private PgcdcConfig.RabbitMq sinkConfig() throws ConfigException {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("PGHOST", "localhost");
    PgcdcConfig loaded = config.file() == null ? PgcdcConfig.fromEnvironment(env) : PgcdcConfig.load(config.file(), env);
    return loaded.rabbitmq();
  }

  /** A passive declare on its own channel: a missing exchange closes the channel it was asked on. */
  private static void requireExchange(Connection connection, String exchange, PgcdcConfig.RabbitMq sink)
      throws IOException {
    try (Channel probe = connection.createChannel()) {
      probe.exchangeDeclarePassive(exchange);
    } catch (IOException e) {
      throw new UserException("exchange '" + exchange + "' does not exist on RabbitMQ at "
          + Connections.hostPort(sink.uri()) + "; start 'pgcdc run' (it declares it) or name another with --exchange", e);
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** Prints until {@code count} messages (forever without it); returns the exit code. */
  private int print(Channel channel, BlockingQueue<Message> inbox, Duration limit)
      throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
    int printed = 0;
    while (count == null || printed < count) {
      long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
      Message message = inbox.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
      if (message == null) {
        throw new UserException("received " + printed + " of " + count + " messages within " + timeout
            + "; is 'pgcdc run' streaming into this exchange, and do --binding patterns match?");
      }
      if (message.lost() != null) {
        throw new UserException("lost the connection to RabbitMQ: " + message.lost().getMessage()
            + "; run tail again when the broker is back");
      }
      out.println(line(message));
      out.flush();
      channel.basicAck(message.envelope().getDeliveryTag(), false);
      printed++;
    }
    return 0;
  }

  /** One message as one JSON line: routing key, message-id, headers, body (embedded when it is JSON). */
  static String line(Message message) throws IOException {
    StringWriter text = new StringWriter(256 + message.body().length);
    try (JsonGenerator json = LINES.createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("routing_key", message.envelope().getRoutingKey());
      json.writeStringField("message_id", message.properties().getMessageId());
      Map<String, Object> headers = message.properties().getHeaders();
      if (headers != null && !headers.isEmpty()) {
        json.writeObjectFieldStart("headers");
        for (Map.Entry<String, Object> header : headers.entrySet()) {
          json.writeFieldName(header.getKey());
          writeHeader(json, header.getValue());
        }
        json.writeEndObject();
      }
      json.writeFieldName("body");
      byte[] body = message.body();
      if (!RecordJson.isJson(body, 0, body.length)) {
        json.writeString(new String(body, StandardCharsets.UTF_8));
      } else if (oneLine(body)) {
        // Its own bytes: a re-rendering would turn numeric's digits into a double's.
        json.writeRawValue(new String(body, StandardCharsets.UTF_8));
      } else {
        // Pretty-printed JSON from elsewhere (pgcdc's bodies are one line): re-rendered to keep one
        // line, the only case that builds a tree.
        json.writeTree(JSON.readTree(body));
      }
      json.writeEndObject();
    }
    return text.toString();
  }

  private static void writeHeader(JsonGenerator json, Object value) throws IOException {
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Number) {
      json.writeNumber(value.toString());
    } else if (value instanceof Boolean) {
      json.writeBoolean((Boolean) value);
    } else {
      json.writeString(String.valueOf(value)); // LongString and everything else: its text
    }
  }

  /** No CR or LF: inside JSON strings they are escaped, so any would be layout. */
  private static boolean oneLine(byte[] body) {
    for (byte b : body) {
      if (b == '\n' || b == '\r') {
        return false;
      }
    }
    return true;
  }

  /** A delivery, or ({@code lost} set) the end of the connection. */
  record Message(Envelope envelope, AMQP.BasicProperties properties, byte[] body, ShutdownSignalException lost) {}

  /** amqp-client's consumer thread: hands deliveries to the printing thread. */
  private static final class Inbox extends DefaultConsumer {
    private final BlockingQueue<Message> inbox;

    Inbox(Channel channel, BlockingQueue<Message> inbox) {
      super(channel);
      this.inbox = inbox;
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      inbox.add(new Message(envelope, properties, body, null));
    }

    @Override
    public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
      if (!signal.isInitiatedByApplication()) {
        inbox.add(new Message(null, null, null, signal));
      }
    }
  }
}
