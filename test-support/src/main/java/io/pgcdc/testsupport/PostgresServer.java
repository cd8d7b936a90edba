package io.pgcdc.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A PostgreSQL server for ITs. Use {@link #createDatabase(String)} to get a database of your own,
 * so concurrent test classes never see each other's tables, publications or slots.
 */
public final class PostgresServer {
  private final String url;
  private final String user;
  private final String password;

  PostgresServer(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** JDBC URL of the server's default database. */
  public String jdbcUrl() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** JDBC URL of {@code database} on the same server. */
  public String jdbcUrl(String database) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    String params = q < 0 ? "" : url.substring(q);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
  }

  /** A new connection to the default database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, properties());
  }

  /** A new connection to {@code database}. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), properties());
  }

  /**
   * Creates a fresh database named {@code prefix_<random>} and returns its name. Pair it with
   * {@link #dropDatabase(String)} in {@code @AfterAll}.
   */
  public String createDatabase(String prefix) throws SQLException {
    String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)).toLowerCase();
    execute("CREATE DATABASE " + name);
    return name;
  }

  /**
   * Drops the slots of {@code database} (terminating walsenders still on them), then the database.
   * A terminated walsender releases its slot a moment later, and PostgreSQL refuses to drop a
   * database that still has logical slots, so this retries for up to 10 s until none is left.
   */
  public void dropDatabase(String database) throws SQLException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      while (true) {
        s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
            + "WHERE database = '" + database + "' AND active_pid IS NOT NULL");
        s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
            + "WHERE database = '" + database + "' AND NOT active");
        if (!hasSlots(s, database) || System.nanoTime() - deadline > 0) {
          break;
        }
        pause();
      }
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  private static boolean hasSlots(Statement s, String database) throws SQLException {
    try (java.sql.ResultSet r = s.executeQuery(
        "SELECT count(*) FROM pg_replication_slots WHERE database = '" + database + "'")) {
      return r.next() && r.getLong(1) > 0;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100); // a walsender exits within milliseconds of pg_terminate_backend
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs one statement on the default database. */
  public void execute(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Connection properties for user and password. */
  public Properties properties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (!password.isEmpty()) {
      p.setProperty("password", password);
    }
    return p;
  }

  @Override
  public String toString() {
    return "PostgresServer[" + url + ", user=" + user + "]";
  }
}
