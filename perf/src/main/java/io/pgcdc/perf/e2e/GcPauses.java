package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stop-the-world pauses of a JVM from its {@code -Xlog:gc} file (default decorations: uptime
 * first), within a window of uptime: how many, their total and the longest. A pause the live
 * phase's consumer saw as a latency spike shows up here when it was pgcdc's GC. Immutable.
 */
record GcPauses(int count, double totalMillis, double maxMillis) {

  private static final Pattern PAUSE = Pattern.compile("^\\[([0-9.]+)s\\].*\\bPause\\b.*?([0-9.]+)ms\\s*$",
      Pattern.MULTILINE);

  /** Pauses logged between {@code fromUptime} and {@code toUptime} seconds; zero when the log is missing. */
  static GcPauses in(Path gcLog, double fromUptime, double toUptime) throws IOException {
    if (!Files.exists(gcLog)) {
      return new GcPauses(0, 0, 0);
    }
    return parse(Files.readString(gcLog), fromUptime, toUptime);
  }

  /**
   * The longest pause in each second counted from {@code fromUptime} (second 1 = the first), as
   * (second, ms), for lining up with the live phase's per-second latency; empty without a log.
   */
  static java.util.Map<Integer, Double> perSecond(Path gcLog, double fromUptime) throws IOException {
    return Files.exists(gcLog) ? perSecond(Files.readString(gcLog), fromUptime) : java.util.Map.of();
  }

  static java.util.Map<Integer, Double> perSecond(String log, double fromUptime) {
    java.util.Map<Integer, Double> out = new java.util.TreeMap<>();
    Matcher m = PAUSE.matcher(log);
    while (m.find()) {
      double at = Double.parseDouble(m.group(1));
      if (at >= fromUptime) {
        out.merge((int) (at - fromUptime) + 1, Double.parseDouble(m.group(2)), Math::max);
      }
    }
    return out;
  }

  static GcPauses parse(String log, double fromUptime, double toUptime) {
    Matcher m = PAUSE.matcher(log);
    int count = 0;
    double total = 0;
    double max = 0;
    while (m.find()) {
      double at = Double.parseDouble(m.group(1));
      if (at >= fromUptime && at <= toUptime) {
        double ms = Double.parseDouble(m.group(2));
        count++;
        total += ms;
        max = Math.max(max, ms);
      }
    }
    return new GcPauses(count, total, max);
  }
}
