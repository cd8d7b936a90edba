package io.pgcdc.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleNapTest {
  private static final long US = TimeUnit.MICROSECONDS.toNanos(1);

  @Test
  void napsDoubleUpToTheBusyCapWhileWorkWasRecent() {
    long nap = 200 * US;
    for (int i = 0; i < 10; i++) {
      nap = IdleNap.next(nap, 800 * US, IdleNap.GRACE_NANOS - 1);
    }
    assertThat(nap).isEqualTo(800 * US);
  }

  @Test
  void napsGrowToTheIdleCapOnceIdleLongerThanTheGrace() {
    long nap = 800 * US;
    for (int i = 0; i < 10; i++) {
      nap = IdleNap.next(nap, 800 * US, IdleNap.GRACE_NANOS);
    }
    assertThat(nap).isEqualTo(IdleNap.IDLE_MAX_NANOS);
  }

  @Test
  void aBusyCapAboveTheIdleCapIsKept() {
    long busyMax = 2 * IdleNap.IDLE_MAX_NANOS;
    assertThat(IdleNap.next(busyMax, busyMax, IdleNap.GRACE_NANOS * 10)).isEqualTo(busyMax);
  }

  @Test
  void theFirstNapsOfAnIdleSpellStayShort() {
    assertThat(IdleNap.next(200 * US, 200 * US, 0)).isEqualTo(200 * US);
    assertThat(IdleNap.next(200 * US, 200 * US, IdleNap.GRACE_NANOS)).isEqualTo(400 * US);
  }
}
