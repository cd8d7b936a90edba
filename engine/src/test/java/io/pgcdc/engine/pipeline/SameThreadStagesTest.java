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
  void eachCallReachesEveryStageInTheOrderGiven() throws Exception {
    SameThreadStages stages = new SameThreadStages(recording("decode"), recording("encode"), recording("journal"),
        recording("publish"));
    stages.onStart();
    stages.onBatchStart(2, 2);
    stages.onEvent(new RingEvent(), 7, false);
    stages.onEvent(new RingEvent(), 8, true);
    stages.onTimeout(8);
    stages.onShutdown();
    assertThat(calls).containsExactly(
        "decode.start", "encode.start", "journal.start", "publish.start",
        "decode.batch 2", "encode.batch 2", "journal.batch 2", "publish.batch 2",
        "decode.event 7 false", "encode.event 7 false", "journal.event 7 false", "publish.event 7 false",
        "decode.event 8 true", "encode.event 8 true", "journal.event 8 true", "publish.event 8 true",
        "decode.timeout 8", "encode.timeout 8", "journal.timeout 8", "publish.timeout 8",
        "decode.shutdown", "encode.shutdown", "journal.shutdown", "publish.shutdown");
  }

  @Test
  void aFailingMiddleStageKeepsTheEventFromTheStagesAfterIt() {
    EventHandler<RingEvent> failing = (event, sequence, endOfBatch) -> {
      throw new IllegalStateException("journal full");
    };
    SameThreadStages stages = new SameThreadStages(recording("encode"), failing, recording("publish"));
    assertThatThrownBy(() -> stages.onEvent(new RingEvent(), 1, true)).hasMessage("journal full");
    assertThat(calls).containsExactly("encode.event 1 true");
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
  void theLaterStagesAreShutDownEvenWhenAnEarlierOneFailsTo() {
    EventHandler<RingEvent> failing = new EventHandler<>() {
      @Override
      public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
      }

      @Override
      public void onShutdown() {
        throw new IllegalStateException("close failed");
      }
    };
    SameThreadStages stages = new SameThreadStages(failing, recording("encode"), recording("publish"));
    assertThatThrownBy(stages::onShutdown).hasMessage("close failed");
    assertThat(calls).containsExactly("encode.shutdown", "publish.shutdown");
  }
}
