package io.pgcdc.perf.e2e;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Phase (d): commit-to-delivery latency at a steady rate of single-row transactions while pgcdc
 * streams live. {@code writers} threads ({@code bench-writer-N}, one connection each,
 * {@code synchronous_commit} as the server has it — on: with it off the walsender would only see
 * a commit after the walwriter's next flush) share one schedule: transaction i is due at
 * {@code t0 + i / rate}, so the offered rate does not drift when one commit is slow.
 *
 * <p>A consumer on the benchmark queue (amqp-client's consumer thread) takes each message's
 * {@code commit_ts} (PostgreSQL's commit timestamp, µs) from the body and subtracts it from the
 * arrival time on the same machine's clock: commit (PostgreSQL's commit timestamp, taken before
 * its WAL flush) -> decoded -> published -> routed -> delivered to a consumer. That is not
 * commit-to-confirm exactly: with a consumer attached and auto-ack, a classic queue delivers a
 * persistent message and may confirm it without waiting for its fsync, so the two differ by about
 * one broker-to-client hop either way (pgcdc's own publish -> ack timer is reported beside it).
 *
 * <p>The first {@code warmUpSeconds} (default {@link #WARM_UP_SECONDS}) of arrivals are also left
 * out of a second set of percentiles ({@link Result#steady()}): the whole-run figures stay the
 * headline.
 */
final class LatencyProbe {

  /** Arrivals before this many seconds count in the whole-run percentiles only (default). */
  static final double WARM_UP_SECONDS = 5;

  private static final byte[] COMMIT_TS = "\"commit_ts\":\"".getBytes(StandardCharsets.US_ASCII);
  /** The row's {@code name} is {@code customer-<FIRST_G + i>} for transaction i of the schedule. */
  private static final byte[] CUSTOMER = "customer-".getBytes(StandardCharsets.US_ASCII);
  static final long FIRST_G = 10_000_000_000L;

  private final BenchDatabase db;
  private final int rate;
  private final int seconds;
  private final int writers;
  private final double warmUpSeconds;
  private final int leadInSeconds;

  LatencyProbe(BenchDatabase db, int rate, int seconds, int writers) {
    this(db, rate, seconds, writers, WARM_UP_SECONDS);
  }

  LatencyProbe(BenchDatabase db, int rate, int seconds, int writers, double warmUpSeconds) {
    this(db, rate, seconds, writers, warmUpSeconds, 0);
  }

  /**
   * @param leadInSeconds the same load runs this long before the measured {@code seconds}, as one
   *     schedule: transactions due in the lead-in go to {@link Result#leadIn()} only (the load is
   *     steady when the measured span starts; the lead-in holds the idle -> busy edge)
   */
  LatencyProbe(BenchDatabase db, int rate, int seconds, int writers, double warmUpSeconds, int leadInSeconds) {
    this.leadInSeconds = leadInSeconds;
    this.warmUpSeconds = warmUpSeconds;
    this.db = db;
    this.rate = rate;
    this.seconds = seconds;
    this.writers = writers;
  }

  int rate() {
    return rate;
  }

  int seconds() {
    return seconds;
  }

  int leadInSeconds() {
    return leadInSeconds;
  }

  /**
   * What the live phase measured: {@code stats} over every delivery, {@code steady} over those
   * that arrived after {@code warmUpSeconds}.
   */
  record Result(int targetRate, double achievedRate, long committed, long delivered, LatencyStats stats,
                List<Series> overTime, LatencyStats steady, double warmUpSeconds, LatencyStats leadIn,
                int leadInSeconds, List<Series> leadInOverTime) {

    Result(int targetRate, double achievedRate, long committed, long delivered, LatencyStats stats,
           List<Series> overTime, LatencyStats steady, double warmUpSeconds) {
      this(targetRate, achievedRate, committed, delivered, stats, overTime, steady, warmUpSeconds, LatencyStats.EMPTY,
          0, List.of());
    }
  }

  /** Runs the writers against the database while consuming {@code queue} on {@code channel}. */
  Result run(Channel channel, String queue) throws Exception {
    return run(channel, queue, () -> { });
  }

  /**
   * As {@link #run(Channel, String)}; {@code measuredStart} runs on the caller's thread when the
   * measured span begins (after the lead-in), to start what is recorded beside it.
   */
  Result run(Channel channel, String queue, Runnable measuredStart) throws Exception {
    long leadIn = (long) rate * leadInSeconds;
    long total = leadIn + (long) rate * seconds;
    long[] latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, total + total / 4 + 16)];
    long[] arrivalNanos = new long[latencies.length];
    long[] ticketOf = new long[latencies.length];
    AtomicLong delivered = new AtomicLong();
    AtomicLong recorded = new AtomicLong(); // published after the arrays are written: main reads after it
    String tag = channel.basicConsume(queue, true, (consumerTag, delivery) -> {
      long micros = latencyMicros(delivery);
      int i = (int) delivered.getAndIncrement();
      if (micros >= 0 && i < latencies.length) {
        latencies[i] = micros;
        arrivalNanos[i] = System.nanoTime();
        ticketOf[i] = ticket(delivery.getBody());
      }
      recorded.incrementAndGet();
    }, consumerTag -> { });
    AtomicLong ticket = new AtomicLong();
    AtomicLong committed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    // The schedule starts once every writer has its connection (and its backend has read the
    // table's catalog): 16 backends starting up are not part of the load, and would otherwise
    // turn the first due transactions into a burst.
    long[] start = new long[1];
    java.util.concurrent.CountDownLatch scheduled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CyclicBarrier connected = new java.util.concurrent.CyclicBarrier(writers, () -> {
      start[0] = System.nanoTime();
      scheduled.countDown();
    });
    for (int w = 0; w < writers; w++) {
      Thread t = new Thread(() -> write(connected, start, total, ticket, committed, failures), "bench-writer-" + w);
      t.start();
      threads.add(t);
    }
    if (scheduled.await(90, TimeUnit.SECONDS)) {
      long wait = start[0] + leadInSeconds * 1_000_000_000L - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      measuredStart.run();
    }
    for (Thread t : threads) {
      t.join();
    }
    double writeSeconds = (System.nanoTime() - start[0]) / 1e9;
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (delivered.get() < committed.get() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    channel.basicCancel(tag);
    while (recorded.get() < delivered.get() && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(1)) {
      Thread.sleep(5);
    }
    // split: lead-in transactions aside; arrivals in seconds since the measured span's start
    int n = (int) Math.min(delivered.get(), latencies.length);
    long[] measured = new long[n];
    double[] arrivals = new double[n];
    long[] early = new long[n];
    double[] earlyAt = new double[n];
    int m = 0;
    int e = 0;
    long spanStart = start[0] + leadInSeconds * 1_000_000_000L;
    for (int i = 0; i < n; i++) {
      if (ticketOf[i] >= 0 && ticketOf[i] < leadIn) {
        earlyAt[e] = Math.max(0, (arrivalNanos[i] - start[0]) / 1e9);
        early[e++] = latencies[i];
      } else {
        measured[m] = latencies[i];
        arrivals[m++] = Math.max(0, (arrivalNanos[i] - spanStart) / 1e9);
      }
    }
    return new Result(rate, committed.get() / writeSeconds, committed.get() - Math.min(leadIn, committed.get()), m,
        LatencyStats.of(measured, m), perSecond(measured, arrivals, m),
        statsAfter(measured, arrivals, m, warmUpSeconds), warmUpSeconds, LatencyStats.of(early, e), leadInSeconds,
        perSecond(early, earlyAt, e));
  }

  /** Transaction i of the schedule from the row's {@code name} in the body; -1 when absent. */
  static long ticket(byte[] body) {
    int at = indexOf(body, CUSTOMER);
    if (at < 0) {
      return -1;
    }
    long g = 0;
    int digits = 0;
    for (int i = at + CUSTOMER.length; i < body.length && body[i] >= '0' && body[i] <= '9'; i++, digits++) {
      g = g * 10 + (body[i] - '0');
    }
    return digits == 0 || g < FIRST_G ? -1 : g - FIRST_G;
  }

  /** Percentiles of the latencies that arrived at or after {@code fromSeconds}. */
  static LatencyStats statsAfter(long[] latencies, double[] arrivals, int n, double fromSeconds) {
    long[] kept = new long[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (arrivals[i] >= fromSeconds) {
        kept[k++] = latencies[i];
      }
    }
    return LatencyStats.of(kept, k);
  }

  private void write(java.util.concurrent.CyclicBarrier connected, long[] startNanos, long total, AtomicLong ticket,
                     AtomicLong committed, List<Exception> failures) {
    String sql = "INSERT INTO public." + BenchDatabase.TABLE + " (" + BenchDatabase.COLUMNS + ") SELECT "
        + BenchDatabase.ROW + " FROM (SELECT ?::bigint AS g) s";
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      try (java.sql.Statement st = c.createStatement()) {
        // a fresh backend loads the table's catalog entries on first use: do it before the clock starts
        st.execute("SELECT 1 FROM public." + BenchDatabase.TABLE + " LIMIT 0");
      }
      awaitQuietly(connected);
      long start = startNanos[0]; // written by the barrier's action, which happens-before await returns
      for (long i = ticket.getAndIncrement(); i < total; i = ticket.getAndIncrement()) {
        long due = start + i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        ps.setLong(1, FIRST_G + i);
        ps.executeUpdate();
        committed.incrementAndGet();
      }
    } catch (SQLException e) {
      connected.reset(); // a writer that cannot connect must not leave the others waiting
      failures.add(e);
    }
  }

  private static void awaitQuietly(java.util.concurrent.CyclicBarrier barrier) throws SQLException {
    try {
      barrier.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while the writers connected", e);
    } catch (java.util.concurrent.BrokenBarrierException | java.util.concurrent.TimeoutException e) {
      throw new SQLException("another writer failed to connect", e);
    }
  }

  /** Arrival time minus commit_ts, µs; -1 when the body has no commit_ts. */
  static long latencyMicros(Delivery delivery) {
    Instant now = Instant.now();
    byte[] body = delivery.getBody();
    int at = indexOf(body, COMMIT_TS);
    if (at < 0) {
      return -1;
    }
    int from = at + COMMIT_TS.length;
    int to = from;
    while (to < body.length && body[to] != '"') {
      to++;
    }
    Instant commit = Instant.parse(new String(body, from, to - from, StandardCharsets.US_ASCII));
    return (now.getEpochSecond() - commit.getEpochSecond()) * 1_000_000L + (now.getNano() - commit.getNano()) / 1000;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** p50, p99 and max of the latencies that arrived in each whole second, for the chart. */
  static List<Series> perSecond(long[] latencies, double[] arrivals, int n) {
    Series p50 = new Series("p50", "ms");
    Series p99 = new Series("p99", "ms");
    Series max = new Series("max", "ms");
    int buckets = 0;
    for (int i = 0; i < n; i++) {
      buckets = Math.max(buckets, (int) arrivals[i] + 1);
    }
    List<List<Long>> bySecond = new ArrayList<>();
    for (int b = 0; b < buckets; b++) {
      bySecond.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      bySecond.get((int) arrivals[i]).add(latencies[i]);
    }
    for (int b = 0; b < buckets; b++) {
      long[] values = bySecond.get(b).stream().mapToLong(Long::longValue).toArray();
      if (values.length == 0) {
        continue;
      }
      Arrays.sort(values);
      p50.add(b + 1, LatencyStats.percentile(values, 50) / 1000.0);
      p99.add(b + 1, LatencyStats.percentile(values, 99) / 1000.0);
      max.add(b + 1, values[values.length - 1] / 1000.0);
    }
    return List.of(p50, p99, max);
  }
}
