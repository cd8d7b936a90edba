package io.pgcdc.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LagTest {
  private final FakeStatus status = new FakeStatus();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T22:00:10Z"), ZoneOffset.UTC);

  @Test
  void lagBytesIsServerEndMinusFlushed() {
    status.server = 0x16B37A0L;
    status.flushed = 0x16B3748L;
    assertThat(Lag.bytes(status)).isEqualTo(0x58);
  }

  @Test
  void lagBytesIsZeroWhenNotStreamingOrCaughtUp() {
    status.flushed = 0x100;
    assertThat(Lag.bytes(status)).isZero();
    status.server = 0x100;
    assertThat(Lag.bytes(status)).isZero();
    status.server = 0x80;
    assertThat(Lag.bytes(status)).isZero();
  }

  @Test
  void lagBytesComparesLsnsUnsigned() {
    status.server = 0x8000_0000_0000_0010L;
    status.flushed = 0x7FFF_FFFF_FFFF_FFF0L;
    assertThat(Lag.bytes(status)).isEqualTo(0x20);
  }

  @Test
  void lagSecondsIsAgeOfOldestPendingTransaction() {
    status.oldestPendingCommitMicros = Instant.parse("2026-11-21T22:00:07.500Z").toEpochMilli() * 1000;
    assertThat(Lag.seconds(status, clock)).isEqualTo(2.5);
  }

  @Test
  void lagSecondsIsZeroWhenNothingIsPending() {
    assertThat(Lag.seconds(status, clock)).isZero();
  }

  @Test
  void lagSecondsNeverGoesNegativeWhenClocksDisagree() {
    status.oldestPendingCommitMicros = Instant.parse("2026-11-21T22:00:11Z").toEpochMilli() * 1000;
    assertThat(Lag.seconds(status, clock)).isZero();
  }
}
