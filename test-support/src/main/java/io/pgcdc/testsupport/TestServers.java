package io.pgcdc.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/** Entry point for ITs: the PostgreSQL, RabbitMQ and ZooKeeper they run against. */
public final class TestServers {
  public static final String PG_URL = "PGCDC_TEST_PG_URL";
  public static final String PG_USER = "PGCDC_TEST_PG_USER";
  public static final String PG_PASSWORD = "PGCDC_TEST_PG_PASSWORD";
  public static final String RABBITMQ_URI = "PGCDC_TEST_RABBITMQ_URI";
  public static final String ZOOKEEPER = "PGCDC_TEST_ZOOKEEPER";

  private static final String HOW_TO =
      "run 'eval \"$(scripts/services.sh env)\"' (after 'scripts/services.sh up') or start a Docker engine";

  private static PostgresServer postgres;
  private static PostgresServer postgres17;
  private static RabbitServer rabbit;
  private static String zookeeper;

  private TestServers() {}

  /** A PostgreSQL with {@code wal_level=logical} that accepts replication connections. */
  public static synchronized PostgresServer postgres() {
    if (postgres == null) {
      postgres = locatePostgres(System.getenv());
    }
    return postgres;
  }

  /**
   * A PostgreSQL 17 of this JVM's own (zonky's embedded binaries), with logical decoding on, for
   * what only PostgreSQL 16+ does (pgoutput protocol v4); started on first use, stopped at exit.
   */
  public static synchronized PostgresServer postgres17() {
    if (postgres17 == null) {
      try {
        EmbeddedPostgres server = EmbeddedPostgres.builder()
            .setServerConfig("wal_level", "logical")
            .setServerConfig("max_replication_slots", "10")
            .setServerConfig("max_wal_senders", "10")
            // zonky turns it off; logical decoding would then see commits late.
            .setServerConfig("synchronous_commit", "on")
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            server.close();
          } catch (IOException ignored) {
            // JVM is exiting
          }
        }, "postgres17-test-shutdown"));
        postgres17 = new PostgresServer(server.getJdbcUrl("postgres", "postgres"), "postgres", "");
      } catch (IOException e) {
        throw new IllegalStateException("cannot start an embedded PostgreSQL 17: " + e, e);
      }
    }
    return postgres17;
  }

  /** A RabbitMQ broker. */
  public static synchronized RabbitServer rabbitmq() {
    if (rabbit == null) {
      rabbit = locateRabbit(System.getenv());
    }
    return rabbit;
  }

  /** A ZooKeeper connect string: from the environment, else an in-process server. */
  public static synchronized String zookeeper() {
    if (zookeeper == null) {
      String env = System.getenv(ZOOKEEPER);
      zookeeper = isBlank(env) ? startInProcessZooKeeper() : env;
    }
    return zookeeper;
  }

  static PostgresServer locatePostgres(Map<String, String> env) {
    String url = env.get(PG_URL);
    if (!isBlank(url)) {
      return new PostgresServer(url, env.getOrDefault(PG_USER, "postgres"), env.getOrDefault(PG_PASSWORD, ""));
    }
    requireDocker("PostgreSQL", PG_URL);
    PostgreSQLContainer container =
        new PostgreSQLContainer("postgres:15").withCommand("postgres", "-c", "wal_level=logical",
            "-c", "max_replication_slots=20", "-c", "max_wal_senders=20");
    container.start();
    return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword());
  }

  static RabbitServer locateRabbit(Map<String, String> env) {
    String uri = env.get(RABBITMQ_URI);
    if (!isBlank(uri)) {
      return new RabbitServer(uri);
    }
    requireDocker("RabbitMQ", RABBITMQ_URI);
    RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13-management");
    container.start();
    return new RabbitServer(container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@"));
  }

  private static void requireDocker(String what, String variable) {
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      docker = false;
    }
    if (!docker) {
      throw new IllegalStateException(
          "no " + what + " for integration tests: " + variable + " is not set and no Docker engine answers; " + HOW_TO);
    }
  }

  private static String startInProcessZooKeeper() {
    try {
      TestingServer server = new TestingServer(true);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (Exception ignored) {
          // JVM is exiting
        }
      }, "zookeeper-test-shutdown"));
      return server.getConnectString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start an in-process ZooKeeper: " + e, e);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
