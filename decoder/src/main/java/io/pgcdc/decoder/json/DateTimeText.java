package io.pgcdc.decoder.json;

/**
 * Rewrites ISO timestamp text ({@code DateStyle=ISO}) into what {@code to_json()} prints
 * ({@code USE_XSD_DATES}): same digits, {@code 'T'} between date and time, and a zone offset
 * that always has minutes.
 *
 * <pre>
 *   timestamp    2026-11-21 22:41:03.123456        -> 2026-11-21T22:41:03.123456
 *   timestamptz  2026-11-21 22:41:03.123456+00     -> 2026-11-21T22:41:03.123456+00:00
 *                1900-01-01 00:00:00+05:30         -> 1900-01-01T00:00:00+05:30
 *                1850-01-01 00:00:00-00:19:32      -> 1850-01-01T00:00:00-00:19:32   (LMT)
 *                0044-03-15 12:00:00+00 BC         -> 0044-03-15T12:00:00+00:00 BC
 *                infinity / -infinity              -> unchanged
 * </pre>
 *
 * <p>Stateless; thread-safe; allocates nothing (the caller passes the output buffer).
 */
final class DateTimeText {
  private static final byte[] INFINITY = {'i', 'n', 'f', 'i', 'n', 'i', 't', 'y'};

  private DateTimeText() {
  }

  static boolean isInfinity(byte[] b, int off, int len) {
    int start = len > 0 && b[off] == '-' ? 1 : 0;
    if (len - start != INFINITY.length) {
      return false;
    }
    for (int i = 0; i < INFINITY.length; i++) {
      if (b[off + start + i] != INFINITY[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Timestamp without zone: copies the text into {@code out} with 'T' at {@code space}.
   *
   * @param space offset of the date/time separator, relative to {@code off}
   * @return bytes written, -1 when the text is not a date, a space and a time
   */
  static int iso(byte[] b, int off, int len, int space, byte[] out) {
    if (!isDateTime(b, off, len, space)) {
      return -1;
    }
    System.arraycopy(b, off, out, 0, len);
    out[space] = 'T';
    return len;
  }

  /**
   * Timestamp with zone: like {@link #iso} and an hours-only offset gets {@code :00};
   * {@code out} needs {@code len + 3} bytes.
   *
   * @return bytes written, -1 when malformed
   */
  static int isoZoned(byte[] b, int off, int len, int space, byte[] out) {
    if (!isDateTime(b, off, len, space)) {
      return -1;
    }
    int end = off + len;
    int sign = -1;
    for (int i = off + space + 1; i < end; i++) {
      if (b[i] == '+' || b[i] == '-') {
        sign = i;
        break;
      }
    }
    if (sign < 0) {
      return -1;
    }
    int zoneEnd = sign + 1;
    while (zoneEnd < end && b[zoneEnd] != ' ') {
      zoneEnd++;
    }
    int zoneLength = zoneEnd - sign - 1;
    if (zoneLength != 2 && zoneLength != 5 && zoneLength != 8) {
      return -1;
    }
    int head = zoneEnd - off;
    System.arraycopy(b, off, out, 0, head);
    out[space] = 'T';
    int o = head;
    if (zoneLength == 2) {
      out[o++] = ':';
      out[o++] = '0';
      out[o++] = '0';
    }
    System.arraycopy(b, zoneEnd, out, o, end - zoneEnd);
    return o + end - zoneEnd;
  }

  /**
   * Digits and '-' before the space, a digit right after it, and nothing but the characters
   * of ISO date/time text ({@code 0-9 : . + - space B C}) anywhere: the text is copied into a
   * JSON string unescaped, so this also keeps quotes and backslashes out of it.
   */
  private static boolean isDateTime(byte[] b, int off, int len, int space) {
    if (space < 5 || space + 1 >= len) {
      return false;
    }
    for (int i = off; i < off + space; i++) {
      if (b[i] != '-' && !isDigit(b[i])) {
        return false;
      }
    }
    if (!isDigit(b[off + space + 1])) {
      return false;
    }
    for (int i = off + space + 1; i < off + len; i++) {
      byte c = b[i];
      if (!isDigit(c) && c != ':' && c != '.' && c != '+' && c != '-' && c != ' ' && c != 'B'
          && c != 'C') {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
