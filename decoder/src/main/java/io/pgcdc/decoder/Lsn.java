package io.pgcdc.decoder;

/**
 * PostgreSQL log sequence numbers. Inside pgcdc an LSN is a plain {@code long} (the 64-bit WAL
 * position); the {@code %X/%X} text form (high 32 bits / low 32 bits, upper-case hex, no leading
 * zeros) appears only at the edges: config, CLI, headers, logs.
 *
 * <p>Stateless and thread-safe. {@link #write} and {@link #appendTo} allocate nothing, for hot
 * paths that build message ids and headers.
 */
public final class Lsn {

  /** {@code InvalidXLogRecPtr}: PostgreSQL's "no position". */
  public static final long INVALID = 0L;

  /** The longest text form: {@code FFFFFFFF/FFFFFFFF}. */
  public static final int MAX_TEXT_LENGTH = 17;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Lsn() {
  }

  /** {@code 0x16B3748L} -> {@code "0/16B3748"}. */
  public static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT)
        + '/' + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * Writes the {@code %X/%X} form as ASCII into {@code dst} at {@code offset}; returns the offset
   * after the last byte written. Needs at most {@link #MAX_TEXT_LENGTH} bytes.
   */
  public static int write(long lsn, byte[] dst, int offset) {
    offset = writeHex(lsn >>> 32, dst, offset);
    dst[offset++] = '/';
    return writeHex(lsn & 0xFFFF_FFFFL, dst, offset);
  }

  /** Appends the {@code %X/%X} form to {@code sb} and returns it. */
  public static StringBuilder appendTo(long lsn, StringBuilder sb) {
    appendHex(lsn >>> 32, sb);
    sb.append('/');
    appendHex(lsn & 0xFFFF_FFFFL, sb);
    return sb;
  }

  /**
   * Parses {@code "16/B374D848"}: two groups of 1 to 8 hex digits (either case) separated by one
   * {@code '/'}, as {@code pg_lsn} accepts them.
   *
   * @throws IllegalArgumentException naming the bad text and the expected form
   */
  public static long parse(String text) {
    if (text == null) {
      throw bad("null", "it is missing");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw bad(text, "it has no '/'");
    }
    long high = parseHalf(text, 0, slash, "before");
    long low = parseHalf(text, slash + 1, text.length(), "after");
    return high << 32 | low;
  }

  private static long parseHalf(String text, int from, int to, String where) {
    int digits = to - from;
    if (digits < 1 || digits > 8) {
      throw bad(text, "it needs 1 to 8 hex digits " + where + " the '/', found " + digits);
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(text.charAt(i), 16);
      if (d < 0) {
        throw bad(text, "'" + text.charAt(i) + "' is not a hex digit");
      }
      value = value << 4 | d;
    }
    return value;
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("invalid LSN '" + text + "': " + why
        + " (expected the form XXXXXXXX/XXXXXXXX, e.g. 0/16B3748)");
  }

  private static int writeHex(long value, byte[] dst, int offset) {
    int nibbles = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 3) >>> 2);
    for (int shift = (nibbles - 1) * 4; shift >= 0; shift -= 4) {
      dst[offset++] = HEX[(int) (value >>> shift) & 0xF];
    }
    return offset;
  }

  private static void appendHex(long value, StringBuilder sb) {
    int nibbles = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 3) >>> 2);
    for (int shift = (nibbles - 1) * 4; shift >= 0; shift -= 4) {
      sb.append((char) HEX[(int) (value >>> shift) & 0xF]);
    }
  }
}
