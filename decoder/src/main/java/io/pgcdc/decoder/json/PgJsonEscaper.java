package io.pgcdc.decoder.json;

import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL's {@code escape_json()}, byte for byte, over UTF-8 text: {@code "} and {@code \}
 * get a backslash, {@code \b \f \n \r \t} their short escapes, every other byte below 0x20
 * becomes <code>&#92;u00xx</code> with <em>lower-case</em> hex (Jackson would write upper case),
 * and everything else, including DEL and multi-byte UTF-8 sequences, is copied unchanged.
 *
 * <pre>
 *   input  a " \ LF 0x01 é
 *   output a \" \\ \n &#92;u0001 é
 * </pre>
 *
 * <p>One deliberate difference: a byte that is not part of a well-formed UTF-8 sequence
 * (possible only when the database encoding is SQL_ASCII, where the server does not check
 * text) becomes U+FFFD, so that every message pgcdc publishes is valid JSON; {@code to_json()}
 * would pass it through.
 *
 * <p>Stateless; thread-safe.
 */
final class PgJsonEscaper {
  /** An escaped byte takes at most six bytes (<code>&#92;u001f</code>). */
  static final int MAX_EXPANSION = 6;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

  private PgJsonEscaper() {
  }

  /** Whether any byte of the slice must be escaped or replaced (else it can be copied as is). */
  static boolean needsEscaping(byte[] src, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      int b = src[i];
      if (b >= 0) {
        if (b < 0x20 || b == '"' || b == '\\') {
          return true;
        }
      } else {
        int n = utf8SequenceLength(src, i, end);
        if (n < 0) {
          return true;
        }
        i += n - 1;
      }
    }
    return false;
  }

  /**
   * Escapes {@code src[off, off+len)} into {@code dst} from {@code at}; {@code dst} must have
   * room for {@code len * MAX_EXPANSION} bytes.
   *
   * @return the position in {@code dst} after the last byte written
   */
  static int escape(byte[] src, int off, int len, byte[] dst, int at) {
    int o = at;
    for (int i = off, end = off + len; i < end; i++) {
      byte b = src[i];
      if (b < 0) {
        int n = utf8SequenceLength(src, i, end);
        if (n < 0) {
          System.arraycopy(REPLACEMENT, 0, dst, o, REPLACEMENT.length);
          o += REPLACEMENT.length;
        } else {
          System.arraycopy(src, i, dst, o, n);
          o += n;
          i += n - 1;
        }
        continue;
      }
      switch (b) {
        case '"', '\\' -> {
          dst[o++] = '\\';
          dst[o++] = b;
        }
        case '\b' -> o = shortEscape(dst, o, 'b');
        case '\f' -> o = shortEscape(dst, o, 'f');
        case '\n' -> o = shortEscape(dst, o, 'n');
        case '\r' -> o = shortEscape(dst, o, 'r');
        case '\t' -> o = shortEscape(dst, o, 't');
        default -> {
          if (b < 0x20) {
            dst[o++] = '\\';
            dst[o++] = 'u';
            dst[o++] = '0';
            dst[o++] = '0';
            dst[o++] = HEX[b >> 4];
            dst[o++] = HEX[b & 0xF];
          } else {
            dst[o++] = b;
          }
        }
      }
    }
    return o;
  }

  /**
   * Length of the well-formed UTF-8 sequence (Unicode table 3-7: no overlongs, no surrogates,
   * nothing above U+10FFFF) starting with the non-ASCII byte at {@code i}, or -1.
   */
  static int utf8SequenceLength(byte[] b, int i, int end) {
    int lead = b[i] & 0xFF;
    int n;
    int min2 = 0x80;
    int max2 = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      n = 3;
      min2 = lead == 0xE0 ? 0xA0 : 0x80;
      max2 = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      n = 4;
      min2 = lead == 0xF0 ? 0x90 : 0x80;
      max2 = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
      return -1;
    }
    if (i + n > end) {
      return -1;
    }
    int second = b[i + 1] & 0xFF;
    if (second < min2 || second > max2) {
      return -1;
    }
    for (int k = 2; k < n; k++) {
      if ((b[i + k] & 0xC0) != 0x80) {
        return -1;
      }
    }
    return n;
  }

  private static int shortEscape(byte[] dst, int o, char c) {
    dst[o] = '\\';
    dst[o + 1] = (byte) c;
    return o + 2;
  }
}
