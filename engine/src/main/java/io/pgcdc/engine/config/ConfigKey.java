package io.pgcdc.engine.config;

import java.util.Locale;

/**
 * Every configuration key pgcdc knows, in documentation order. The YAML path is snake_case and
 * dotted by section; {@link #envName()} is the environment variable that overrides it
 * ({@code source.url} -> {@code PGCDC_SOURCE_URL}). Unknown YAML keys are rejected against this
 * table, with the nearest entry as a suggestion.
 */
public enum ConfigKey {
  SOURCE_URL("source.url", "from PGHOST/PGPORT/PGDATABASE", "jdbc:postgresql://host[:port]/database[?params]",
      "the database to stream from"),
  SOURCE_USER("source.user", "PGUSER, else postgres", "non-blank", "role with REPLICATION (or superuser)"),
  SOURCE_PASSWORD("source.password", "PGPASSWORD, else empty", "any; never printed", "password of source.user"),
  SOURCE_SLOT("source.slot", "pgcdc_slot", "[a-z0-9_]{1,63}", "logical replication slot (plugin pgoutput)"),
  SOURCE_PUBLICATION("source.publication", "pgcdc_pub", "[A-Za-z_][A-Za-z0-9_]{0,62}", "publication the slot streams"),
  SOURCE_TABLES("source.tables", "[public.*]", "list of schema.table; * matches any name",
      "tables in the publication"),
  SOURCE_CREATE("source.create", "true", "true|false",
      "create slot and publication when absent, align an existing publication at start; false: use them as they are"),
  SOURCE_PUBLISH_VIA_PARTITION_ROOT("source.publish_via_partition_root", "false", "true|false",
      "publish a partitioned table's rows under its own name instead of its partitions' (TRUNCATE of one partition"
          + " is then not published)"),
  SOURCE_SNAPSHOT("source.snapshot", "never", "never|initial",
      "initial: when pgcdc creates the slot, publish every row the published tables hold (op R) before the"
          + " first change; a start that does not finish it leaves no slot, so the next start snapshots again"),
  SOURCE_STATUS_INTERVAL("source.status_interval", "1s", "100ms..30s",
      "keepalive interval of standby status updates; a moved flushed LSN is reported within 50 ms"),
  RABBITMQ_URI("sink.rabbitmq.uri", "amqp://guest:guest@127.0.0.1:5672", "amqp[s]://user:password@host:port[/vhost]",
      "broker; the password in it is never printed"),
  RABBITMQ_EXCHANGE("sink.rabbitmq.exchange", "pgcdc", "1-255 characters, not amq.*", "durable topic exchange"),
  RABBITMQ_ROUTING_KEY("sink.rabbitmq.routing_key", "{schema}.{table}", "text with {schema} {table} {op}",
      "routing key template"),
  RABBITMQ_UNROUTABLE("sink.rabbitmq.unroutable", "stop", "stop|alternate",
      "what happens to a message no queue is bound for"),
  RABBITMQ_ALTERNATE_EXCHANGE("sink.rabbitmq.alternate_exchange", "(none)", "required when unroutable=alternate",
      "exchange that receives unroutable messages"),
  RABBITMQ_MAX_IN_FLIGHT("sink.rabbitmq.max_in_flight", "4096", "1..32768",
      "published messages awaiting a broker confirm"),
  RABBITMQ_BATCH("sink.rabbitmq.batch", "none", "none|transaction|2..1000000",
      "events per AMQP message: one, or runs of one transaction with one routing key (JSON array)"),
  RABBITMQ_BATCH_MAX_BYTES("sink.rabbitmq.batch_max_bytes", "1MiB", "4KiB..8MiB",
      "a batch is closed before it would grow past this (a single larger event still goes alone)"),
  JOURNAL_DIR("journal.dir", "./data/journal", "a writable directory", "Chronicle Queue files"),
  JOURNAL_RETENTION_AGE("journal.retention.age", "7d", "1h..3650d", "older roll cycles are deleted"),
  JOURNAL_RETENTION_SIZE("journal.retention.size", "10GiB", ">= 64MiB", "oldest roll cycles are deleted above this"),
  CLUSTER_NAME("cluster.name", "(required in a cluster)", "[A-Za-z0-9_.-]{1,64}",
      "nodes with the same name form one cluster; no cluster section = standalone"),
  CLUSTER_ZOOKEEPER("cluster.zookeeper", "(required in a cluster)", "host:port[,host:port...][/chroot]",
      "ZooKeeper connect string"),
  CLUSTER_SESSION_TIMEOUT("cluster.session_timeout", "10s", "2s..120s", "failover happens within this + 5 s"),
  CLUSTER_CONNECTION_TIMEOUT("cluster.connection_timeout", "5s", "1s..60s", "ZooKeeper connection attempt limit"),
  CLUSTER_NODE_ID("cluster.node_id", "<hostname>-<pid>", "non-blank", "this node's name in the cluster"),
  METRICS_LISTEN("metrics.listen", "127.0.0.1:9464", "host:port, port 0..65535 (0 = ephemeral)",
      "/metrics and /health HTTP endpoint");

  private final String path;
  private final String defaultText;
  private final String valid;
  private final String meaning;

  ConfigKey(String path, String defaultText, String valid, String meaning) {
    this.path = path;
    this.defaultText = defaultText;
    this.valid = valid;
    this.meaning = meaning;
  }

  /** Dotted YAML path, e.g. {@code sink.rabbitmq.max_in_flight}. */
  public String path() {
    return path;
  }

  /** The overriding environment variable, e.g. {@code PGCDC_SINK_RABBITMQ_MAX_IN_FLIGHT}. */
  public String envName() {
    return "PGCDC_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** Default as a user would write it (or how it is derived). */
  public String defaultText() {
    return defaultText;
  }

  /** Valid values. */
  public String valid() {
    return valid;
  }

  /** One-phrase meaning. */
  public String meaning() {
    return meaning;
  }

  /** The key with this dotted path, or null. */
  static ConfigKey byPath(String path) {
    for (ConfigKey k : values()) {
      if (k.path.equals(path)) {
        return k;
      }
    }
    return null;
  }

  /**
   * The key or section path closest (Levenshtein) to {@code path}: the "did you mean".
   * Sections are candidates too, so {@code sink.rabitmq} suggests {@code sink.rabbitmq}.
   */
  static String nearest(String path) {
    String best = SOURCE_URL.path;
    int bestDistance = Integer.MAX_VALUE;
    for (ConfigKey k : values()) {
      for (String candidate = k.path; ; candidate = candidate.substring(0, candidate.lastIndexOf('.'))) {
        int d = distance(path, candidate);
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
        }
        if (candidate.indexOf('.') < 0) {
          break;
        }
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
