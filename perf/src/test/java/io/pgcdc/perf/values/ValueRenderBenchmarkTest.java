package io.pgcdc.perf.values;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ValueRenderBenchmarkTest {

  @Test
  void benchmarkRowRendersExactlyWhatToJsonGives() throws IOException {
    ValueRenderBenchmark benchmark = new ValueRenderBenchmark();
    benchmark.setUp();
    for (int i = 0; i < 3; i++) { // the reused generator and buffer give the same row each time
      benchmark.row();
      assertThat(benchmark.lastOutput()).isEqualTo("{\"id\":1234567890123,\"amount\":-98765.4321,"
          + "\"name\":\"Mikael \\\"Mike\\\" Åkerfeldt\","
          + "\"created\":\"2026-11-21T22:41:03.123456+00:00\",\"active\":true,"
          + "\"doc\":{\"plan\": \"pro\", \"seats\": 12, \"trial\": false},"
          + "\"tags\":[\"alpha\",\"with space\",null,\"q\\\"uote\"],"
          + "\"uid\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"}");
    }
    benchmark.textArray();
    assertThat(benchmark.lastOutput()).isEqualTo("[\"alpha\",\"with space\",null,\"q\\\"uote\"]");
    benchmark.tearDown();
  }
}
