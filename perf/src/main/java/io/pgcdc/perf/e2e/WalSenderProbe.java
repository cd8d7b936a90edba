package io.pgcdc.perf.e2e;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

/**
 * PostgreSQL's share of (d)'s latency: a second logical slot with {@code test_decoding}
 * ({@code include-timestamp}) read through pgjdbc while (d) runs; for each {@code COMMIT ... (at
 * <commit time>)} line it records arrival minus the commit timestamp — the same
 * {@code commit_ts} (d) subtracts, on the same clock. That is commit -> WAL flush -> walsender
 * decode -> a client that reads as fast as it can: what any consumer of the slot, pgcdc included,
 * cannot beat. Costs one more walsender decoding (d)'s single-row transactions.
 *
 * <p>Threads: {@link #start} spawns {@code bench-walsender-probe}, which reads, records and sends
 * status updates; {@link #stop} (the caller's thread) stops it and returns the figures.
 */
final class WalSenderProbe {

  /** {@code timestamptz_to_str} output with DateStyle ISO: fraction of 0-6 digits, offset {@code +HH[:MM]}. */
  static final DateTimeFormatter COMMIT_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
      .appendOffset("+HH:mm", "+00")
      .toFormatter();

  private static final String COMMIT = "COMMIT ";
  private static final String AT = "(at ";

  private final BenchServers servers;
  private final String database;
  private final String slot;
  private final long[] micros;
  private final double[] arrivals;
  private volatile boolean running = true;
  private volatile int count;
  /** The first record that counts (set by {@link #restartClock}). */
  private volatile int from;
  private volatile Exception failure;
  private Thread thread;
  private volatile long t0;

  /** {@code capacity}: at most this many commits are recorded (the rest are counted only). */
  WalSenderProbe(BenchServers servers, String database, String slot, int capacity) {
    this.servers = servers;
    this.database = database;
    this.slot = slot;
    this.micros = new long[capacity];
    this.arrivals = new double[capacity];
  }

  /**
   * Commit -> walsender client from {@link #restartClock} on, whole span and per second;
   * {@code before}: per second before it (seconds since {@link #start}).
   */
  record Result(long commits, LatencyStats stats, List<Series> overTime, String problem, List<Series> before) {

    Result(long commits, LatencyStats stats, List<Series> overTime, String problem) {
      this(commits, stats, overTime, problem, List.of());
    }
  }

  /**
   * Opens the stream (from the slot's start, i.e. what was committed since it was created) and
   * starts reading; arrival times count from {@code t0Nanos}, which {@link #restartClock} may
   * move (start the probe early, so its own walsender start-up is not inside the measured span).
   */
  void start(long t0Nanos) throws Exception {
    this.t0 = t0Nanos;
    Connection c = servers.connectReplication(database);
    PGReplicationStream stream;
    try {
      stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
          .withSlotName(slot).withSlotOption("include-timestamp", "on").withSlotOption("skip-empty-xacts", "on")
          .withStatusInterval(1, TimeUnit.SECONDS).start();
    } catch (Exception e) {
      c.close();
      throw e;
    }
    thread = new Thread(() -> read(c, stream), "bench-walsender-probe");
    thread.setDaemon(true);
    thread.start();
  }

  private void read(Connection c, PGReplicationStream stream) {
    int n = 0;
    try (c; stream) {
      while (running) {
        ByteBuffer message = stream.readPending();
        if (message == null) {
          // polls as pgcdc's slot reader does; stop() needs no interrupt
          java.util.concurrent.locks.LockSupport.parkNanos(200_000);
          continue;
        }
        long now = System.nanoTime();
        Instant wall = Instant.now();
        String text = new String(message.array(), message.arrayOffset() + message.position(), message.remaining(),
            StandardCharsets.UTF_8);
        Instant commit = commitTime(text);
        if (commit != null && n < micros.length) {
          micros[n] = (wall.getEpochSecond() - commit.getEpochSecond()) * 1_000_000L
              + (wall.getNano() - commit.getNano()) / 1000;
          arrivals[n] = (now - t0) / 1e9;
          n++;
          count = n;
        }
        stream.setAppliedLSN(stream.getLastReceiveLSN());
        stream.setFlushedLSN(stream.getLastReceiveLSN());
      }
    } catch (Exception e) {
      if (running) {
        failure = e;
      }
    }
  }

  /**
   * Arrival times count from {@code t0Nanos} (the measured span's start); what arrived before it
   * is left out of the result.
   */
  void restartClock(long t0Nanos) {
    this.t0 = t0Nanos;
    this.from = count;
  }

  /** The commit time of a test_decoding {@code COMMIT <xid> (at <time>)} line, else null. */
  static Instant commitTime(String line) {
    if (!line.startsWith(COMMIT)) {
      return null;
    }
    int at = line.indexOf(AT);
    int end = line.lastIndexOf(')');
    if (at < 0 || end < at) {
      return null;
    }
    return OffsetDateTime.parse(line.substring(at + AT.length(), end), COMMIT_TIME).toInstant();
  }

  /** Stops reading (waits for the thread) and returns what was recorded. */
  Result stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(5_000);
    }
    int n = count;
    Exception f = failure;
    // only what arrived after restartClock (commits of a lead-in before it are left out)
    long[] kept = new long[n];
    double[] at = new double[n];
    int k = 0;
    for (int i = from; i < n; i++) {
      if (arrivals[i] >= 0) {
        kept[k] = micros[i];
        at[k++] = arrivals[i];
      }
    }
    int early = Math.min(from, n);
    return new Result(k, LatencyStats.of(kept, k), LatencyProbe.perSecond(kept, at, k),
        f == null ? null : "walsender probe failed: " + f,
        LatencyProbe.perSecond(micros, java.util.Arrays.copyOf(arrivals, early), early));
  }
}
