package io.pgcdc.decoder.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Random value literals per PostgreSQL type, as text PostgreSQL accepts as input, biased towards
 * the edges: empty strings, quotes, backslashes, braces, control characters, astral-plane
 * characters, huge and tiny numbers, BC and far-future dates, infinities, every zone offset.
 * Deterministic for a given seed.
 */
final class Samples {
  private static final String[] NASTY = {
      "", " ", "\"", "\\", "\\\\", "\"\"", "'", "NULL", "null", "{", "}", "{}", "(", ")", ",",
      ";", "a,b", "a b", " lead", "trail ", "tab\there", "line\nbreak", "cr\rlf", "\u0001",
      "\u001f", "\u007f", "\b\f", "é", "日本語", "😀", "\uD834\uDD1E", "\u0301", "\u2028",
      "\uFEFF", "\uDBFF\uDFFF", "/", "</script>", "[1]", "\\x00"};

  private final Random random;

  Samples(long seed) {
    this.random = new Random(seed);
  }

  List<String> list(int count, Supplier<String> generator, String... edges) {
    List<String> values = new ArrayList<>(List.of(edges));
    while (values.size() < count) {
      values.add(generator.get());
    }
    return values;
  }

  int between(int low, int high) {
    return (int) random.nextLong(low, (long) high + 1);
  }

  boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  // ---- numbers ------------------------------------------------------------------------------

  String integer(long min, long max) {
    return switch (random.nextInt(4)) {
      case 0 -> Long.toString(min + (long) (random.nextDouble() * ((double) max - min)));
      case 1 -> Long.toString(between(-1000, 1000));
      default -> Long.toString(Math.max(min, Math.min(max, random.nextLong() >> between(0, 62))));
    };
  }

  String oid() {
    return Long.toUnsignedString(random.nextInt() & 0xFFFFFFFFL);
  }

  String numeric() {
    StringBuilder s = new StringBuilder();
    if (chance(40)) {
      s.append('-');
    }
    s.append(digits(between(1, chance(20) ? 120 : 20)));
    if (chance(60)) {
      s.append('.').append(digits(between(1, chance(20) ? 120 : 12)));
    }
    if (chance(20)) {
      s.append(chance(50) ? 'e' : 'E').append(chance(50) ? "-" : "+").append(between(0, 400));
    }
    return s.toString();
  }

  String numeric(int precision, int scale) {
    String whole = digits(between(1, precision - scale)).replaceFirst("^0+(?=.)", "");
    return (chance(30) ? "-" : "") + whole + "." + digits(between(0, scale + 3));
  }

  String float8() {
    return switch (random.nextInt(4)) {
      case 0 -> Double.toString(Double.longBitsToDouble(random.nextLong()))
          .replace("NaN", "1.5");
      case 1 -> Double.toString(random.nextDouble() * Math.pow(10, between(-30, 30)));
      case 2 -> Double.toString(Double.MIN_VALUE * between(1, 1 << 20));
      default -> (chance(50) ? "-" : "") + between(0, 100000) + "." + digits(between(1, 6));
    };
  }

  String float4() {
    return switch (random.nextInt(3)) {
      case 0 -> Float.toString(Float.intBitsToFloat(random.nextInt())).replace("NaN", "2.5");
      case 1 -> Float.toString(Float.MIN_VALUE * between(1, 1 << 16));
      default -> Float.toString((float) (random.nextGaussian() * Math.pow(10, between(-10, 10))));
    };
  }

  private String digits(int count) {
    StringBuilder s = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      s.append((char) ('0' + random.nextInt(10)));
    }
    return s.toString();
  }

  // ---- strings ------------------------------------------------------------------------------

  String text(int maxChars) {
    if (chance(15)) {
      return NASTY[random.nextInt(NASTY.length)];
    }
    StringBuilder s = new StringBuilder();
    int length = between(0, maxChars);
    while (s.length() < length) {
      switch (random.nextInt(8)) {
        case 0 -> s.append(NASTY[random.nextInt(NASTY.length)]);
        case 1 -> s.append((char) between(1, 0x1f));
        case 2 -> s.appendCodePoint(between(0x80, 0x7ff));
        case 3 -> s.appendCodePoint(between(0x800, 0xd7ff));
        case 4 -> s.appendCodePoint(between(0x10000, 0x10ffff));
        default -> s.append((char) between(0x20, 0x7e));
      }
    }
    return s.toString();
  }

  /** Only characters a single-byte-per-character bound (bpchar(n), name) counts as one each. */
  String asciiText(int maxChars) {
    StringBuilder s = new StringBuilder();
    int length = between(0, maxChars);
    while (s.length() < length) {
      s.append(chance(10) ? (char) between(1, 0x1f) : (char) between(0x20, 0x7e));
    }
    return s.toString();
  }

  String json(int depth, boolean forJsonb) {
    String ws = chance(30) ? new String[] {" ", "\n", "\t", "  ", "\r\n"}[random.nextInt(5)] : "";
    int kind = depth <= 0 ? random.nextInt(4) : random.nextInt(6);
    String value = switch (kind) {
      case 0 -> jsonString(forJsonb);
      case 1 -> new String[] {"0", "-0", "1", "-12.50", "1e5", "1E+2", "2.5e-3", "1.0",
          "123456789012345678901234567890.123456789", "-0.0", "1e400"}[random.nextInt(11)];
      case 2 -> new String[] {"true", "false", "null"}[random.nextInt(3)];
      case 3 -> jsonString(forJsonb);
      case 4 -> {
        StringBuilder s = new StringBuilder("[");
        for (int i = between(0, 4); i > 0; i--) {
          s.append(json(depth - 1, forJsonb)).append(i > 1 ? "," + ws : "");
        }
        yield s.append(']').toString();
      }
      default -> {
        StringBuilder s = new StringBuilder("{");
        for (int i = between(0, 4); i > 0; i--) {
          s.append(ws).append(jsonString(forJsonb)).append(ws).append(':')
              .append(json(depth - 1, forJsonb)).append(i > 1 ? "," : "");
        }
        yield s.append('}').toString();
      }
    };
    return ws + value + ws;
  }

  private String jsonString(boolean forJsonb) {
    String text = text(12);
    StringBuilder s = new StringBuilder("\"");
    text.codePoints().forEach(c -> {
      if (c == '"' || c == '\\') {
        s.append('\\').appendCodePoint(c);
      } else if (c < 0x20) {
        s.append(String.format("\\u%04X", c));
      } else if (chance(5)) {
        s.append(new StringBuilder().appendCodePoint(c).chars()
            .mapToObj(u -> String.format("\\u%04x", u)).reduce("", String::concat));
      } else {
        s.appendCodePoint(c);
      }
    });
    if (!forJsonb && chance(3)) {
      s.append("\\u0000");
    }
    return s.append('"').toString();
  }

  String bytea() {
    byte[] bytes = new byte[between(0, 40)];
    random.nextBytes(bytes);
    return "\\x" + HexFormat.of().formatHex(bytes);
  }

  String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  // ---- date and time -------------------------------------------------------------------------

  String date() {
    int roll = random.nextInt(10);
    int year = roll == 0 ? between(1, 4713) : roll == 1 ? between(10000, 5874896)
        : between(1, 9999);
    return String.format("%04d-%02d-%02d%s", year, between(1, 12), between(1, 28),
        roll == 0 ? " BC" : "");
  }

  String time() {
    return String.format("%02d:%02d:%02d%s", between(0, 23), between(0, 59), between(0, 59),
        fraction());
  }

  String zoneOffset() {
    String sign = chance(50) ? "+" : "-";
    int hours = between(0, 15);
    return switch (random.nextInt(4)) {
      case 0 -> String.format("%s%02d", sign, hours);
      case 1 -> String.format("%s%02d:%02d:%02d", sign, hours, between(0, 59), between(0, 59));
      default -> String.format("%s%02d:%02d", sign, hours, between(0, 59));
    };
  }

  String timestamp(boolean withZone) {
    int roll = random.nextInt(10);
    int year = roll == 0 ? between(1, 4713) : roll == 1 ? between(10000, 294275)
        : between(1, 9999);
    return String.format("%04d-%02d-%02d %02d:%02d:%02d%s%s%s", year, between(1, 12),
        between(1, 28), between(0, 23), between(0, 59), between(0, 59), fraction(),
        withZone ? zoneOffset() : "", roll == 0 ? " BC" : "");
  }

  private String fraction() {
    return switch (random.nextInt(4)) {
      case 0 -> "";
      case 1 -> ".000000";
      case 2 -> "." + digits(between(1, 6)) + "0";
      default -> "." + digits(6);
    };
  }

  String interval() {
    StringBuilder s = new StringBuilder();
    String[] units = {"years", "months", "days", "hours", "minutes"};
    for (String unit : units) {
      if (chance(50)) {
        s.append(between(-5000, 5000)).append(' ').append(unit).append(' ');
      }
    }
    if (chance(60)) {
      s.append(chance(30) ? "-" : "").append(between(0, 100000)).append('.')
          .append(digits(between(1, 6))).append(" seconds");
    }
    return s.length() == 0 ? "0" : s.toString().trim();
  }

  // ---- network, bits, money ------------------------------------------------------------------

  String inet() {
    if (chance(50)) {
      String address = between(0, 255) + "." + between(0, 255) + "." + between(0, 255) + "."
          + between(0, 255);
      return chance(50) ? address : address + "/" + between(0, 32);
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      s.append(i > 0 ? ":" : "").append(Integer.toHexString(chance(30) ? 0 : between(0, 0xffff)));
    }
    return chance(50) ? s.toString() : s + "/" + between(0, 128);
  }

  String mac(int bytes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      s.append(i > 0 ? ":" : "").append(String.format("%02x", between(0, 255)));
    }
    return s.toString();
  }

  String bits(int min, int max) {
    int length = between(min, max);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(chance(50) ? '1' : '0');
    }
    return s.toString();
  }

  String money() {
    return (chance(30) ? "-" : "") + new BigInteger(between(1, 50), random) + "." + digits(2);
  }

  // ---- literals of structured values ---------------------------------------------------------

  /**
   * An array literal of random shape: 1-3 dimensions, 0-4 elements each, NULL elements, and now
   * and then explicit lower bounds, every element quoted so any text is safe.
   */
  String array(Supplier<String> element, char delimiter) {
    int dimensions = between(1, 3);
    int[] lengths = new int[dimensions];
    for (int i = 0; i < dimensions; i++) {
      lengths[i] = between(1, 4);
    }
    if (chance(8)) {
      return "{}";
    }
    StringBuilder s = new StringBuilder();
    if (chance(20)) {
      for (int length : lengths) {
        int low = between(-3, 3);
        s.append('[').append(low).append(':').append(low + length - 1).append(']');
      }
      s.append('=');
    }
    appendLevel(s, element, delimiter, lengths, 0);
    return s.toString();
  }

  private void appendLevel(StringBuilder s, Supplier<String> element, char delimiter,
      int[] lengths, int level) {
    s.append('{');
    for (int i = 0; i < lengths[level]; i++) {
      if (i > 0) {
        s.append(delimiter);
      }
      if (level + 1 < lengths.length) {
        appendLevel(s, element, delimiter, lengths, level + 1);
      } else if (chance(12)) {
        s.append("NULL");
      } else {
        s.append(quoteArrayElement(element.get()));
      }
    }
    s.append('}');
  }

  static String quoteArrayElement(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** A record literal; {@code null} fields become empty (NULL), the rest are quoted. */
  static String record(String... fields) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        s.append(',');
      }
      if (fields[i] != null) {
        s.append('"').append(fields[i].replace("\\", "\\\\").replace("\"", "\"\"")).append('"');
      }
    }
    return s.append(')').toString();
  }

  /** {@code null} (NULL) now and then, else the generated value. */
  String maybeNull(Supplier<String> value) {
    return chance(15) ? null : value.get();
  }
}
