package io.pgcdc.engine.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Timer;
import com.lmax.disruptor.Sequence;
import io.pgcdc.engine.pipeline.PipelineControl;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConfirmWindowTest {
  private final Sequence confirmed = new Sequence(-1);
  private final PipelineControl control = new PipelineControl(e -> { });
  private final ConfirmWindow window = new ConfirmWindow(4, confirmed, control, new Timer());

  @Test
  void confirmsAnEventOnlyWhenEveryMessageOfItIsAcked() {
    window.issue(0);
    window.issue(0);
    window.handled(0);
    window.ack(1, false);
    assertThat(confirmed.get()).isEqualTo(-1);
    window.ack(2, false);
    assertThat(confirmed.get()).isEqualTo(0);
  }

  @Test
  void outOfOrderAcksAdvanceOnlyOverTheContiguousPrefix() {
    for (long event = 0; event < 3; event++) {
      window.issue(event);
      window.handled(event);
    }
    window.ack(3, false);
    window.ack(2, false);
    assertThat(confirmed.get()).isEqualTo(-1);
    window.ack(1, false);
    assertThat(confirmed.get()).isEqualTo(2);
    assertThat(window.inFlight()).isZero();
  }

  @Test
  void multipleAckConfirmsEverythingUpToTheTag() {
    for (long event = 0; event < 3; event++) {
      window.issue(event);
      window.handled(event);
    }
    window.ack(2, true);
    assertThat(confirmed.get()).isEqualTo(1);
    window.ack(3, true);
    assertThat(confirmed.get()).isEqualTo(2);
  }

  @Test
  void eventsWithoutMessagesAreConfirmedOnceEverythingBeforeThemIs() {
    window.issue(0);
    window.handled(0);
    window.handled(1);
    window.handled(2);
    assertThat(confirmed.get()).isEqualTo(-1);
    window.ack(1, false);
    assertThat(confirmed.get()).isEqualTo(2);
    window.handled(3);
    assertThat(confirmed.get()).isEqualTo(3);
  }

  @Test
  void afterAFailureNothingIsConfirmedAnyMore() {
    window.issue(0);
    window.handled(0);
    window.failed("message returned: unroutable", true);
    window.ack(1, false);
    assertThat(confirmed.get()).isEqualTo(-1);
    assertThat(window.fatal()).isTrue();
    assertThat(window.issue(1)).isFalse();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aFullWindowWaitsAndGivesUpWhenThePipelineHalts() {
    for (int i = 0; i < 4; i++) {
      window.issue(0);
    }
    control.halt();
    assertThatThrownBy(() -> window.issue(0)).isInstanceOf(PipelineControl.Halted.class);
  }
}
