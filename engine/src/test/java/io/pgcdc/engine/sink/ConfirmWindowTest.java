package io.pgcdc.engine.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.Timer;
import com.lmax.disruptor.Sequence;
import io.pgcdc.engine.pipeline.PipelineControl;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
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
  void afterANackTheEventsWhoseMessagesTheBrokerAckedAreDeliveredAndTheNackedOneIsNot() {
    ConfirmWindow w = new ConfirmWindow(8, confirmed, control, new Timer());
    for (long event = 0; event < 3; event++) {
      w.issue(event);
      w.handled(event);
    }
    w.ack(1, false);
    w.nack(2, false);
    w.ack(3, false);

    assertThat(confirmed.get()).as("nothing past the nack").isEqualTo(0);
    assertThat(w.failure()).isEqualTo("broker nacked delivery tag 2");
    assertThat(delivered(w, 1, 2)).containsExactly(2L);
  }

  @Test
  void aMultipleAckAfterAMultipleNackDoesNotCountTheNackedTags() {
    ConfirmWindow w = new ConfirmWindow(8, confirmed, control, new Timer());
    for (long event = 0; event < 4; event++) {
      w.issue(event);
      w.handled(event);
    }
    w.ack(3, false);
    w.nack(2, true);
    w.ack(4, true);

    assertThat(delivered(w, 0, 3)).as("tags 1-2 nacked, 3 acked before, 4 after").containsExactly(2L, 3L);
  }

  @Test
  void anEventIsDeliveredOnlyWhenItWasPublishedWholeAndEveryMessageOfItAcked() {
    ConfirmWindow w = new ConfirmWindow(8, confirmed, control, new Timer());
    w.issue(0);
    w.issue(0);
    w.handled(0);
    w.handled(1); // no messages (a Begin)
    w.issue(2);   // its second message was never issued: the channel failed first
    w.ack(2, false);
    w.ack(3, false);
    w.failed("connection to RabbitMQ lost", false);

    assertThat(delivered(w, 0, 2)).as("event 0 lacks the ack of tag 1, event 2 was not handled").containsExactly(1L);
  }

  private static List<Long> delivered(ConfirmWindow w, long base, long upTo) {
    BitSet bits = new BitSet();
    w.collectDelivered(bits, base, upTo);
    return bits.stream().mapToObj(i -> base + i).toList();
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

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aThreadParkedOnAFullWindowIsWokenByTheAckThatMakesRoom() throws Exception {
    for (int i = 0; i < 4; i++) {
      window.issue(0);
    }
    Thread waiter = new Thread(() -> window.parkUntilBelow(2, TimeUnit.MINUTES.toNanos(5)));
    waiter.start();
    awaitParked(waiter);
    window.ack(1, false);
    assertThat(waiter.isAlive()).as("3 in flight is not below 2").isTrue();
    window.ack(3, true);
    waiter.join();
    assertThat(window.inFlight()).isEqualTo(1);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aThreadParkedOnAFullWindowIsWokenWhenTheChannelFails() throws Exception {
    for (int i = 0; i < 4; i++) {
      window.issue(0);
    }
    Thread waiter = new Thread(() -> window.parkUntilBelow(2, TimeUnit.MINUTES.toNanos(5)));
    waiter.start();
    awaitParked(waiter);
    window.failed("connection to RabbitMQ lost", false);
    waiter.join();
    assertThat(window.inFlight()).isEqualTo(4);
  }

  @Test
  void parkingWithRoomAlreadyBelowTheLimitReturnsAtOnce() {
    window.issue(0);
    window.parkUntilBelow(2, TimeUnit.MINUTES.toNanos(5));
    assertThat(window.inFlight()).isEqualTo(1);
  }

  private static void awaitParked(Thread t) {
    await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
  }
}
