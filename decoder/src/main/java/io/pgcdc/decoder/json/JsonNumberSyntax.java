package io.pgcdc.decoder.json;

/**
 * Whether text is a JSON number, with the rules of PostgreSQL's {@code IsValidJsonNumber()}
 * (RFC 8259): {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. {@code to_json()}
 * writes a number column's text bare exactly when this holds, and as a string otherwise
 * ({@code NaN}, {@code Infinity}, {@code -Infinity}).
 *
 * <p>Stateless; thread-safe; allocates nothing.
 */
final class JsonNumberSyntax {
  private static final byte[] NAN = {'N', 'a', 'N'};
  private static final byte[] INFINITY = {'I', 'n', 'f', 'i', 'n', 'i', 't', 'y'};

  private JsonNumberSyntax() {
  }

  static boolean isNumber(byte[] b, int off, int len) {
    int p = off;
    int end = off + len;
    if (p < end && b[p] == '-') {
      p++;
    }
    if (p >= end) {
      return false;
    }
    if (b[p] == '0') {
      p++;
    } else if (isDigit(b[p])) {
      p = digits(b, p, end);
    } else {
      return false;
    }
    if (p < end && b[p] == '.') {
      p++;
      if (p >= end || !isDigit(b[p])) {
        return false;
      }
      p = digits(b, p, end);
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      if (p >= end || !isDigit(b[p])) {
        return false;
      }
      p = digits(b, p, end);
    }
    return p == end;
  }

  /** {@code NaN}, {@code Infinity} or {@code -Infinity}: what float and numeric print for those. */
  static boolean isSpecialFloat(byte[] b, int off, int len) {
    if (len > 0 && b[off] == '-') {
      return matches(b, off + 1, len - 1, INFINITY);
    }
    return matches(b, off, len, NAN) || matches(b, off, len, INFINITY);
  }

  private static boolean matches(byte[] b, int off, int len, byte[] word) {
    if (len != word.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[off + i] != word[i]) {
        return false;
      }
    }
    return true;
  }

  private static int digits(byte[] b, int p, int end) {
    while (p < end && isDigit(b[p])) {
      p++;
    }
    return p;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
