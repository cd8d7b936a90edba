package io.pgcdc.perf.e2e;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Debezium Server's {@code config/application.properties} for phase (e): the PostgreSQL
 * connector on the bench's own slot and publication (pgoutput; the publication and slot exist
 * already, {@code publication.autocreate.mode=disabled}; {@code snapshot.mode=no_data}: stream
 * only, so it decodes exactly the WAL the other consumers decode), the RabbitMQ sink into a
 * durable exchange with a static routing key, persistent messages ({@code deliveryMode=2},
 * its default) and its publisher confirms (the sink always waits for them per batch,
 * {@code ackTimeout} ms). JSON without embedded schemas. Everything else is Debezium's default,
 * stated in perf/README.md. Immutable.
 *
 * @param dbHost      PostgreSQL host
 * @param dbPort      PostgreSQL port
 * @param dbUser      PostgreSQL user (needs the REPLICATION attribute)
 * @param dbPassword  its password
 * @param database    the bench database
 * @param slot        the logical slot Debezium streams (created by the bench)
 * @param publication the bench's publication
 * @param rabbitUri   {@code amqp://user:pass@host:port/vhost}
 * @param exchange    durable exchange the sink publishes to (declared by the bench)
 * @param routingKey  the static routing key the queue is bound with
 * @param offsets     Debezium's offset file (in the bench's work directory)
 */
record DebeziumConfig(String dbHost, int dbPort, String dbUser, String dbPassword, String database, String slot,
                      String publication, String rabbitUri, String exchange, String routingKey, Path offsets) {

  /** The sink's wait for the broker's confirms of one batch, ms (Debezium's default). */
  static final int ACK_TIMEOUT_MILLIS = 30_000;

  /** The properties in a fixed order (the order of the file). */
  Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("debezium.source.connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.put("debezium.source.offset.storage.file.filename", offsets.toAbsolutePath().toString());
    // as the distribution's example: offsets (and so the slot's flushed LSN) committed after every batch
    p.put("debezium.source.offset.flush.interval.ms", "0");
    p.put("debezium.source.database.hostname", dbHost);
    p.put("debezium.source.database.port", Integer.toString(dbPort));
    p.put("debezium.source.database.user", dbUser);
    p.put("debezium.source.database.password", dbPassword);
    p.put("debezium.source.database.dbname", database);
    p.put("debezium.source.topic.prefix", database);
    p.put("debezium.source.plugin.name", "pgoutput");
    p.put("debezium.source.slot.name", slot);
    p.put("debezium.source.publication.name", publication);
    p.put("debezium.source.publication.autocreate.mode", "disabled");
    p.put("debezium.source.snapshot.mode", "no_data");
    p.put("debezium.source.table.include.list", BenchDatabase.ROUTING_KEY);
    p.put("debezium.sink.type", "rabbitmq");
    URI uri = URI.create(rabbitUri);
    String[] userInfo = uri.getRawUserInfo() == null ? new String[0] : uri.getRawUserInfo().split(":", 2);
    p.put("debezium.sink.rabbitmq.connection.host", uri.getHost());
    p.put("debezium.sink.rabbitmq.connection.port", Integer.toString(uri.getPort() < 0 ? 5672 : uri.getPort()));
    p.put("debezium.sink.rabbitmq.connection.username", userInfo.length > 0 ? decode(userInfo[0]) : "guest");
    p.put("debezium.sink.rabbitmq.connection.password", userInfo.length > 1 ? decode(userInfo[1]) : "guest");
    p.put("debezium.sink.rabbitmq.connection.virtual.host", virtualHost(uri));
    p.put("debezium.sink.rabbitmq.exchange", exchange);
    p.put("debezium.sink.rabbitmq.routingKey.source", "static");
    p.put("debezium.sink.rabbitmq.routingKey", routingKey);
    p.put("debezium.sink.rabbitmq.deliveryMode", "2");
    p.put("debezium.sink.rabbitmq.ackTimeout", Integer.toString(ACK_TIMEOUT_MILLIS));
    p.put("debezium.format.key", "json");
    p.put("debezium.format.value", "json");
    p.put("debezium.format.key.schemas.enable", "false");
    p.put("debezium.format.value.schemas.enable", "false");
    // Quarkus' HTTP endpoint (health): any free port, loopback only, so it never collides
    p.put("quarkus.http.host", "127.0.0.1");
    p.put("quarkus.http.port", "0");
    return p;
  }

  /** The file's text: {@code key=value} lines, values escaped as {@link java.util.Properties#load} reads them. */
  String render() {
    StringBuilder out = new StringBuilder("# written by the pgcdc end-to-end bench, phase (e)\n");
    properties().forEach((k, v) -> out.append(k).append('=').append(escape(v)).append('\n'));
    return out.toString();
  }

  /** The vhost of an AMQP URI: {@code /} when the path is empty, else the path without its leading slash. */
  static String virtualHost(URI uri) {
    String path = uri.getRawPath();
    return path == null || path.isEmpty() || "/".equals(path) ? "/" : decode(path.substring(1));
  }

  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case ' ' -> out.append(i == 0 ? "\\ " : " "); // a leading blank would be dropped by the reader
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
