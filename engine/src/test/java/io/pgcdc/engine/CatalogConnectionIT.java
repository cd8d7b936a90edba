package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The encode stage's catalog connection ended by the server while idle ({@code idle_session_timeout}),
 * against a real PostgreSQL: the next lookup reconnects, so a table's key is still its primary key
 * and its NOT NULL facts are still there (they fell back to pgoutput's flags: under REPLICA
 * IDENTITY FULL the whole row was the key).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CatalogConnectionIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aCatalogConnectionTheServerEndedIsReopenedAndTheKeyStaysThePrimaryKey() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_catalog").bindQueue()) {
      f.sql("ALTER DATABASE " + f.database + " SET idle_session_timeout = '1s'",
          "CREATE TABLE first (id int PRIMARY KEY)",
          "CREATE TABLE later (id int PRIMARY KEY, v text NOT NULL)", "ALTER TABLE later REPLICA IDENTITY FULL");
      f.start();
      f.sql("INSERT INTO first VALUES (1)");
      f.take("public.first", 1);
      String backends = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()";
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "0".equals(f.queryText(backends)));

      f.sql("INSERT INTO later VALUES (1, 'x')");
      JsonNode schema = JSON.readTree(f.take("_schema.public.later", 1).get(0).body());
      assertThat(schema.at("/columns/1/key").asBoolean()).isFalse();
      assertThat(schema.at("/columns/1/nullable").asBoolean()).isFalse();
      assertThat(JSON.readTree(f.take("public.later", 1).get(0).body()).get("key"))
          .isEqualTo(JSON.readTree("{\"id\":1}"));
    }
  }
}
