package io.pgcdc.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lmax.disruptor.EventHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SameThreadStagesTest {
  private final List<String> calls = new ArrayList<>();

  private EventHandler<RingEvent> recording(String name) {
    return new EventHandler<>() {
      @Override
      public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
        calls.add(name + ".event " + sequence + " " + endOfBatch);
      }

      @Override
      public void onBatchStart(long batchSize, long queueDepth) {
        calls.add(name + ".batch " + batchSize);
      }

      @Override
      public void onStart() {
        calls.add(name + ".start");
      }

      @Override
      public void onShutdown() {
        calls.add(name + ".shutdown");
      }

      @Override
      public void onTimeout(long sequence) {
        calls.add(name + ".timeout " + sequence);
      }
    };
  }

  @Test
  void eachCallReachesTheFirstStageThenTheSecond() throws Exception {
    SameThreadStages stages = new SameThreadStages(recording("decode"), recording("encode"));
    stages.onStart();
    stages.onBatchStart(2, 2);
    stages.onEvent(new RingEvent(), 7, false);
    stages.onEvent(new RingEvent(), 8, true);
    stages.onTimeout(8);
    stages.onShutdown();
    assertThat(calls).containsExactly(
        "decode.start", "encode.start",
        "decode.batch 2", "encode.batch 2",
        "decode.event 7 false", "encode.event 7 false",
        "decode.event 8 true", "encode.event 8 true",
        "decode.timeout 8", "encode.timeout 8",
        "decode.shutdown", "encode.shutdown");
  }

  @Test
  void aFailingFirstStageKeepsTheEventFromTheSecond() {
    EventHandler<RingEvent> failing = (event, sequence, endOfBatch) -> {
      throw new IllegalStateException("bad pgoutput message");
    };
    SameThreadStages stages = new SameThreadStages(failing, recording("encode"));
    assertThatThrownBy(() -> stages.onEvent(new RingEvent(), 1, true)).hasMessage("bad pgoutput message");
    assertThat(calls).isEmpty();
  }

  @Test
  void theSecondStageIsShutDownEvenWhenTheFirstFailsTo() {
    EventHandler<RingEvent> failing = new EventHandler<>() {
      @Override
      public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
      }

      @Override
      public void onShutdown() {
        throw new IllegalStateException("close failed");
      }
    };
    SameThreadStages stages = new SameThreadStages(failing, recording("encode"));
    assertThatThrownBy(stages::onShutdown).hasMessage("close failed");
    assertThat(calls).containsExactly("encode.shutdown");
  }
}
