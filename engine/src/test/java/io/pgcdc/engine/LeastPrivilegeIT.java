package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.engine.config.PgcdcConfig;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * pgcdc as a role with REPLICATION and nothing else, against a real PostgreSQL, streaming a
 * publication a superuser made and owns ({@code source.create: false}): the least-privilege setup.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeastPrivilegeIT {

  @Test
  void aReplicationOnlyRoleStreamsAPublicationASuperuserOwns() throws Exception {
    String role = "e_least_" + UUID.randomUUID().toString().substring(0, 8);
    try (PipelineFixture f = new PipelineFixture("e_least").bindQueue()) {
      f.sql("CREATE ROLE " + role + " LOGIN REPLICATION", "CREATE TABLE t (id int PRIMARY KEY)",
          "CREATE PUBLICATION " + f.slot + "_pub FOR TABLE t",
          "SELECT pg_create_logical_replication_slot('" + f.slot + "', 'pgoutput')");
      try {
        String yaml = f.yaml("  create: false\n", "").replace("  user: " + f.pg.user() + "\n", "  user: " + role + "\n");
        f.pipeline = Pipeline.start(PgcdcConfig.parse(yaml, Map.of()), f.metrics, Term.standalone());
        f.sql("INSERT INTO t VALUES (1)");
        assertThat(f.take("public.t", 1)).hasSize(1);
      } finally {
        if (f.pipeline != null) {
          f.pipeline.close();
          f.pipeline = null;
        }
        f.sql("SELECT pg_drop_replication_slot('" + f.slot + "')", "DROP PUBLICATION " + f.slot + "_pub");
        f.pg.execute("DROP ROLE " + role);
      }
    }
  }
}
