package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The walsender serving pgcdc's slot is killed with {@code pg_terminate_backend} mid-stream,
 * twice: the same pgcdc process reconnects (a new walsender appears) and resumes from the slot,
 * losing nothing; its {@code /health} and {@code /metrics} answer afterwards.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WalsenderTerminateIT {
  private static final int ROWS = 8_000;

  private FaultBed bed;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.create("faultwal");
  }

  @AfterEach
  void removeBed() throws Exception {
    bed.close();
  }

  @Test
  void terminatedWalsenderIsReconnectedByTheSameProcessWithoutLoss() throws Exception {
    SingleNodeStream stream = SingleNodeStream.start(bed, ROWS);

    for (int round = 1; round <= 2; round++) {
      stream.awaitCommitted((long) ROWS * round / 3);
      int walsender = bed.walsenderPid().orElseThrow();
      assertThat(bed.terminateWalsender()).isTrue();

      await("a new walsender on the slot").atMost(FaultBed.PATIENCE).pollInterval(Duration.ofMillis(100))
          .until(() -> bed.walsenderPid().filter(p -> p != walsender).isPresent());
      stream.awaitResumed();
    }

    stream.assertSameProcessDeliveredEveryRow("pgcdc survived its walsender's termination");
    assertThat(bed.walsenderPid()).isNotEqualTo(Optional.empty());
    JsonNode health = stream.node().health().orElseThrow();
    assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("ok");
    assertThat(health.path("role").asText()).isEqualTo("standalone");
    assertThat(health.path("flushed_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(stream.node().metrics().orElseThrow()).containsPattern("(?m)^pgcdc_events_total [0-9.E]+$")
        .contains("pgcdc_role_standalone 1.0");
  }
}
