package io.pgcdc.tools.check;

import static io.pgcdc.engine.preflight.CheckResult.fail;
import static io.pgcdc.engine.preflight.CheckResult.ok;

import io.pgcdc.engine.preflight.CheckResult;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.tools.Connections;
import io.pgcdc.tools.UserException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Preflight of the RabbitMQ sink: the broker answers, accepts the credentials of
 * {@code sink.rabbitmq.uri}, and the user may declare the exchange(s) pgcdc publishes to.
 * An exchange that does not exist yet is declared and deleted again, which proves the
 * {@code configure} permission and leaves the broker as it was.
 *
 * <p>Single-threaded.
 */
public final class SinkPreflight {
  private static final int NOT_FOUND = 404;
  private static final int ACCESS_REFUSED = 403;

  private final PgcdcConfig.RabbitMq sink;

  public SinkPreflight(PgcdcConfig.RabbitMq sink) {
    this.sink = sink;
  }

  public List<CheckResult> run() {
    List<CheckResult> results = new ArrayList<>();
    try (Connection connection = Connections.rabbitmq(sink, "pgcdc-check")) {
      Object version = connection.getServerProperties().get("version");
      results.add(ok("RabbitMQ " + version + " at " + connection.getAddress().getHostAddress() + ":" + connection.getPort()
          + " accepts the credentials of sink.rabbitmq.uri"));
      results.add(exchange(connection, sink.exchange(), "sink.rabbitmq.exchange"));
      sink.alternateExchange().ifPresent(a -> results.add(exchange(connection, a, "sink.rabbitmq.alternate_exchange")));
    } catch (UserException e) {
      int split = e.getMessage().lastIndexOf("; ");
      results.add(split < 0 ? fail(e.getMessage(), "check sink.rabbitmq.uri")
          : fail(e.getMessage().substring(0, split), e.getMessage().substring(split + 2)));
    } catch (IOException e) {
      results.add(fail("RabbitMQ connection failed: " + e.getMessage(), "check the broker log"));
    }
    return results;
  }

  private static CheckResult exchange(Connection connection, String name, String key) {
    try {
      if (exists(connection, name)) {
        return ok("exchange " + name + " exists");
      }
      try (Channel channel = connection.createChannel()) {
        channel.exchangeDeclare(name, BuiltinExchangeType.TOPIC, true);
        channel.exchangeDelete(name);
      }
      return ok("exchange " + name + " does not exist yet; the user may declare it (pgcdc does at start)");
    } catch (IOException | TimeoutException e) {
      if (replyCode(e) == ACCESS_REFUSED) {
        return fail("the RabbitMQ user may not declare exchange " + name + " (" + key + ")",
            "rabbitmqctl set_permissions -p <vhost> <user> '.*' '.*' '.*', or declare it as an administrator");
      }
      return fail("exchange " + name + " (" + key + "): " + e.getMessage(), "check the broker log");
    }
  }

  /** Passive declare: true when it exists; a 404 closes only that channel. */
  private static boolean exists(Connection connection, String name) throws IOException, TimeoutException {
    Channel channel = connection.createChannel();
    try {
      channel.exchangeDeclarePassive(name);
      channel.close();
      return true;
    } catch (IOException e) {
      if (replyCode(e) == NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private static int replyCode(Exception e) {
    Throwable cause = e instanceof ShutdownSignalException ? e : e.getCause();
    if (cause instanceof ShutdownSignalException) {
      Object reason = ((ShutdownSignalException) cause).getReason();
      if (reason instanceof AMQP.Channel.Close) {
        return ((AMQP.Channel.Close) reason).getReplyCode();
      }
      if (reason instanceof AMQP.Connection.Close) {
        return ((AMQP.Connection.Close) reason).getReplyCode();
      }
    }
    return 0;
  }
}
