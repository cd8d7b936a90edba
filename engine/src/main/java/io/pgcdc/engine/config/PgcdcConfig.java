package io.pgcdc.engine.config;

import static io.pgcdc.engine.config.ConfigKey.*;

import io.pgcdc.ha.ClusterConfig;
import io.pgcdc.journal.JournalConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole pgcdc configuration: immutable, validated, passwords hidden from {@link #toString()}.
 *
 * <p>Sources, highest precedence first: environment variable {@code PGCDC_<PATH>} (dots become
 * {@code _}, upper case: {@code PGCDC_SOURCE_URL}, {@code PGCDC_SINK_RABBITMQ_URI}); the YAML file,
 * whose values may use {@code ${VAR}} or {@code ${VAR:-default}}; the standard libpq variables
 * {@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD}
 * (for {@code source.url}, {@code source.user}, {@code source.password}); the defaults below.
 * Unknown YAML keys are errors (the nearest valid key is suggested); all problems are reported
 * at once by {@link ConfigException}, one line per problem, {@code key=value: what (how)}.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>valid</th></tr>
 *   <tr><td>{@code source.url}</td><td>built from PGHOST/PGPORT/PGDATABASE (required otherwise)</td>
 *       <td>{@code jdbc:postgresql://host[:port]/database[?params]}</td></tr>
 *   <tr><td>{@code source.user}</td><td>PGUSER, else {@code postgres}</td><td>non-blank; needs REPLICATION</td></tr>
 *   <tr><td>{@code source.password}</td><td>PGPASSWORD, else empty</td><td>any; never printed</td></tr>
 *   <tr><td>{@code source.slot}</td><td>{@code pgcdc_slot}</td><td>{@code [a-z0-9_]{1,63}}</td></tr>
 *   <tr><td>{@code source.publication}</td><td>{@code pgcdc_pub}</td><td>{@code [A-Za-z_][A-Za-z0-9_]{0,62}}</td></tr>
 *   <tr><td>{@code source.tables}</td><td>{@code [public.*]}</td><td>list (or comma-separated) of
 *       {@code schema.table}, {@code *} = any name</td></tr>
 *   <tr><td>{@code source.create}</td><td>{@code true}</td><td>true|false</td></tr>
 *   <tr><td>{@code source.publish_via_partition_root}</td><td>{@code false}</td><td>true|false (the
 *       publication's option, set by pgcdc at start)</td></tr>
 *   <tr><td>{@code source.snapshot}</td><td>{@code never}</td><td>never|initial (initial: the rows
 *       already in the published tables as {@code op: R} events when pgcdc creates the slot)</td></tr>
 *   <tr><td>{@code source.status_interval}</td><td>{@code 1s}</td><td>100ms..30s</td></tr>
 *   <tr><td>{@code sink.rabbitmq.uri}</td><td>{@code amqp://guest:guest@127.0.0.1:5672}</td>
 *       <td>{@code amqp[s]://user:password@host[:port][/vhost]}</td></tr>
 *   <tr><td>{@code sink.rabbitmq.exchange}</td><td>{@code pgcdc}</td><td>1-255 chars, not {@code amq.*}</td></tr>
 *   <tr><td>{@code sink.rabbitmq.routing_key}</td><td>{@code {schema}.{table}}</td>
 *       <td>text with {@code {schema}}, {@code {table}}, {@code {op}}</td></tr>
 *   <tr><td>{@code sink.rabbitmq.unroutable}</td><td>{@code stop}</td><td>stop|alternate</td></tr>
 *   <tr><td>{@code sink.rabbitmq.alternate_exchange}</td><td>none</td><td>required when unroutable=alternate</td></tr>
 *   <tr><td>{@code sink.rabbitmq.max_in_flight}</td><td>{@code 4096}</td><td>1..32768</td></tr>
 *   <tr><td>{@code sink.rabbitmq.batch}</td><td>{@code none}</td><td>none|transaction|2..1000000 (events per
 *       message; see the encode package)</td></tr>
 *   <tr><td>{@code sink.rabbitmq.batch_max_bytes}</td><td>{@code 1MiB}</td><td>4KiB..8MiB</td></tr>
 *   <tr><td>{@code journal.dir}</td><td>{@code ./data/journal}</td><td>writable directory (relative to the working directory)</td></tr>
 *   <tr><td>{@code journal.retention.age}</td><td>{@code 7d}</td><td>1h..3650d</td></tr>
 *   <tr><td>{@code journal.retention.size}</td><td>{@code 10GiB}</td><td>&gt;= 64MiB</td></tr>
 *   <tr><td>{@code cluster.name}</td><td>required when the section exists</td><td>{@code [A-Za-z0-9_.-]{1,64}}</td></tr>
 *   <tr><td>{@code cluster.zookeeper}</td><td>required when the section exists</td><td>{@code host:port[,host:port...]}</td></tr>
 *   <tr><td>{@code cluster.session_timeout}</td><td>{@code 10s}</td><td>2s..120s</td></tr>
 *   <tr><td>{@code cluster.connection_timeout}</td><td>{@code 5s}</td><td>1s..60s</td></tr>
 *   <tr><td>{@code cluster.node_id}</td><td>{@code <hostname>-<pid>}</td><td>non-blank</td></tr>
 *   <tr><td>{@code metrics.listen}</td><td>{@code 127.0.0.1:9464}</td><td>{@code host:port}, port 0..65535, 0 = ephemeral</td></tr>
 * </table>
 * Durations: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}. Sizes: bytes or
 * {@code KiB/MiB/GiB/TiB} (also decimal {@code kB/MB/GB/TB}). No {@code cluster} section and no
 * {@code PGCDC_CLUSTER_*} variable = standalone. The same table is {@link ConfigKey}.
 *
 * <p>Immutable and thread-safe once built.
 */
public record PgcdcConfig(
    Source source, RabbitMq rabbitmq, JournalConfig journal, Optional<ClusterConfig> cluster, Metrics metrics) {

  /**
   * {@code amqp://user:secret@host} -> {@code amqp://user:***@host}, and any {@code password=...}
   * parameter -> {@code password=***}; for every URL or URI in the config (source and sink). Up to
   * the last {@code @}: a password with a raw {@code @} or {@code /} in it is hidden whole (when in
   * doubt, more is hidden, never less).
   */
  public static String redact(String uri) {
    return uri.replaceAll("^((?:jdbc:)?[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):.*@", "$1:***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /** Section {@code source:}: the PostgreSQL database, its slot and publication. */
  public record Source(String url, String user, String password, String slot, String publication,
                       List<TablePattern> tables, boolean create, boolean publishViaPartitionRoot,
                       Duration statusInterval, Snapshot snapshot) {
    public static final String DEFAULT_SLOT = "pgcdc_slot";
    public static final String DEFAULT_PUBLICATION = "pgcdc_pub";
    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(1);

    public Source {
      tables = List.copyOf(tables);
    }

    /** Without an initial snapshot ({@code source.snapshot: never}). */
    public Source(String url, String user, String password, String slot, String publication,
                  List<TablePattern> tables, boolean create, boolean publishViaPartitionRoot, Duration statusInterval) {
      this(url, user, password, slot, publication, tables, create, publishViaPartitionRoot, statusInterval,
          Snapshot.NEVER);
    }

    /** {@code source.snapshot}: whether the rows already in the tables are published when the slot is created. */
    public enum Snapshot {
      /** Only changes committed after the slot was created (PostgreSQL's own slot semantics). */
      NEVER,
      /**
       * When pgcdc creates the slot: every row of the published tables, read in the snapshot the slot
       * starts at, as {@code op: R} events ahead of the first change.
       */
      INITIAL
    }

    /** {@code user} and (when not empty) {@code password} for {@code DriverManager.getConnection}. */
    public Properties connectionProperties() {
      Properties p = new Properties();
      p.setProperty("user", user);
      if (!password.isEmpty()) {
        p.setProperty("password", password);
      }
      return p;
    }

    /** The URL with any {@code password=} parameter masked, safe to print. */
    public String redactedUrl() {
      return PgcdcConfig.redact(url);
    }

    @Override
    public String toString() {
      return "Source[url=" + redactedUrl() + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
          + ", slot=" + slot + ", publication=" + publication + ", tables=" + tables + ", create=" + create
          + ", statusInterval=" + Units.formatDuration(statusInterval) + ", snapshot="
          + snapshot.name().toLowerCase(Locale.ROOT) + "]";
    }
  }

  /** Section {@code sink.rabbitmq:}: where and how events are published. */
  public record RabbitMq(String uri, String exchange, String routingKey, Unroutable unroutable,
                         Optional<String> alternateExchange, int maxInFlight, int batchEvents, int batchMaxBytes) {
    public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672";
    /** {@code batch: none}: one event per message, the SPEC §3 object as body. */
    public static final int NO_BATCH = 1;
    /** {@code batch: transaction}: no event-count limit inside one transaction. */
    public static final int TRANSACTION_BATCH = Integer.MAX_VALUE;
    public static final int MAX_BATCH_EVENTS = 1_000_000;
    public static final int DEFAULT_BATCH_MAX_BYTES = 1 << 20;
    public static final int MIN_BATCH_MAX_BYTES = 4 << 10;
    /** Far below what one journal entry holds ({@code Journal.MAX_BODY_BYTES}); larger batches gain nothing. */
    public static final int MAX_BATCH_MAX_BYTES = 8 << 20;

    /** The record without batching ({@code batch: none}), as before batching existed. */
    public RabbitMq(String uri, String exchange, String routingKey, Unroutable unroutable,
                    Optional<String> alternateExchange, int maxInFlight) {
      this(uri, exchange, routingKey, unroutable, alternateExchange, maxInFlight, NO_BATCH, DEFAULT_BATCH_MAX_BYTES);
    }

    /** True when several events share one message ({@code batch} other than {@code none}). */
    public boolean batched() {
      return batchEvents != NO_BATCH;
    }
    public static final String DEFAULT_EXCHANGE = "pgcdc";
    public static final String DEFAULT_ROUTING_KEY = "{schema}.{table}";
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;
    /**
     * The ring holds twice this many events (~1.7 KB each, preallocated): 32 768 keeps it near 110 MB,
     * inside the 512 MB heap SPEC §10 bounds; a broker needs far fewer unconfirmed messages to stay busy.
     */
    public static final int MAX_MAX_IN_FLIGHT = 32_768;

    /** What happens to a message the broker returns as unroutable ({@code mandatory} flag). */
    public enum Unroutable {
      /** The pipeline stops with an error; the flushed LSN stays before the message. */
      STOP,
      /** The message is re-published to {@code alternate_exchange}. */
      ALTERNATE
    }

    /** The URI with the password replaced by {@code ***}, safe to print and log. */
    public String redactedUri() {
      return PgcdcConfig.redact(uri);
    }

    @Override
    public String toString() {
      return "RabbitMq[uri=" + redactedUri() + ", exchange=" + exchange + ", routingKey=" + routingKey
          + ", unroutable=" + unroutable.name().toLowerCase(Locale.ROOT)
          + alternateExchange.map(a -> ", alternateExchange=" + a).orElse("") + ", maxInFlight=" + maxInFlight
          + (batched() ? ", batch=" + (batchEvents == TRANSACTION_BATCH ? "transaction" : batchEvents)
              + ", batchMaxBytes=" + batchMaxBytes : "") + "]";
    }
  }

  /** Section {@code metrics:}: the HTTP endpoint for /metrics and /health. */
  public record Metrics(String host, int port) {
    public static final String DEFAULT_LISTEN = "127.0.0.1:9464";

    /** {@code host:port} as configured. */
    public String listen() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
      return "Metrics[listen=" + listen() + "]";
    }
  }

  private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");
  private static final Pattern PUBLICATION = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final Pattern LISTEN = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]]*):(\\d{1,5})");

  /**
   * Reads {@code file} and applies {@code env} ({@code System.getenv()} in production).
   *
   * @throws ConfigException listing every problem, one per line; a missing or unreadable file
   *     is one problem naming the path
   */
  public static PgcdcConfig load(Path file, Map<String, String> env) throws ConfigException {
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist (check the path given to --config)");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage()
          + " (check its permissions)");
    }
    return parse(yaml, file.toString(), env);
  }

  /** Parses YAML text (may be empty: then only the environment and defaults apply). */
  public static PgcdcConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return parse(yaml, "configuration", env);
  }

  /** Configuration from the environment alone, as if the YAML file were empty. */
  public static PgcdcConfig fromEnvironment(Map<String, String> env) throws ConfigException {
    return parse("", "environment", env);
  }

  private static PgcdcConfig parse(String yaml, String sourceName, Map<String, String> env) throws ConfigException {
    ConfigReader r = new ConfigReader(yaml, sourceName, env);
    if (r.hasSyntaxError()) {
      throw new ConfigException(r.problems());
    }
    Source source = source(r);
    RabbitMq rabbitmq = rabbitmq(r);
    JournalConfig journal = journal(r);
    Optional<ClusterConfig> cluster = cluster(r);
    Metrics metrics = metrics(r);
    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new PgcdcConfig(source, rabbitmq, journal, cluster, metrics);
  }

  private static Source source(ConfigReader r) {
    Map<String, String> env = r.env();
    String url = r.text(SOURCE_URL, libpqUrl(env));
    if (url == null) {
      r.problem("source.url: is required (set source.url: jdbc:postgresql://host:5432/database, "
          + "or PGCDC_SOURCE_URL, or PGHOST/PGPORT/PGDATABASE)");
      url = "";
    } else if (!url.startsWith("jdbc:postgresql://") || url.length() == "jdbc:postgresql://".length()) {
      r.problem(r.context(SOURCE_URL) + "must look like jdbc:postgresql://host:5432/database");
    }
    String user = r.text(SOURCE_USER, env.getOrDefault("PGUSER", "postgres"));
    String urlUser = urlParameter(url, "user");
    if (urlUser != null && !urlUser.equals(user)) {
      // pgjdbc lets the URL's user= win over the connection properties: make source.user say so.
      if (r.isSet(SOURCE_USER)) {
        r.problem(r.context(SOURCE_USER) + "differs from user=" + urlUser + " in source.url, which PostgreSQL's driver"
            + " would use: name the user in one place");
      }
      user = urlUser;
    }
    if (user.isBlank()) {
      r.problem(r.context(SOURCE_USER) + "must not be blank (name a role with REPLICATION)");
    }
    String password = r.text(SOURCE_PASSWORD, env.getOrDefault("PGPASSWORD", ""));
    String slot = r.text(SOURCE_SLOT, Source.DEFAULT_SLOT);
    if (!SLOT.matcher(slot).matches()) {
      r.problem(r.context(SOURCE_SLOT) + "must be 1-63 characters of a-z 0-9 _ (PostgreSQL's rule for slot names)");
    }
    String publication = r.text(SOURCE_PUBLICATION, Source.DEFAULT_PUBLICATION);
    if (!PUBLICATION.matcher(publication).matches()) {
      r.problem(r.context(SOURCE_PUBLICATION) + "must be an identifier: a letter or _, then letters, digits, _ (max 63)");
    }
    List<TablePattern> tables = new ArrayList<>();
    List<String> tableTexts = r.list(SOURCE_TABLES, List.of("public.*"));
    if (tableTexts.isEmpty()) {
      r.problem(r.context(SOURCE_TABLES) + "must name at least one table pattern (e.g. [public.*])");
    }
    for (String t : tableTexts) {
      try {
        tables.add(TablePattern.parse(t));
      } catch (IllegalArgumentException e) {
        r.problem(r.itemContext(SOURCE_TABLES, t) + e.getMessage());
      }
    }
    boolean create = r.bool(SOURCE_CREATE, true);
    boolean viaRoot = r.bool(SOURCE_PUBLISH_VIA_PARTITION_ROOT, false);
    Duration status = r.duration(SOURCE_STATUS_INTERVAL, Source.DEFAULT_STATUS_INTERVAL,
        Duration.ofMillis(100), Duration.ofSeconds(30));
    Source.Snapshot snapshot = r.choice(SOURCE_SNAPSHOT, Source.Snapshot.NEVER, Source.Snapshot.class);
    if (snapshot == Source.Snapshot.INITIAL && !create) {
      r.problem(r.context(SOURCE_SNAPSHOT) + "needs source.create: true (the snapshot is taken when pgcdc"
          + " creates the slot)");
    }
    return new Source(url, user, password, slot, publication, tables, create, viaRoot, status, snapshot);
  }

  /** The value of query parameter {@code name} of a JDBC URL (URL-decoded), or null when absent. */
  static String urlParameter(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** {@code source.url} from libpq's variables, or null when none of them is set. */
  private static String libpqUrl(Map<String, String> env) {
    String host = env.get("PGHOST");
    String port = env.get("PGPORT");
    String db = env.get("PGDATABASE");
    if (host == null && port == null && db == null) {
      return null;
    }
    String user = env.getOrDefault("PGUSER", "postgres");
    return "jdbc:postgresql://" + (host == null ? "localhost" : host) + ":" + (port == null ? "5432" : port)
        + "/" + (db == null ? user : db);
  }

  private static RabbitMq rabbitmq(ConfigReader r) {
    String uri = r.text(RABBITMQ_URI, RabbitMq.DEFAULT_URI);
    try {
      URI parsed = new URI(uri);
      if (!"amqp".equals(parsed.getScheme()) && !"amqps".equals(parsed.getScheme()) || parsed.getHost() == null) {
        throw new URISyntaxException(uri, "bad scheme or host");
      }
    } catch (URISyntaxException e) {
      r.problem(r.context(RABBITMQ_URI) + "must look like amqp://user:password@host:5672[/vhost]");
    }
    String exchange = r.text(RABBITMQ_EXCHANGE, RabbitMq.DEFAULT_EXCHANGE);
    if (exchange.isEmpty() || exchange.length() > 255 || exchange.startsWith("amq.")) {
      r.problem(r.context(RABBITMQ_EXCHANGE) + "must be 1-255 characters and not start with amq. (reserved by RabbitMQ)");
    }
    String routingKey = r.text(RABBITMQ_ROUTING_KEY, RabbitMq.DEFAULT_ROUTING_KEY);
    Matcher m = PLACEHOLDER.matcher(routingKey);
    while (m.find()) {
      if (!List.of("schema", "table", "op").contains(m.group(1))) {
        r.problem(r.context(RABBITMQ_ROUTING_KEY) + "unknown placeholder {" + m.group(1) + "} (use {schema}, {table}, {op})");
      }
    }
    if (routingKey.getBytes(StandardCharsets.UTF_8).length > 255) {
      r.problem(r.context(RABBITMQ_ROUTING_KEY) + "must be at most 255 bytes");
    }
    RabbitMq.Unroutable unroutable = r.choice(RABBITMQ_UNROUTABLE, RabbitMq.Unroutable.STOP, RabbitMq.Unroutable.class);
    Optional<String> alternate = Optional.ofNullable(r.text(RABBITMQ_ALTERNATE_EXCHANGE, null)).filter(s -> !s.isBlank());
    if (unroutable == RabbitMq.Unroutable.ALTERNATE && alternate.isEmpty()) {
      r.problem("sink.rabbitmq.alternate_exchange: is required when sink.rabbitmq.unroutable=alternate "
          + "(name the exchange that receives unroutable messages)");
    }
    if (alternate.isPresent() && alternate.get().equals(exchange)) {
      r.problem(r.context(RABBITMQ_ALTERNATE_EXCHANGE) + "must differ from sink.rabbitmq.exchange");
    }
    int maxInFlight = r.integer(RABBITMQ_MAX_IN_FLIGHT, RabbitMq.DEFAULT_MAX_IN_FLIGHT, 1, RabbitMq.MAX_MAX_IN_FLIGHT);
    int batchEvents = batchEvents(r);
    long batchMaxBytes = r.size(RABBITMQ_BATCH_MAX_BYTES, RabbitMq.DEFAULT_BATCH_MAX_BYTES);
    if (batchMaxBytes < RabbitMq.MIN_BATCH_MAX_BYTES || batchMaxBytes > RabbitMq.MAX_BATCH_MAX_BYTES) {
      r.problem(r.context(RABBITMQ_BATCH_MAX_BYTES) + "must be between 4KiB and 8MiB");
      batchMaxBytes = RabbitMq.DEFAULT_BATCH_MAX_BYTES;
    }
    return new RabbitMq(uri, exchange, routingKey, unroutable, alternate, maxInFlight, batchEvents,
        (int) batchMaxBytes);
  }

  /** {@code none} -> 1, {@code transaction} -> unlimited, else a count of 2..1000000. */
  private static int batchEvents(ConfigReader r) {
    String text = r.text(RABBITMQ_BATCH, "none").trim().toLowerCase(Locale.ROOT);
    switch (text) {
      case "none":
        return RabbitMq.NO_BATCH;
      case "transaction":
        return RabbitMq.TRANSACTION_BATCH;
      default:
        try {
          int n = Integer.parseInt(text.replace("_", ""));
          if (n >= 2 && n <= RabbitMq.MAX_BATCH_EVENTS) {
            return n;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        r.problem(r.context(RABBITMQ_BATCH) + "must be none, transaction, or a number of events between 2 and "
            + RabbitMq.MAX_BATCH_EVENTS);
        return RabbitMq.NO_BATCH;
    }
  }

  private static JournalConfig journal(ConfigReader r) {
    String dir = r.text(JOURNAL_DIR, JournalConfig.DEFAULT_DIR.toString());
    Duration age = r.duration(JOURNAL_RETENTION_AGE, JournalConfig.DEFAULT_RETENTION_AGE,
        JournalConfig.MIN_RETENTION_AGE, JournalConfig.MAX_RETENTION_AGE);
    long size = r.size(JOURNAL_RETENTION_SIZE, JournalConfig.DEFAULT_RETENTION_BYTES);
    if (size < JournalConfig.MIN_RETENTION_BYTES) {
      r.problem(r.context(JOURNAL_RETENTION_SIZE) + "must be at least 64MiB");
      size = JournalConfig.DEFAULT_RETENTION_BYTES;
    }
    JournalConfig journal = new JournalConfig(Path.of(dir), age, size);
    journal.validate(r.problems());
    return journal;
  }

  private static Optional<ClusterConfig> cluster(ConfigReader r) {
    if (!r.hasClusterSection()) {
      return Optional.empty();
    }
    ClusterConfig cluster = new ClusterConfig(
        r.text(CLUSTER_NAME, null),
        r.text(CLUSTER_ZOOKEEPER, null),
        r.duration(CLUSTER_SESSION_TIMEOUT, ClusterConfig.DEFAULT_SESSION_TIMEOUT, Duration.ofSeconds(2), Duration.ofSeconds(120)),
        r.duration(CLUSTER_CONNECTION_TIMEOUT, ClusterConfig.DEFAULT_CONNECTION_TIMEOUT, Duration.ofSeconds(1), Duration.ofSeconds(60)),
        r.text(CLUSTER_NODE_ID, defaultNodeId()));
    cluster.validate(r.problems());
    return Optional.of(cluster);
  }

  /** {@code <hostname>-<pid>}: unique per process, readable in /health and status. */
  static String defaultNodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  private static Metrics metrics(ConfigReader r) {
    String listen = r.text(METRICS_LISTEN, Metrics.DEFAULT_LISTEN);
    Matcher m = LISTEN.matcher(listen);
    if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
      r.problem(r.context(METRICS_LISTEN) + "must be host:port with port 0..65535 (0 = any free port)");
      return new Metrics("127.0.0.1", 9464);
    }
    String host = m.group(1).replace("[", "").replace("]", "");
    return new Metrics(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(m.group(2)));
  }

  @Override
  public String toString() {
    return "PgcdcConfig[" + source + ", " + rabbitmq + ", journal=" + journal.dir() + " (retention "
        + Units.formatDuration(journal.retentionAge()) + ", " + Units.formatSize(journal.retentionBytes()) + "), "
        + cluster.map(Object::toString).orElse("standalone") + ", " + metrics + "]";
  }
}
