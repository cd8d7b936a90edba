package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line describing the machine, for the report: CPUs, model, memory, OS, JVM, load. */
final class Machine {

  private Machine() {
  }

  static String describe() {
    return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), " + memTotal() + " RAM, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
        + System.getProperty("java.runtime.version") + ", load at start " + loadAverage();
  }

  static String loadAverage() {
    String text = read("/proc/loadavg");
    String[] fields = text.split(" ");
    return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
  }

  private static String cpuModel() {
    for (String line : read("/proc/cpuinfo").split("\n")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown model";
  }

  private static String memTotal() {
    for (String line : read("/proc/meminfo").split("\n")) {
      if (line.startsWith("MemTotal:")) {
        return (Long.parseLong(line.replaceAll("\\D", "")) / 1024 / 1024) + " GiB";
      }
    }
    return "unknown";
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }
}
