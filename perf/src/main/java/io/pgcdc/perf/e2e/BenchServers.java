package io.pgcdc.perf.e2e;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Where the PostgreSQL and RabbitMQ under test are: the same environment variables as the
 * integration tests ({@code PGCDC_TEST_PG_URL}, {@code PGCDC_TEST_PG_USER},
 * {@code PGCDC_TEST_PG_PASSWORD}, {@code PGCDC_TEST_RABBITMQ_URI}), with the local defaults of
 * {@code scripts/services.sh}. Immutable.
 */
record BenchServers(String adminUrl, String user, String password, String rabbitUri) {

  static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
  static final String DEFAULT_RABBIT_URI = "amqp://guest:guest@127.0.0.1:5672";

  static BenchServers fromEnvironment(Map<String, String> env) {
    return new BenchServers(
        env.getOrDefault("PGCDC_TEST_PG_URL", DEFAULT_PG_URL),
        env.getOrDefault("PGCDC_TEST_PG_USER", "postgres"),
        env.getOrDefault("PGCDC_TEST_PG_PASSWORD", ""),
        env.getOrDefault("PGCDC_TEST_RABBITMQ_URI", DEFAULT_RABBIT_URI));
  }

  /** The JDBC URL of {@code database} on the same server (query parameters kept). */
  String jdbcUrl(String database) {
    int q = adminUrl.indexOf('?');
    String base = q < 0 ? adminUrl : adminUrl.substring(0, q);
    String params = q < 0 ? "" : adminUrl.substring(q);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
  }

  /** Host of the JDBC URL, for {@code pg_recvlogical -h}. */
  String pgHost() {
    return pgAddress().getHost();
  }

  /** Port of the JDBC URL (5432 when absent), for {@code pg_recvlogical -p}. */
  int pgPort() {
    int port = pgAddress().getPort();
    return port < 0 ? 5432 : port;
  }

  private URI pgAddress() {
    return URI.create(adminUrl.substring("jdbc:".length()));
  }

  Connection connect(String database) throws SQLException {
    return open(jdbcUrl(database));
  }

  Connection connectAdmin() throws SQLException {
    return open(adminUrl);
  }

  /** A logical replication connection to {@code database} (pgjdbc's replication API). */
  Connection connectReplication(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("replication", "database");
    props.setProperty("assumeMinServerVersion", "10");
    props.setProperty("preferQueryMode", "simple");
    return open(jdbcUrl(database), props);
  }

  private Connection open(String url) throws SQLException {
    return open(url, new Properties());
  }

  private Connection open(String url, Properties props) throws SQLException {
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(url, props);
  }

  @Override
  public String toString() {
    return "BenchServers[postgres=" + adminUrl + " user=" + user + ", rabbitmq="
        + rabbitUri.replaceAll("//([^:/@]*):[^@]*@", "//$1:***@") + "]";
  }
}
