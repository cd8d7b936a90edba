package io.pgcdc.tools.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code pgcdc.yaml} of one node under test: its own database, slot, publication, exchange
 * and journal directory, metrics on an ephemeral port. Immutable; the {@code with*} methods copy.
 *
 * @param jdbcUrl source database
 * @param user source user (password comes from nowhere: the test servers use trust auth, and a
 *     password, if any, is passed as {@code PGPASSWORD} by {@link PgcdcNode})
 * @param slot logical slot, unique per test
 * @param publication publication, unique per test
 * @param amqpUri broker
 * @param exchange exchange, unique per test
 * @param journalDir this node's own journal directory
 * @param cluster the {@code cluster} section; empty = standalone
 * @param initialSnapshot {@code source.snapshot: initial} when true, else the default ({@code never})
 */
public record NodeConfig(
    String jdbcUrl, String user, String slot, String publication, String amqpUri, String exchange,
    Path journalDir, Optional<Cluster> cluster, boolean initialSnapshot) {

  /** A node without an initial snapshot. */
  public NodeConfig(String jdbcUrl, String user, String slot, String publication, String amqpUri, String exchange,
      Path journalDir, Optional<Cluster> cluster) {
    this(jdbcUrl, user, slot, publication, amqpUri, exchange, journalDir, cluster, false);
  }

  /**
   * A cluster member's section.
   *
   * @param name cluster name, shared by the members
   * @param zookeeper connect string (e.g. {@code TestServers.zookeeper()}; child processes reach
   *     an in-process curator-test server through its TCP port)
   * @param nodeId this member's id
   * @param sessionTimeout ZooKeeper session timeout
   */
  public record Cluster(String name, String zookeeper, String nodeId, Duration sessionTimeout) {}

  /** This config as a member of {@code cluster}, journaling into {@code journalDir}. */
  public NodeConfig withCluster(Cluster cluster, Path journalDir) {
    return new NodeConfig(jdbcUrl, user, slot, publication, amqpUri, exchange, journalDir, Optional.of(cluster),
        initialSnapshot);
  }

  /** This config with {@code source.snapshot: initial}. */
  public NodeConfig withInitialSnapshot() {
    return new NodeConfig(jdbcUrl, user, slot, publication, amqpUri, exchange, journalDir, cluster, true);
  }

  /** The YAML text {@code pgcdc run} reads. */
  public String yaml() {
    StringBuilder y = new StringBuilder()
        .append("source:\n")
        .append("  url: ").append(quote(jdbcUrl)).append('\n')
        .append("  user: ").append(quote(user)).append('\n')
        .append("  slot: ").append(slot).append('\n')
        .append("  publication: ").append(publication).append('\n')
        .append("  tables: [\"public.").append(RowWriter.TABLE).append("\"]\n")
        .append(initialSnapshot ? "  snapshot: initial\n" : "")
        .append("sink:\n")
        .append("  rabbitmq:\n")
        .append("    uri: ").append(quote(amqpUri)).append('\n')
        .append("    exchange: ").append(exchange).append('\n')
        .append("journal:\n")
        .append("  dir: ").append(quote(journalDir.toAbsolutePath().toString())).append('\n')
        .append("metrics:\n")
        .append("  listen: \"127.0.0.1:0\"\n");
    cluster.ifPresent(c -> y.append("cluster:\n")
        .append("  name: ").append(c.name()).append('\n')
        .append("  zookeeper: ").append(quote(c.zookeeper())).append('\n')
        .append("  node_id: ").append(c.nodeId()).append('\n')
        .append("  session_timeout: ").append(c.sessionTimeout().toMillis()).append("ms\n"));
    return y.toString();
  }

  /** Writes {@link #yaml()} to {@code file} and returns it. */
  public Path writeTo(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml());
    return file;
  }

  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
