package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * pgoutput formats {@code timestamptz} in the session's TimeZone, and pgjdbc sends the JVM's
 * default zone as a startup parameter that overrides {@code options}: a node in a JVM outside UTC
 * must still render values as {@code to_json()} does under UTC (SPEC §3).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeZoneIT {

  @Test
  void aJvmOutsideUtcStillRendersTimestamptzInUtc() throws Exception {
    TimeZone jvm = TimeZone.getDefault();
    try (PipelineFixture f = new PipelineFixture("e_tz").bindQueue()) {
      f.sql("CREATE TABLE tz (id int PRIMARY KEY, ts timestamptz, tsr tstzrange)");
      TimeZone.setDefault(TimeZone.getTimeZone("America/New_York")); // before pgcdc connects
      f.start();
      f.sql("INSERT INTO tz VALUES (1, '2026-11-21 22:41:03.123456+00',"
          + " tstzrange('2026-11-21 22:00+00', '2026-11-21 23:00+00'))");

      JsonNode after = new ObjectMapper().readTree(f.take("public.tz", 1).get(0).body()).get("after");

      assertThat(after.get("ts").asText()).isEqualTo("2026-11-21T22:41:03.123456+00:00");
      assertThat(after.get("tsr").asText()).isEqualTo("[\"2026-11-21 22:00:00+00\",\"2026-11-21 23:00:00+00\")");
    } finally {
      TimeZone.setDefault(jvm);
    }
  }
}
