package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publication dropped while the slot still has changes to send, against a real PostgreSQL:
 * pgoutput fails at that change on every reconnect, so pgcdc stops with the way out instead of
 * reconnecting for ever, and following that way out streams again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublicationLossIT {
  private static final Pattern ADVANCE = Pattern.compile("SELECT pg_replication_slot_advance\\('[^']+', pg_current_wal_lsn\\(\\)\\)");

  @Test
  void aDroppedPublicationStopsThePipelineOnceWithTheWayOutAndTheWayOutWorks() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_publoss").bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)");
      f.start();
      f.sql("INSERT INTO t VALUES (1)");
      f.take("public.t", 1);
      f.sql("DROP PUBLICATION " + f.slot + "_pub", "INSERT INTO t VALUES (2)");

      await().atMost(Duration.ofSeconds(30)).until(() -> f.pipeline.problem().orElse("").startsWith("pipeline stopped"));
      String problem = f.pipeline.problem().get();
      assertThat(problem).contains("PostgreSQL cannot decode slot '" + f.slot + "'",
          "publication \"" + f.slot + "_pub\" does not exist", "creating it again does not help");
      assertThat(problem).doesNotContain("\n");

      Matcher advance = ADVANCE.matcher(problem);
      assertThat(advance.find()).as(problem).isTrue();
      f.pipeline.close();
      f.sql("CREATE PUBLICATION " + f.slot + "_pub FOR TABLE t");
      f.sql(advance.group());
      f.start();
      f.sql("INSERT INTO t VALUES (3)");
      assertThat(new ObjectMapper().readTree(f.take("public.t", 1).get(0).body()).at("/after/id").asInt())
          .as("streams again; row 2, changed while the publication was missing, is skipped").isEqualTo(3);
    }
  }
}
