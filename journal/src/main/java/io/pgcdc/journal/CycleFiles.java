package io.pgcdc.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;

/**
 * The roll-cycle files of one queue: which exist, which period each holds, how many bytes each
 * really uses.
 *
 * <p>Why not {@code Files.size}: Chronicle extends a cycle file in whole mapped chunks (80 MiB
 * here) and leaves it sparse, so a file holding 200 KB of entries has an apparent size of 80 MiB
 * while using 200 KB of disk. Sizes here come from the store's write position instead (index
 * and data are both written inline, so it covers everything but the unused tail).
 *
 * <p>Thread-safe as far as Chronicle's store acquisition is; allocates (directory listings), so
 * it is used once per roll cycle and by tools, never per entry.
 */
final class CycleFiles {

  static final String SUFFIX = ".cq4";

  private final Path dir;
  private final SingleChronicleQueue queue;
  private final DateTimeFormatter names = DateTimeFormatter.ofPattern(Journal.ROLL_CYCLE.format());
  private final long cycleMillis = Journal.ROLL_CYCLE.lengthInMillis();

  CycleFiles(Path dir, SingleChronicleQueue queue) {
    this.dir = dir;
    this.queue = queue;
  }

  /** The cycle files, oldest first (their names sort by time). */
  List<Path> list() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      stream.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list journal directory " + dir, e);
    }
    files.sort(null);
    return files;
  }

  /** Start of the period a file holds, from its name; {@code Long.MAX_VALUE} for foreign names. */
  long startMillis(Path file) {
    String name = file.getFileName().toString();
    try {
      return LocalDateTime.parse(name.substring(0, name.length() - SUFFIX.length()), names)
          .toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
      return Long.MAX_VALUE;
    }
  }

  long endMillis(Path file) {
    long start = startMillis(file);
    return start == Long.MAX_VALUE ? Long.MAX_VALUE : start + cycleMillis;
  }

  /** Bytes the file really holds (see the class comment); its apparent size when unknown. */
  long usedBytes(Path file) {
    long start = startMillis(file);
    if (start != Long.MAX_VALUE) {
      int cycle = (int) ((start - queue.epoch()) / cycleMillis);
      SingleChronicleQueueStore store = null;
      try {
        store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store != null) {
          return store.writePosition();
        }
      } catch (RuntimeException e) {
        // deleted or unreadable meanwhile: fall back to the apparent size
      } finally {
        if (store != null) {
          queue.closeStore(store);
        }
      }
    }
    return apparentBytes(file);
  }

  long usedBytes() {
    long total = 0;
    for (Path file : list()) {
      total += usedBytes(file);
    }
    return total;
  }

  static long apparentBytes(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
