package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Remembers the last few UTF-8 strings seen (message prefixes, origin names), or what a function
 * makes of them (the encoder's {@code _message.<prefix>} routing keys), so a repeated one costs a
 * byte compare instead of a new {@code String}.
 *
 * <p>Bounded whatever the input: {@value #ENTRIES} entries replaced round-robin, and a string over
 * {@value #MAX_LENGTH} bytes is made anew each time rather than kept, so a stream of distinct or
 * huge strings cannot grow it.
 *
 * <p>Threading: one thread (the decoder's, or the encoder's for its own cache); not thread-safe.
 */
public final class StringCache {
  static final int ENTRIES = 16;
  static final int MAX_LENGTH = 256;

  private final UnaryOperator<String> derive;
  private final byte[][] bytes = new byte[ENTRIES][];
  private final String[] strings = new String[ENTRIES];
  private int next;

  /** A cache of the decoded strings themselves. */
  public StringCache() {
    this(UnaryOperator.identity());
  }

  /** A cache of {@code derive} applied to each decoded string; {@code derive} must be pure. */
  public StringCache(UnaryOperator<String> derive) {
    this.derive = derive;
  }

  /**
   * {@code derive} of the UTF-8 text in {@code buffer[offset, offset + length)}: the same object
   * as last time while those bytes are still cached, otherwise a new one.
   */
  public String get(byte[] buffer, int offset, int length) {
    for (int i = 0; i < ENTRIES; i++) {
      byte[] b = bytes[i];
      if (b != null && Arrays.equals(b, 0, b.length, buffer, offset, offset + length)) {
        return strings[i];
      }
    }
    String s = derive.apply(new String(buffer, offset, length, StandardCharsets.UTF_8));
    if (length <= MAX_LENGTH) {
      bytes[next] = Arrays.copyOfRange(buffer, offset, offset + length);
      strings[next] = s;
      next = (next + 1) % ENTRIES;
    }
    return s;
  }
}
