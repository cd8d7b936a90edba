package io.pgcdc.decoder;

import java.time.Instant;

/**
 * pgoutput timestamps (commit, prepare, abort times): microseconds since 2000-01-01 00:00:00 UTC
 * as a signed 64-bit integer. {@link #format(long, byte[], int)} renders them as ISO-8601 UTC text
 * with six fractional digits, {@code 2026-11-21T22:41:03.123456Z} ({@link #ISO_LENGTH} bytes),
 * without allocating.
 *
 * <p>Stateless and thread-safe.
 */
public final class PgTimestamp {
  /** Microseconds from 1970-01-01 to 2000-01-01. */
  public static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
  /** Length of the text {@link #format} writes. */
  public static final int ISO_LENGTH = 27;

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /** 0000-01-01 and 9999-12-31 as days since 1970: the four-digit years. */
  private static final long MIN_DAY = -719_528L;
  private static final long MAX_DAY = 2_932_896L;

  private PgTimestamp() {
  }

  /** Microseconds since 1970-01-01 UTC. */
  public static long toUnixMicros(long pgMicros) {
    return pgMicros + POSTGRES_EPOCH_MICROS;
  }

  /** As an {@link Instant} (allocates: edges and tests only). */
  public static Instant toInstant(long pgMicros) {
    long unix = toUnixMicros(pgMicros);
    return Instant.ofEpochSecond(Math.floorDiv(unix, 1_000_000L), Math.floorMod(unix, 1_000_000L) * 1_000L);
  }

  /** As text (allocates: edges, logs and tests). */
  public static String format(long pgMicros) {
    char[] c = new char[ISO_LENGTH];
    format(pgMicros, c, 0);
    return new String(c);
  }

  /**
   * Writes {@code YYYY-MM-DDTHH:MM:SS.ffffffZ} as ASCII at {@code offset}; returns the offset after it.
   *
   * @throws IllegalArgumentException for a year outside 0000..9999 (e.g. ±infinity)
   */
  public static int format(long pgMicros, byte[] dst, int offset) {
    long civil = civil(pgMicros);
    for (int i = 0; i < ISO_LENGTH; i++) {
      dst[offset + i] = (byte) charAt(civil, i);
    }
    return offset + ISO_LENGTH;
  }

  /** Same as {@link #format(long, byte[], int)} into a {@code char[]} (e.g. for Jackson's {@code writeString(char[], int, int)}). */
  public static int format(long pgMicros, char[] dst, int offset) {
    long civil = civil(pgMicros);
    for (int i = 0; i < ISO_LENGTH; i++) {
      dst[offset + i] = charAt(civil, i);
    }
    return offset + ISO_LENGTH;
  }

  // Packed civil time, so one calendar computation serves both output types without allocating:
  // year 14 bits | month 4 | day 5 | second of day 17 | microsecond 20.
  private static final int MICRO_BITS = 20;
  private static final int SECOND_BITS = 17;
  private static final int DAY_BITS = 5;
  private static final int MONTH_BITS = 4;

  private static long civil(long pgMicros) {
    long unix = pgMicros + POSTGRES_EPOCH_MICROS;
    if (pgMicros > 0 && unix < 0) {
      throw outOfRange(pgMicros);
    }
    long days = Math.floorDiv(unix, MICROS_PER_DAY);
    if (days < MIN_DAY || days > MAX_DAY) {
      throw outOfRange(pgMicros);
    }
    long micros = unix - days * MICROS_PER_DAY;
    // Civil date from days since 1970 (the inverse of Howard Hinnant's days_from_civil).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    long packed = year;
    packed = packed << MONTH_BITS | month;
    packed = packed << DAY_BITS | day;
    packed = packed << SECOND_BITS | micros / 1_000_000;
    return packed << MICRO_BITS | micros % 1_000_000;
  }

  /** Character {@code i} of the ISO text of a packed civil time. */
  private static char charAt(long civil, int i) {
    int micro = (int) (civil & ((1 << MICRO_BITS) - 1));
    int second = (int) (civil >>> MICRO_BITS & ((1 << SECOND_BITS) - 1));
    int day = (int) (civil >>> (MICRO_BITS + SECOND_BITS) & ((1 << DAY_BITS) - 1));
    int month = (int) (civil >>> (MICRO_BITS + SECOND_BITS + DAY_BITS) & ((1 << MONTH_BITS) - 1));
    int year = (int) (civil >>> (MICRO_BITS + SECOND_BITS + DAY_BITS + MONTH_BITS));
    // 0123456789012345678901234567
    // YYYY-MM-DDTHH:MM:SS.ffffffZ
    return switch (i) {
      case 0, 1, 2, 3 -> digit(year, 3 - i);
      case 5, 6 -> digit(month, 6 - i);
      case 8, 9 -> digit(day, 9 - i);
      case 11, 12 -> digit(second / 3600, 12 - i);
      case 14, 15 -> digit(second / 60 % 60, 15 - i);
      case 17, 18 -> digit(second % 60, 18 - i);
      case 20, 21, 22, 23, 24, 25 -> digit(micro, 25 - i);
      case 4, 7 -> '-';
      case 10 -> 'T';
      case 13, 16 -> ':';
      case 19 -> '.';
      default -> 'Z';
    };
  }

  private static final int[] POW10 = {1, 10, 100, 1000, 10_000, 100_000};

  private static char digit(int value, int power) {
    return (char) ('0' + value / POW10[power] % 10);
  }

  private static IllegalArgumentException outOfRange(long pgMicros) {
    return new IllegalArgumentException("timestamp " + pgMicros
        + " (microseconds since 2000-01-01) is outside years 0000..9999");
  }
}
