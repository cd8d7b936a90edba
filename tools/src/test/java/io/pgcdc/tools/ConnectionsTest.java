package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.config.TablePattern;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionsTest {
  private static final PgcdcConfig.Source SOURCE = new PgcdcConfig.Source(
      "jdbc:postgresql://db:5432/app?password=hunter2", "cdc", "hunter2", "s", "p",
      List.of(TablePattern.parse("public.*")), true, false, Duration.ofSeconds(1));

  private static String describe(String state, String message) {
    return Connections.describePostgresFailure(SOURCE, new SQLException(message, state));
  }

  @Test
  void connectionFailureNamesTheUrlKey() {
    assertThat(describe("08001", "Connection to db:5432 refused.\nCheck that the hostname and port are correct"))
        .isEqualTo("cannot reach PostgreSQL at jdbc:postgresql://db:5432/app?password=***: Connection to db:5432 refused."
            + "; check source.url (PGCDC_SOURCE_URL) and that the server runs");
  }

  @Test
  void authenticationFailureNamesUserAndPasswordKeys() {
    assertThat(describe("28P01", "FATAL: password authentication failed for user \"cdc\""))
        .contains("refused user 'cdc'")
        .endsWith("; check source.user and source.password (PGCDC_SOURCE_PASSWORD) and pg_hba.conf")
        .doesNotContain("hunter2");
  }

  @Test
  void missingDatabaseSaysToCreateIt() {
    assertThat(describe("3D000", "FATAL: database \"app\" does not exist"))
        .endsWith("; create the database or fix the database name in source.url");
  }

  @Test
  void otherStatesKeepTheSqlState() {
    assertThat(describe("53300", "FATAL: too many connections")).contains("(SQLSTATE 53300)");
  }

  @Test
  void amqpHostPortNeverShowsCredentials() {
    assertThat(Connections.hostPort("amqp://u:secret@mq:5673/vh")).isEqualTo("mq:5673");
    assertThat(Connections.hostPort("amqps://u:secret@mq")).isEqualTo("mq:5671");
    assertThat(Connections.hostPort("amqp://u:secret@mq")).isEqualTo("mq:5672");
  }
}
