package io.pgcdc.engine.encode;

/** UTF-8 well-formedness check without decoding (no allocation). Stateless. */
final class Utf8 {
  private Utf8() {}

  /** True when {@code buf[off, off+len)} is well-formed UTF-8 (no overlongs, no surrogates). */
  static boolean isValid(byte[] buf, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      int b = buf[i] & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (b >= 0xC2 && b <= 0xDF) {
        n = 1;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        n = 2;
        min = 0x800;
      } else if (b >= 0xF0 && b <= 0xF4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + n >= end) {
        return false;
      }
      int cp = b & (0x3F >> n);
      for (int k = 1; k <= n; k++) {
        int c = buf[i + k] & 0xFF;
        if ((c & 0xC0) != 0x80) {
          return false;
        }
        cp = cp << 6 | c & 0x3F;
      }
      if (cp < min || cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }
}
