package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PgTimestampTest {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static long pg(Instant i) {
    return (i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000) - PgTimestamp.POSTGRES_EPOCH_MICROS;
  }

  @Test
  void formatsSpecExample() {
    long micros = pg(Instant.parse("2026-11-21T22:41:03.123456Z"));
    assertThat(PgTimestamp.format(micros)).isEqualTo("2026-11-21T22:41:03.123456Z");
    assertThat(PgTimestamp.format(0)).isEqualTo("2000-01-01T00:00:00.000000Z");
    assertThat(PgTimestamp.format(-1)).isEqualTo("1999-12-31T23:59:59.999999Z");
    assertThat(PgTimestamp.toInstant(micros)).isEqualTo(Instant.parse("2026-11-21T22:41:03.123456Z"));
  }

  @Test
  void agreesWithJavaTimeAcrossFourDigitYears() {
    SplittableRandom random = new SplittableRandom(42);
    long min = pg(Instant.parse("0000-01-01T00:00:00Z"));
    long max = pg(Instant.parse("9999-12-31T23:59:59.999999Z"));
    byte[] bytes = new byte[PgTimestamp.ISO_LENGTH + 2];
    char[] chars = new char[PgTimestamp.ISO_LENGTH];
    for (int i = 0; i < 100_000; i++) {
      long micros = i == 0 ? min : i == 1 ? max : random.nextLong(min, max);
      String expected = ISO.format(PgTimestamp.toInstant(micros));
      assertThat(PgTimestamp.format(micros, bytes, 2)).isEqualTo(2 + PgTimestamp.ISO_LENGTH);
      assertThat(new String(bytes, 2, PgTimestamp.ISO_LENGTH, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(expected);
      PgTimestamp.format(micros, chars, 0);
      assertThat(new String(chars)).isEqualTo(expected);
    }
  }

  @Test
  void rejectsYearsBeyondFourDigitsSuchAsInfinity() {
    assertThatThrownBy(() -> PgTimestamp.format(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside years 0000..9999");
    assertThatThrownBy(() -> PgTimestamp.format(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
  }
}
