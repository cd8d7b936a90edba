package io.pgcdc.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void parsesEveryDurationUnit() {
    assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Units.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Units.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Units.parseDuration(" 7D ")).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void rejectsDurationWithoutUnit() {
    assertThatThrownBy(() -> Units.parseDuration("10")).hasMessageContaining("e.g. 10s");
    assertThatThrownBy(() -> Units.parseDuration("-1s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesBinaryAndDecimalSizes() {
    assertThat(Units.parseSize("512")).isEqualTo(512);
    assertThat(Units.parseSize("64KiB")).isEqualTo(64L << 10);
    assertThat(Units.parseSize("64MiB")).isEqualTo(64L << 20);
    assertThat(Units.parseSize("10GiB")).isEqualTo(10L << 30);
    assertThat(Units.parseSize("1TiB")).isEqualTo(1L << 40);
    assertThat(Units.parseSize("2GB")).isEqualTo(2_000_000_000L);
    assertThat(Units.parseSize("3kB")).isEqualTo(3_000L);
  }

  @Test
  void rejectsUnknownAndOverflowingSizes() {
    assertThatThrownBy(() -> Units.parseSize("10 parsecs")).hasMessageContaining("GiB");
    assertThatThrownBy(() -> Units.parseSize("99999999999TiB")).hasMessage("size too large");
  }

  @Test
  void formatsTheShortestExactForm() {
    assertThat(Units.formatDuration(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Units.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Units.formatDuration(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Units.formatSize(10L << 30)).isEqualTo("10GiB");
    assertThat(Units.formatSize(1000)).isEqualTo("1000");
  }
}
