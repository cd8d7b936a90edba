package io.pgcdc.tools;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import io.pgcdc.engine.config.PgcdcConfig;
import java.io.IOException;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

/**
 * Opens the connections the commands need and turns connect failures into a {@link UserException}
 * naming the server, the configuration key to look at, and never a password.
 *
 * <p>Stateless; callable from any thread. Each call opens a new connection the caller closes.
 */
public final class Connections {
  static final int CONNECT_TIMEOUT_SECONDS = 5;

  private Connections() {}

  /** A plain JDBC connection to {@code source.url} as {@code source.user}. */
  public static java.sql.Connection postgres(PgcdcConfig.Source source) {
    Properties props = source.connectionProperties();
    props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    props.setProperty("loginTimeout", Integer.toString(2 * CONNECT_TIMEOUT_SECONDS));
    props.setProperty("ApplicationName", "pgcdc-cli");
    try {
      return DriverManager.getConnection(source.url(), props);
    } catch (SQLException e) {
      throw new UserException(describePostgresFailure(source, e), e);
    }
  }

  /** What went wrong connecting to PostgreSQL and which key fixes it, from the SQLSTATE class. */
  static String describePostgresFailure(PgcdcConfig.Source source, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String reason = ErrorHandler.firstLine(e.getMessage());
    String where = "PostgreSQL at " + source.redactedUrl();
    if (state.startsWith("08")) {
      return "cannot reach " + where + ": " + reason + "; check source.url (PGCDC_SOURCE_URL) and that the server runs";
    }
    if (state.startsWith("28")) {
      return where + " refused user '" + source.user() + "': " + reason
          + "; check source.user and source.password (PGCDC_SOURCE_PASSWORD) and pg_hba.conf";
    }
    if ("3D000".equals(state)) {
      return where + ": " + reason + "; create the database or fix the database name in source.url";
    }
    return where + ": " + reason + " (SQLSTATE " + state + "); check source.url, source.user and the server log";
  }

  /** A RabbitMQ connection to {@code sink.rabbitmq.uri}, without automatic recovery. */
  public static Connection rabbitmq(PgcdcConfig.RabbitMq sink, String connectionName) {
    ConnectionFactory factory = new ConnectionFactory();
    String where = "RabbitMQ at " + hostPort(sink.uri());
    try {
      factory.setUri(sink.uri());
    } catch (Exception e) {
      throw new UserException("sink.rabbitmq.uri=" + sink.redactedUri() + " is not usable: " + e.getMessage()
          + "; write it as amqp://user:password@host:5672[/vhost]", e);
    }
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS * 1000);
    factory.setHandshakeTimeout(CONNECT_TIMEOUT_SECONDS * 1000);
    try {
      return factory.newConnection(connectionName);
    } catch (PossibleAuthenticationFailureException e) {
      throw new UserException(where + " refused user '" + factory.getUsername() + "' (wrong password, or no access to vhost '"
          + factory.getVirtualHost() + "'); check the user, password and vhost in sink.rabbitmq.uri", e);
    } catch (IOException | TimeoutException e) {
      throw new UserException("cannot reach " + where + ": " + describe(e)
          + "; check sink.rabbitmq.uri (PGCDC_SINK_RABBITMQ_URI) and that the broker runs", e);
    }
  }

  private static String describe(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return ErrorHandler.firstLine(message);
  }

  /** {@code host:port} of an AMQP URI, for messages (never the credentials). */
  static String hostPort(String uri) {
    try {
      URI u = new URI(uri);
      int port = u.getPort() > 0 ? u.getPort() : ("amqps".equals(u.getScheme()) ? 5671 : 5672);
      return u.getHost() + ":" + port;
    } catch (Exception e) {
      return PgcdcConfig.redact(uri);
    }
  }
}
