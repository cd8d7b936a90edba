package io.pgcdc.engine.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human units the configuration uses: durations ({@code 250ms}, {@code 10s},
 * {@code 5m}, {@code 1h}, {@code 7d}) and sizes ({@code 512}, {@code 64KiB}, {@code 64MiB},
 * {@code 10GiB}, {@code 1TiB}; decimal {@code kB}/{@code MB}/{@code GB}/{@code TB} too).
 *
 * <p>Stateless and thread-safe. Parse methods throw {@link IllegalArgumentException} whose
 * message says which forms are accepted; callers prefix it with the key.
 */
public final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([kmgt]i?b|b)?");

  private Units() {}

  /** {@code 10s} -> 10 seconds. A bare number is rejected: the unit is not guessable. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration (use a number with ms, s, m, h or d, e.g. 10s)");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofDays(n);
    }
  }

  /** {@code 10GiB} -> 10737418240. A bare number is bytes. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size (use bytes or a number with KiB, MiB, GiB, TiB, kB, MB, GB, TB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long factor;
    switch (unit) {
      case "b": factor = 1; break;
      case "kib": factor = 1L << 10; break;
      case "mib": factor = 1L << 20; break;
      case "gib": factor = 1L << 30; break;
      case "tib": factor = 1L << 40; break;
      case "kb": factor = 1_000L; break;
      case "mb": factor = 1_000_000L; break;
      case "gb": factor = 1_000_000_000L; break;
      default: factor = 1_000_000_000_000L; break;
    }
    try {
      return Math.multiplyExact(n, factor);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("size too large");
    }
  }

  /** The shortest exact form in the units {@link #parseDuration} reads: 7d, 90s, 250ms. */
  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0 && ms != 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0 && ms != 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0 && ms != 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1_000L == 0) {
      return ms / 1_000L + "s";
    }
    return ms + "ms";
  }

  /** The shortest exact binary form: 10GiB, 64MiB, 1000. */
  public static String formatSize(long bytes) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes != 0 && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
