package io.pgcdc.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * One journal directory: a Chronicle Queue of {@link JournalRecord} entries, one per published
 * message (SPEC §6).
 *
 * <p><b>Roll cycle: {@link RollCycles#TEN_MINUTELY}.</b> Retention deletes whole closed cycle
 * files, so a cycle is the unit of both age and size retention. Hourly files would be too coarse
 * for size retention: at the broker's ceiling here (~15k persistent msg/s of ~1 KB) an hour is
 * ~50 GB, five times the default 10 GiB, and the current file can never be deleted. Ten minutes
 * keeps one file near or below ~9 GB at that rate (far less at real rates), caps a week at 1,008
 * files, and still allows 2^30 entries per file (1.8 M/s sustained).
 *
 * <p><b>Threads.</b> {@link #open} and {@link #close} from one owner thread. {@link #appender()}
 * returns the single appender, to be used by ONE writer thread (the engine's JournalHandler).
 * {@link #reader()} returns a new reader per call; each reader is used by one thread. A read-only
 * journal ({@link #openReadOnly}) can be read by tools while a node appends in another process.
 */
public final class Journal implements AutoCloseable {

  /** Roll cycle of every pgcdc journal (see the class comment for why). */
  public static final RollCycle ROLL_CYCLE = RollCycles.TEN_MINUTELY;

  /**
   * Appends fail with {@link JournalWriteException} once the journal's file system has less
   * usable space than this: Chronicle writes through memory-mapped files, and a mapped write
   * that hits a full disk faults inside the JVM instead of returning an error.
   */
  public static final long MIN_FREE_BYTES = 256L << 20;

  /**
   * Size of Chronicle's memory-mapped chunks (its default, set here so the limit below cannot move
   * with a Chronicle upgrade). Chronicle refuses an entry larger than about a quarter of it. A
   * larger chunk would hold larger messages, but the process maps (and its RSS counts) that much
   * more of the file: 256 MiB doubled a node's RSS (470 to 1 016 MB in a batched drain) for the
   * rare event over 16 MiB, which RabbitMQ 4's default {@code max_message_size} refuses anyway.
   * Readers need at least the writer's size, hence one constant for both.
   */
  static final long BLOCK_SIZE = 64L << 20;

  /**
   * The largest body an entry holds: a quarter of {@link #BLOCK_SIZE} less room for the entry's
   * framing (ids, routing key, headers: well under 64 KiB). The engine stops on a larger message
   * with its id and the way past it.
   */
  public static final int MAX_BODY_BYTES = (int) (BLOCK_SIZE / 4) - (64 << 10);

  private final Path dir;
  private final SingleChronicleQueue queue;
  private final JournalRetention retention;
  private final boolean readOnly;
  private final long minFreeBytes;
  private JournalAppender appender;

  private Journal(Path dir, SingleChronicleQueue queue, JournalRetention retention, boolean readOnly,
                  long minFreeBytes) {
    this.minFreeBytes = minFreeBytes;
    this.dir = dir;
    this.queue = queue;
    this.retention = retention;
    this.readOnly = readOnly;
  }

  /**
   * Opens (creating when absent) the journal in {@code config.dir()} for appending and reading,
   * and applies retention once.
   *
   * @throws JournalException when the directory cannot be created or opened
   */
  public static Journal open(JournalConfig config) {
    return open(config, SystemTimeProvider.INSTANCE, MIN_FREE_BYTES);
  }

  /** As {@link #open(JournalConfig)} with a clock and free-space floor (tests). */
  static Journal open(JournalConfig config, TimeProvider clock, long minFreeBytes) {
    Path dir = config.dir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new JournalException("cannot create journal directory: dir=" + dir + " error=" + e, e);
    }
    SingleChronicleQueue queue = build(dir, clock, false);
    JournalRetention retention = new JournalRetention(queue, new CycleFiles(dir, queue),
        config.retentionAge(), config.retentionBytes(), clock);
    Journal journal = new Journal(dir, queue, retention, false, minFreeBytes);
    retention.sweep();
    return journal;
  }

  /**
   * Opens an existing journal for reading only (tools). Never creates or deletes anything.
   *
   * @throws JournalException when {@code dir} holds no journal, with the path in the message
   */
  public static Journal openReadOnly(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE))) {
      throw new JournalException("no journal in " + abs + " (expected Chronicle Queue files: "
          + SingleChronicleQueue.QUEUE_METADATA_FILE + ", *.cq4); check --journal or journal.dir");
    }
    return new Journal(abs, build(abs, SystemTimeProvider.INSTANCE, true), null, true, 0);
  }

  /**
   * How long an appender waits for a write lock or an unfinished entry header before Chronicle
   * recovers it (its default is 10 s). A journal has exactly one appender, in one process, so the
   * only holder such a wait can meet is a writer that was killed mid-append ({@code kill -9}):
   * waiting longer only delays the restart or the failover of a node that reuses its journal.
   */
  static final long WRITE_LOCK_TIMEOUT_MS = 1_000;

  private static SingleChronicleQueue build(Path dir, TimeProvider clock, boolean readOnly) {
    try {
      SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir)
          .rollCycle(ROLL_CYCLE)
          .blockSize(BLOCK_SIZE)
          .timeProvider(clock)
          .readOnly(readOnly);
      if (!readOnly) {
        builder.timeoutMS(WRITE_LOCK_TIMEOUT_MS);
      }
      return builder.build();
    } catch (RuntimeException e) {
      throw new JournalException("cannot open journal: dir=" + dir + " readOnly=" + readOnly
          + " error=" + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * The journal's single appender (created on the first call). Use it from one thread only.
   *
   * @throws IllegalStateException when the journal was opened read-only
   */
  public synchronized JournalAppender appender() {
    if (readOnly) {
      throw new IllegalStateException("journal opened read-only: dir=" + dir);
    }
    if (appender == null) {
      appender = new JournalAppender(queue, retention, dir, minFreeBytes);
    }
    return appender;
  }

  /** A new reader positioned before the oldest entry; close it when done. */
  public JournalReader reader() {
    return new QueueJournalReader(queue);
  }

  /**
   * Deletes closed roll-cycle files older than {@code journal.retention.age}, then the oldest
   * while the journal is larger than {@code journal.retention.size}. The appender also does this
   * whenever it starts a new cycle; call it periodically when the journal may be idle.
   *
   * @return the number of files deleted
   */
  public int applyRetention() {
    if (retention == null) {
      throw new IllegalStateException("journal opened read-only: dir=" + dir);
    }
    return retention.sweep();
  }

  /**
   * Counts and bounds of what the journal holds: reads the oldest entry and the newest, and when
   * a later session rewound below the highest commit LSN (the newest entry's high-water mark),
   * seeks to an entry of that highest transaction.
   */
  public JournalInfo info() {
    queue.refreshDirectoryListing();
    JournalRecord first = new JournalRecord();
    JournalRecord last = new JournalRecord();
    boolean any;
    try (QueueJournalReader reader = new QueueJournalReader(queue)) {
      any = reader.next(first) && reader.readHighest(last);
    }
    CycleFiles cycles = new CycleFiles(dir, queue);
    long bytes = cycles.usedBytes();
    int files = cycles.list().size();
    if (!any) {
      return new JournalInfo(dir, 0, 0, 0, 0, 0, null, null, bytes, files);
    }
    return new JournalInfo(dir, queue.entryCount(), first.lsn(), first.commitLsn(), last.lsn(),
        last.commitLsn(), micros(first.commitTimeMicros()), micros(last.commitTimeMicros()), bytes, files);
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  SingleChronicleQueue queue() {
    return queue;
  }

  /** Closes the appender, readers' queue files and mappings. Idempotent. */
  @Override
  public synchronized void close() {
    if (appender != null) {
      appender.close();
    }
    queue.close();
  }

  @Override
  public String toString() {
    return "Journal{dir=" + dir + ", readOnly=" + readOnly + '}';
  }
}
