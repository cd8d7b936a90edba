package io.pgcdc.engine.sink;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.config.PgcdcConfig;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-side fencing of cluster epochs: the leader of epoch {@code N} publishes to its own
 * exchange {@code <exchange>.e<N>}, bound to the main exchange, and a new leader deletes the
 * exchanges of every older epoch before it publishes anything.
 *
 * <pre>
 *   leader of epoch 7 --publish--&gt; pgcdc.e7 (fanout, durable) --e2e binding '#'--&gt; pgcdc (topic) --&gt; queues
 *   stale leader of 6 --publish--&gt; pgcdc.e6: deleted by the leader of 7 --&gt; 404, channel closed, not routed
 * </pre>
 *
 * <p>Why: the client-side lease check runs before each {@code basic.publish}, but frames a
 * process wrote to its socket just before it froze (GC, SIGSTOP) reach the broker when it runs
 * again, possibly after the new leader's first messages. With its exchange gone, the broker
 * refuses them instead of routing them. Messages routed before the deletion completed were
 * routed before the new leader's first publish, so no consumer sees an older epoch after a
 * newer one.
 *
 * <p>The epoch exchange is a fanout (routing on it is free; the main topic exchange routes by
 * key), durable (it survives a broker restart while its leader still leads) and not auto-delete
 * (an auto-delete exchange vanishes when its last binding goes, which is not ours to decide).
 * Mandatory returns and the main exchange's {@code alternate-exchange} work through the
 * exchange-to-exchange binding: RabbitMQ resolves the whole exchange graph to the final set of
 * queues, uses an exchange's alternate when that exchange itself routes nowhere, and returns a
 * mandatory message when the final set is empty (RabbitMQ 3.10, {@code EpochExchangesIT}).
 *
 * <p>Which exchanges to delete: those of the epochs in {@code [oldestLive, N)}, where
 * {@code oldestLive} is the cluster's fencing floor kept in ZooKeeper
 * ({@code io.pgcdc.ha.RetiredEpochs}); deleting a missing exchange succeeds, so epochs whose
 * leader never reached the broker cost one round trip each (at most {@link #MAX_DELETES}).
 *
 * <p>Threading: {@link #claim} runs on the node's leadership thread before the pipeline starts;
 * it opens and closes its own connection.
 */
public final class EpochExchanges {
  private static final Logger LOG = LoggerFactory.getLogger(EpochExchanges.class);
  /** Bound to the range of older epochs deleted at one claim (each delete is one round trip). */
  static final long MAX_DELETES = 10_000;

  private EpochExchanges() {}

  /** {@code <exchange>.e<epoch>}: where the leader of {@code epoch} publishes. */
  public static String name(String exchange, long epoch) {
    return exchange + ".e" + epoch;
  }

  /**
   * Fences off older epochs and prepares this one's exchange: declares the main exchange,
   * deletes the exchanges of epochs {@code oldestLive .. epoch-1}, then declares
   * {@code <exchange>.e<epoch>} and binds it to the main exchange with {@code #}. A node that is
   * no longer leading when it is about to create (or has just created) its exchange deletes it
   * again and fails: a frozen leader must not re-create what a newer one removed.
   *
   * @param oldestLive the fencing floor: epochs below it were deleted by an earlier leader
   * @param stillLeading the leadership check ({@code isLeading(epoch)})
   * @return how many older epochs' exchanges were deleted (or found missing)
   * @throws PipelineException one line naming the broker and what failed
   */
  public static long claim(PgcdcConfig.RabbitMq config, long epoch, long oldestLive, BooleanSupplier stillLeading)
      throws PipelineException {
    if (epoch <= 0) {
      throw new IllegalArgumentException("epoch " + epoch + ": only cluster epochs (>= 1) have an exchange");
    }
    String own = name(config.exchange(), epoch);
    long first = Math.max(Math.max(1, oldestLive), epoch - MAX_DELETES);
    if (first > Math.max(1, oldestLive)) {
      LOG.warn("epoch {}: {} older epochs were never retired; deleting only the exchanges of the last {}", epoch,
          epoch - Math.max(1, oldestLive), MAX_DELETES);
    }
    Connection connection;
    try {
      connection = RabbitChannel.connect(config, "pgcdc epoch " + epoch);
    } catch (Exception e) {
      throw new PipelineException("cannot use RabbitMQ at " + config.redactedUri() + ": "
          + RabbitChannel.reason(e) + "; check sink.rabbitmq.uri and that the broker runs", e);
    }
    try (connection) {
      Channel channel = connection.createChannel();
      RabbitChannel.declare(channel, config);
      for (long e = first; e < epoch; e++) {
        channel.exchangeDelete(name(config.exchange(), e));
      }
      if (!stillLeading.getAsBoolean()) {
        throw notLeading(epoch);
      }
      channel.exchangeDeclare(own, BuiltinExchangeType.FANOUT, true, false, false, Map.of());
      channel.exchangeBind(config.exchange(), own, "#");
      if (!stillLeading.getAsBoolean()) {
        // Frozen between the check and the declare: a newer leader may have deleted it already.
        channel.exchangeDelete(own);
        throw notLeading(epoch);
      }
      LOG.info("epoch {}: publishing through exchange {} (bound to {}){}", epoch, own, config.exchange(),
          first < epoch ? "; exchanges of epochs " + first + ".." + (epoch - 1) + " deleted" : "");
      return epoch - first;
    } catch (IOException | RuntimeException e) {
      throw new PipelineException("cannot prepare exchange '" + own + "' on " + config.redactedUri() + ": "
          + RabbitChannel.reason(e) + "; pgcdc needs the configure permission on '" + config.exchange() + ".e*'", e);
    }
  }

  /**
   * Connects, declares the main exchange and disconnects: a standby's warm-up, so that the
   * AMQP client is loaded and the broker known to answer before this node may have to lead.
   */
  public static void probe(PgcdcConfig.RabbitMq config) throws Exception {
    try (Connection connection = RabbitChannel.connect(config, "pgcdc standby warm-up")) {
      RabbitChannel.declare(connection.createChannel(), config);
    }
  }

  private static PipelineException notLeading(long epoch) {
    return new PipelineException("no longer the leader of epoch " + epoch + ": not publishing under it");
  }
}
