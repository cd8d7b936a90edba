package io.pgcdc.engine.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void acceptsWellFormedText() {
    byte[] b = "ascii Åkerfeldt €uro 😀".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.isValid(b, 0, b.length)).isTrue();
    assertThat(Utf8.isValid(b, 0, 0)).isTrue();
  }

  @Test
  void rejectsBinaryOverlongSurrogatesAndTruncatedSequences() {
    assertThat(valid(0xff, 0x00)).isFalse();
    assertThat(valid(0xc0, 0xaf)).as("overlong /").isFalse();
    assertThat(valid(0xed, 0xa0, 0x80)).as("surrogate").isFalse();
    assertThat(valid(0xe2, 0x82)).as("truncated €").isFalse();
    assertThat(valid(0xf4, 0x90, 0x80, 0x80)).as("above U+10FFFF").isFalse();
  }

  private static boolean valid(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return Utf8.isValid(b, 0, b.length);
  }
}
