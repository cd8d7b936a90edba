package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Remembers the last few UTF-8 strings seen (message prefixes, origin names), so a repeated one
 * costs a byte compare instead of a new {@code String}. Round-robin replacement; single-threaded.
 */
final class StringCache {
  private static final int SIZE = 16;
  private static final int MAX_LENGTH = 256;

  private final byte[][] bytes = new byte[SIZE][];
  private final String[] strings = new String[SIZE];
  private int next;

  String get(byte[] buffer, int offset, int length) {
    for (int i = 0; i < SIZE; i++) {
      byte[] b = bytes[i];
      if (b != null && Arrays.equals(b, 0, b.length, buffer, offset, offset + length)) {
        return strings[i];
      }
    }
    String s = new String(buffer, offset, length, StandardCharsets.UTF_8);
    if (length <= MAX_LENGTH) {
      bytes[next] = Arrays.copyOfRange(buffer, offset, offset + length);
      strings[next] = s;
      next = (next + 1) % SIZE;
    }
    return s;
  }
}
