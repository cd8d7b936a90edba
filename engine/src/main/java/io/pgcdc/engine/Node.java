package io.pgcdc.engine;

import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.ops.PipelineMetrics;
import io.pgcdc.engine.sink.EpochExchanges;
import io.pgcdc.engine.source.ReplicationConnections;
import io.pgcdc.journal.Journal;
import io.pgcdc.ha.ClusterConfig;
import io.pgcdc.ha.ClusterNode;
import io.pgcdc.ha.LeadershipListener;
import io.pgcdc.ha.Member;
import io.pgcdc.ha.RevokeReason;
import io.pgcdc.ha.Role;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pgcdc node: owns the slot's {@link Pipeline}. Standalone it starts one pipeline at once
 * (epoch 0). In a cluster it joins leader election and runs a pipeline only while leading:
 *
 * <pre>
 *   onElected(e)   -&gt; fence: delete the exchanges of epochs [retired floor, e), create &lt;exchange&gt;.e&lt;e&gt;,
 *                     record the floor e in ZooKeeper (see {@link EpochExchanges})
 *                  -&gt; Pipeline.start(term e: publish to &lt;exchange&gt;.e&lt;e&gt; only while isLeading(e))  role LEADER
 *   onSuspended(e) -&gt; (the publish path already sees isLeading(e) == false)              role SUSPENDED
 *   onRevoked(e)   -&gt; pipeline.close()                                                   role STANDBY
 * </pre>
 *
 * <p>Threading: {@link #start}/{@link #close} on the caller's thread; leadership callbacks on the
 * cluster's event thread, one at a time; {@code pgcdc-warmup} warms a cluster member up once
 * at start (the first {@code onElected} waits for it). {@link #terminated()} completes when the node stops for
 * good: after {@link #close()}, or exceptionally when its pipeline stopped on an error. A pipeline
 * rides out broker and database outages itself; what stops it (a lost slot, an unroutable message,
 * data it cannot decode) a restart would only repeat.
 */
public final class Node implements AutoCloseable, LeadershipListener {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  private static final long RETRY_MILLIS = 5_000;
  /** Failed pipeline starts after which a leader hands leadership on (the fault may be this node's). */
  private static final int START_ATTEMPTS = 3;
  /** How often a leader whose lease lapsed looks again (renewed, or the term ends). */
  private static final long LEASE_WAIT_MILLIS = 100;

  private final PgcdcConfig config;
  private final PipelineMetrics metrics;
  private final NodeStatus status;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private ClusterNode cluster;
  /** The standby's warm-up ({@link #warmUp()}); joined before the first pipeline starts. */
  private volatile Thread warmUp;
  private volatile Pipeline pipeline;

  private Node(PgcdcConfig config, PipelineMetrics metrics, NodeStatus status) {
    this.config = config;
    this.metrics = metrics;
    this.status = status;
  }

  /** This node's id: {@code cluster.node_id}, or host-pid when standalone. */
  public static String nodeId(PgcdcConfig config) {
    return config.cluster().map(ClusterConfig::nodeId).orElseGet(() -> host() + "-" + ProcessHandle.current().pid());
  }

  /** A status object for the ops server, to be passed to {@link #start}. */
  public static NodeStatus newStatus(PgcdcConfig config) {
    return new NodeStatus(nodeId(config), config.cluster().isPresent() ? Role.STANDBY : Role.STANDALONE);
  }

  /**
   * Starts the node: standalone, the pipeline (failures are thrown); in a cluster, the election
   * (the pipeline starts when this node wins).
   */
  public static Node start(PgcdcConfig config, PipelineMetrics metrics, NodeStatus status) throws PipelineException {
    return start(config, metrics, status, null);
  }

  /**
   * As {@link #start(PgcdcConfig, PipelineMetrics, NodeStatus)}, registering {@code opsAddress}
   * (the ops server's bound address, whose port is the real one when {@code metrics.listen} asked
   * for port 0) as this member's metrics address; null registers {@code metrics.listen} as written.
   */
  public static Node start(PgcdcConfig config, PipelineMetrics metrics, NodeStatus status,
      InetSocketAddress opsAddress) throws PipelineException {
    Node node = new Node(config, metrics, status);
    if (config.cluster().isEmpty()) {
      node.run(Pipeline.start(config, metrics, Term.standalone()));
      return node;
    }
    ClusterConfig cc = config.cluster().get();
    String metricsAddress = opsAddress == null ? config.metrics().listen() : hostPort(opsAddress);
    node.cluster = new ClusterNode(cc, new Member(cc.nodeId(), host(), metricsAddress), node);
    status.leader(node.cluster::leaderId);
    node.warmUp = new Thread(node::warmUp, "pgcdc-warmup");
    node.warmUp.setDaemon(true);
    node.warmUp.start();
    node.cluster.start();
    LOG.info("node {} joined cluster {} at {}; standing by", cc.nodeId(), cc.name(), cc.zookeeper());
    return node;
  }

  private void run(Pipeline p) {
    pipeline = p;
    status.attach(p);
    status.problem(null);
    p.terminated().whenComplete((ok, failure) -> {
      if (failure != null) {
        terminated.completeExceptionally(failure);
      }
    });
  }

  /**
   * Warm standby: while waiting for an election, touch everything a new leader's pipeline start
   * needs for the first time in this JVM (the journal, a PostgreSQL connection, an AMQP
   * connection and the exchange), so that class loading, static initialisation and first
   * connections are not paid during a failover. Opens and closes each one: the pipeline opens
   * its own when it starts. Failures are only logged; the pipeline start reports them properly.
   */
  private void warmUp() {
    long started = System.nanoTime();
    try {
      Journal.open(config.journal()).close();
    } catch (RuntimeException e) {
      LOG.debug("warm-up: journal: {}", e.getMessage());
    }
    try (java.sql.Connection c = new ReplicationConnections(config.source()).sql()) {
      c.isValid(5);
    } catch (Exception e) {
      LOG.debug("warm-up: PostgreSQL: {}", e.getMessage());
    }
    try {
      EpochExchanges.probe(config.rabbitmq());
    } catch (Exception e) {
      LOG.debug("warm-up: RabbitMQ: {}", e.getMessage());
    }
    LOG.info("standby warmed up (journal, PostgreSQL, RabbitMQ) in {} ms",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * Starts the pipeline for as long as the term of {@code epoch} lives: while its lease has lapsed
   * (renewal late) it waits rather than giving up, since the term may still go on; after
   * {@value #START_ATTEMPTS} failed starts it throws, so the term ends as FAILED and another node
   * gets its turn (a fault of this node's, such as an unwritable journal, must not hold the cluster;
   * when every node fails alike, leadership goes round with a growing backoff).
   */
  @Override
  public void onElected(long epoch) {
    status.epoch(epoch);
    awaitWarmUp();
    int failures = 0;
    while (cluster.holds(epoch) && !Thread.currentThread().isInterrupted()) {
      if (!cluster.isLeading(epoch)) {
        sleep(LEASE_WAIT_MILLIS);
        continue;
      }
      try {
        fenceOlderEpochs(epoch);
        run(Pipeline.start(config, metrics, new Term(epoch, cluster::isLeading)));
        status.role(Role.LEADER);
        LOG.info("leader of epoch {}: streaming", epoch);
        return;
      } catch (PipelineException e) {
        status.problem("leader of epoch " + epoch + " cannot stream: " + e.getMessage());
        if (++failures == START_ATTEMPTS) {
          throw new LeadershipListener.Declined("leader of epoch " + epoch + " cannot stream after " + failures
              + " attempts, handing leadership on: " + e.getMessage());
        }
        LOG.error("leader of epoch {} cannot stream (retrying in {} s): {}", epoch, RETRY_MILLIS / 1000,
            e.getMessage());
        sleep(RETRY_MILLIS);
      }
    }
  }

  /**
   * Broker-side fence, before anything of {@code epoch} is published: deletes the exchanges of
   * every older epoch not yet retired, creates this epoch's, then records in ZooKeeper that
   * everything below {@code epoch} is gone (so the next leader starts from there). A failed
   * record only makes the next leader delete the same range again.
   */
  private void fenceOlderEpochs(long epoch) throws PipelineException {
    long oldestLive;
    try {
      oldestLive = cluster.retiredBelow();
    } catch (Exception e) {
      throw new PipelineException("cannot read the retired epochs from ZooKeeper: " + e.getMessage(), e);
    }
    EpochExchanges.claim(config.rabbitmq(), epoch, oldestLive, () -> cluster.isLeading(epoch));
    try {
      cluster.retireBelow(epoch);
    } catch (Exception e) {
      LOG.warn("epoch {}: could not record in ZooKeeper that older epochs are retired ({}); the next leader"
          + " deletes their exchanges again", epoch, e.getMessage());
    }
  }

  @Override
  public void onSuspended(long epoch) {
    status.role(Role.SUSPENDED);
    LOG.warn("ZooKeeper connection suspended: publishing under epoch {} stopped", epoch);
  }

  @Override
  public void onRevoked(long epoch, RevokeReason reason) {
    stopPipeline();
    status.role(Role.STANDBY);
    LOG.info("leadership of epoch {} ended ({}); standing by", epoch, reason);
  }

  private void stopPipeline() {
    Pipeline p = pipeline;
    if (p != null) {
      p.close();
      pipeline = null;
      status.attach(null);
    }
  }

  /** Completes when the node stopped for good; exceptionally with the pipeline's failure. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  @Override
  public void close() {
    if (cluster != null) {
      cluster.close();
    }
    stopPipeline();
    terminated.complete(null);
  }

  private void awaitWarmUp() {
    Thread w = warmUp;
    if (w != null) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      warmUp = null;
    }
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code host:port} of a bound address; a wildcard address names this host instead. */
  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress() == null ? address.getHostString()
        : address.getAddress().isAnyLocalAddress() ? host() : address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return ManagementFactory.getRuntimeMXBean().getName().replaceAll("^\\d+@", "");
    }
  }
}
