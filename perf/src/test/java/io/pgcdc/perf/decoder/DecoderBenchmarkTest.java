package io.pgcdc.perf.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.decoder.MessageType;
import org.junit.jupiter.api.Test;

class DecoderBenchmarkTest {

  @Test
  void benchmarkMessagesDecodeAsTheKindsTheyMeasure() {
    assertThat(new DecoderBenchmark().selfCheck()).containsExactly(
        MessageType.INSERT, MessageType.INSERT, MessageType.BEGIN, MessageType.COMMIT,
        MessageType.UPDATE, MessageType.UPDATE, MessageType.DELETE, MessageType.TRUNCATE,
        MessageType.MESSAGE, MessageType.RELATION);
  }

  @Test
  void insertHasEightColumns() {
    DecoderBenchmark b = new DecoderBenchmark();
    b.setUp();
    assertThat(b.insert()).isPositive();
  }
}
