package io.pgcdc.decoder.json;

import java.util.Arrays;

/**
 * Stack of unescaped element texts for nested values: an array element or composite field
 * that was quoted is copied here without its escapes, rendered, and popped. Each nesting level
 * works above {@link #top()}, so an array of composites of arrays needs no buffer of its own.
 *
 * <pre>
 *   bytes: [ outer element ......| inner field ...| free ...................... ]
 *                                 ^ level 1 base   ^ top
 * </pre>
 *
 * <p>Growing copies into a new array and never writes to the old one again, so a caller still
 * reading its element from the old array reads valid bytes. Not thread-safe: one per
 * {@link ValueRenderer}.
 */
final class Arena {
  private byte[] bytes = new byte[512];
  private int top;

  /** The buffer, with room for {@code more} bytes above the top. */
  byte[] reserve(int more) {
    if (top + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(top + more, bytes.length * 2));
    }
    return bytes;
  }

  int top() {
    return top;
  }

  /** Moves the top (push: past an element just written; pop: back to a saved top). */
  void top(int top) {
    this.top = top;
  }
}
