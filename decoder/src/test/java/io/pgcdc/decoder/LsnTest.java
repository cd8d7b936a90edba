package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

  @Test
  void formatsHighAndLowHalvesInUpperCaseHexWithoutLeadingZeros() {
    assertThat(Lsn.format(0x16B3748L)).isEqualTo("0/16B3748");
    assertThat(Lsn.format(0x16_B374D848L)).isEqualTo("16/B374D848");
    assertThat(Lsn.format(0)).isEqualTo("0/0");
    assertThat(Lsn.format(-1L)).isEqualTo("FFFFFFFF/FFFFFFFF");
  }

  @Test
  void parsesWhatItFormats() {
    for (long lsn : new long[] {0, 1, 0x16B3748L, 0x16_B374D848L, 0xFFFF_FFFFL, 1L << 32, -1L, Long.MIN_VALUE}) {
      assertThat(Lsn.parse(Lsn.format(lsn))).isEqualTo(lsn);
    }
    assertThat(Lsn.parse("16/b374d848")).isEqualTo(0x16_B374D848L);
  }

  @Test
  void writesWithoutAllocatingTheSameTextAsFormat() {
    byte[] dst = new byte[3 + Lsn.MAX_TEXT_LENGTH];
    for (long lsn : new long[] {0, 0x16B3748L, -1L, 0xABCDEF_00000001L}) {
      int end = Lsn.write(lsn, dst, 3);
      assertThat(new String(dst, 3, end - 3, StandardCharsets.US_ASCII)).isEqualTo(Lsn.format(lsn));
      assertThat(Lsn.appendTo(lsn, new StringBuilder("x")).toString()).isEqualTo("x" + Lsn.format(lsn));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "/", "0/", "/0", "0/0/0", "g/0", "0/-1", "123456789/0", "0/ 1", "-1/0", "0x1/0"})
  void rejectsMalformedText(String text) {
    assertThatThrownBy(() -> Lsn.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid LSN '" + text + "': ")
        .hasMessageEndingWith("(expected the form XXXXXXXX/XXXXXXXX, e.g. 0/16B3748)");
  }

  @Test
  void explainsWhatIsWrong() {
    assertThatThrownBy(() -> Lsn.parse("16B3748")).hasMessage(
        "invalid LSN '16B3748': it has no '/' (expected the form XXXXXXXX/XXXXXXXX, e.g. 0/16B3748)");
    assertThatThrownBy(() -> Lsn.parse("0/16Z")).hasMessageContaining("'Z' is not a hex digit");
    assertThatThrownBy(() -> Lsn.parse(null)).hasMessageContaining("it is missing");
  }
}
