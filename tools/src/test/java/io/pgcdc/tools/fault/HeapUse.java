package io.pgcdc.tools.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM's heap use, read from its GC log ({@code -Xlog:gc:file=...}): each collection logs
 * {@code <before>M-><after>M(<committed>M)}.
 *
 * <pre>
 *   [12.345s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 301M->42M(512M) 3.210ms
 * </pre>
 *
 * @param collections collections logged with sizes
 * @param peakUsedMb the largest heap use before a collection: the most the heap held, garbage included
 * @param peakLiveMb the largest heap use after a collection: an upper bound of what was really retained
 * @param peakCommittedMb the largest committed heap (never above {@code -Xmx})
 */
public record HeapUse(int collections, long peakUsedMb, long peakLiveMb, long peakCommittedMb) {
  private static final Pattern SIZES = Pattern.compile("\\b(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  /** Parses a unified-logging {@code gc} log; a missing file reads as no collections. */
  public static HeapUse fromGcLog(Path gcLog) throws IOException {
    return Files.exists(gcLog) ? fromLines(Files.readAllLines(gcLog, StandardCharsets.UTF_8)) : fromLines(List.of());
  }

  static HeapUse fromLines(List<String> lines) {
    int collections = 0;
    long used = 0;
    long live = 0;
    long committed = 0;
    for (String line : lines) {
      Matcher m = SIZES.matcher(line);
      if (m.find()) {
        collections++;
        used = Math.max(used, Long.parseLong(m.group(1)));
        live = Math.max(live, Long.parseLong(m.group(2)));
        committed = Math.max(committed, Long.parseLong(m.group(3)));
      }
    }
    return new HeapUse(collections, used, live, committed);
  }

  public String summary() {
    return "peak heap used " + peakUsedMb + " MB (before a GC), peak after GC " + peakLiveMb + " MB, committed <= "
        + peakCommittedMb + " MB, " + collections + " collections";
  }
}
