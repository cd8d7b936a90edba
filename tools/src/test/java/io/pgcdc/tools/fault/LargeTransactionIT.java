package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.decoder.Lsn;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #4: ONE transaction of 2,000,000 rows through a real {@code pgcdc run} with a 512 MB heap
 * (SPEC §10: heap bounded whatever the transaction size). PostgreSQL streams the transaction
 * while it is still open (pgoutput protocol v2); pgcdc spools it to disk and publishes it once the
 * commit arrives, while a consumer drains the queue so the broker never holds millions of messages.
 *
 * <pre>
 *   INSERT INTO fault_rows SELECT 0, g, 128 chars FROM generate_series(0, 1999999) g   (one transaction)
 *     │ walsender: logical_decoding_work_mem 64MB exceeded -&gt; Stream Start/changes/Stop ... Stream Commit
 *   pgcdc (java -Xmx512m -XX:+ExitOnOutOfMemoryError -Xlog:gc:file=n1-gc.log)
 *     │ 2,000,000 row events, ids &lt;slot&gt;/&lt;commit LSN&gt;/0 .. 1999999
 *   exchange ──#──▶ queue ──▶ RowCounter (one bit per row, auto-ack)
 * </pre>
 *
 * <p>Proves: the child never runs out of heap (an OutOfMemoryError would end it at once), every row
 * arrives with the transaction's one commit LSN and its position as ordinal, first arrivals in
 * statement order, the slot was really streamed ({@code pg_stat_replication_slots.stream_txns}),
 * and the slot flushes past the commit. Peak heap, wall time and events/s are printed, not asserted.
 *
 * <p>A second, smaller transaction (200 000 rows, streamed with {@code logical_decoding_work_mem = 1MB})
 * has its walsender terminated while pgcdc publishes it from the spool: it must be published again,
 * whole, under the same ids, by the same process.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class LargeTransactionIT {
  private static final Logger LOG = LoggerFactory.getLogger(LargeTransactionIT.class);
  private static final int ROWS = 2_000_000;
  /** Enough to be streamed with {@code logical_decoding_work_mem = 1MB}, and to be cut mid-publish. */
  private static final int CUT_ROWS = 200_000;
  private static final int HEAP_MB = 512;
  /** The whole delivery may take long on a loaded machine; {@link FaultBed#PATIENCE} bounds a stall. */
  private static final Duration ALL_ROWS = Duration.ofMinutes(15);
  private static final Duration PROGRESS_LOG_EVERY = Duration.ofSeconds(15);

  private FaultBed bed;
  private RowCounter counter;

  @BeforeEach
  void createBed() throws Exception {
    bed = FaultBed.createWithoutRecorder("faultbig");
  }

  @AfterEach
  void removeBed() throws Exception {
    bed.closeAfter(() -> {
      if (counter != null) {
        counter.close();
      }
    });
  }

  @Test
  void aTwoMillionRowTransactionIsStreamedThroughA512MbHeapAndEveryRowArrivesInOrderWithItsOrdinal()
      throws Exception {
    // PostgreSQL's default, pinned on this database only (a walsender applies database settings),
    // so the transaction is streamed whatever the shared server's logical_decoding_work_mem is.
    bed.postgres().execute("ALTER DATABASE " + bed.database() + " SET logical_decoding_work_mem = '64MB'");
    counter = RowCounter.start(bed.rabbit().uri(), bed.exchange(), bed.queue(), bed.slot(), ROWS);
    Path gcLog = bed.file("n1-gc.log").toAbsolutePath();
    PgcdcNode node = bed.node("n1", bed.config("n1"),
        List.of("-Xmx" + HEAP_MB + "m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog)).start();
    bed.awaitSlotActive(node);

    long start = System.nanoTime();
    insertRowsInOneTransaction(ROWS);
    long committed = System.nanoTime();
    LOG.info("{}: {} rows inserted and committed in one transaction in {} s", bed.database(), ROWS,
        seconds(committed - start));

    awaitEveryRow(node, ROWS);
    assertThat(counter.commitLsn()).as("the commit LSN of the message-ids: %s", counter.problems()).isNotNull();
    long commitLsn = Lsn.parse(counter.commitLsn());
    await("confirmed_flush_lsn past the commit " + counter.commitLsn()).atMost(FaultBed.PATIENCE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> Long.compareUnsigned(bed.confirmedFlushLsn(), commitLsn) > 0);

    HeapUse heap = HeapUse.fromGcLog(gcLog);
    report(heap, start, committed);
    assertThat(node.isRunning()).as("pgcdc is still running:\n%s", node.logTail(30)).isTrue();
    assertThat(node.currentRunLog()).doesNotContain("OutOfMemoryError");
    assertThat(counter.problems()).isEmpty();
    assertThat(counter.distinct()).isEqualTo(ROWS);
    assertThat(streamedTransactions()).as("transactions the walsender streamed (protocol v2) on the slot")
        .isPositive();
    assertThat(heap.collections()).as("collections in " + gcLog).isPositive();
  }

  /**
   * The walsender is terminated while pgcdc publishes a streamed transaction from its spool (the
   * ring holds its Begin and first rows, no Commit): the same process reconnects, PostgreSQL
   * streams the whole transaction again, and pgcdc publishes it again from its first row under
   * the same ids, so every row arrives and every re-send is recognizable.
   */
  @Test
  void aStreamedTransactionCutMidPublishIsPublishedAgainUnderTheSameIds() throws Exception {
    bed.postgres().execute("ALTER DATABASE " + bed.database() + " SET logical_decoding_work_mem = '1MB'");
    counter = RowCounter.start(bed.rabbit().uri(), bed.exchange(), bed.queue(), bed.slot(), CUT_ROWS);
    PgcdcNode node = bed.node("n1").start();
    bed.awaitSlotActive(node);
    long pid = node.pid();

    insertRowsInOneTransaction(CUT_ROWS);
    await("the first tenth of the transaction published").atMost(FaultBed.PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .failFast(() -> assertThat(node.isRunning()).as(() -> node + " exited:\n" + node.logTail(30)).isTrue())
        .until(() -> counter.distinct() >= CUT_ROWS / 10);
    int walsender = bed.walsenderPid().orElseThrow();
    assertThat(bed.terminateWalsender()).isTrue();
    int atCut = counter.distinct();
    await("a new walsender on the slot").atMost(FaultBed.PATIENCE).pollInterval(Duration.ofMillis(100))
        .until(() -> bed.walsenderPid().filter(p -> p != walsender).isPresent());

    awaitEveryRow(node, CUT_ROWS);
    LOG.info("{}: walsender cut at {} of {} rows; {} row events in all, {} re-sent", bed.database(), atCut, CUT_ROWS,
        counter.rowEvents(), counter.rowEvents() - counter.distinct());
    assertThat(node.isRunning()).as("pgcdc reconnected instead of exiting:\n%s", node.logTail(30)).isTrue();
    assertThat(node.pid()).isEqualTo(pid);
    assertThat(counter.problems()).isEmpty();
    assertThat(counter.distinct()).isEqualTo(CUT_ROWS);
    assertThat(counter.rowEvents() - counter.distinct()).as("rows published again after the cut").isPositive();
    assertThat(streamedTransactions()).as("transactions the walsender streamed (protocol v2) on the slot")
        .isPositive();
  }

  /** One statement in autocommit: one transaction; seq is each row's position in it. */
  private void insertRowsInOneTransaction(int rows) throws Exception {
    try (Connection c = bed.postgres().connect(bed.database()); Statement s = c.createStatement()) {
      int inserted = s.executeUpdate("INSERT INTO " + RowWriter.TABLE + " (k, seq, payload)"
          + " SELECT 0, g, repeat(md5(g::text), 4) FROM generate_series(0, " + (rows - 1) + ") g");
      assertThat(inserted).isEqualTo(rows);
    }
  }

  /**
   * Waits for every row: fails at once when pgcdc exits, or when no row event arrived for
   * {@link FaultBed#PATIENCE}; logs progress meanwhile.
   */
  private void awaitEveryRow(PgcdcNode node, int rows) {
    long[] lastEvents = {-1};
    long[] lastChange = {System.nanoTime()};
    long[] lastLog = {System.nanoTime()};
    await("all " + rows + " rows delivered").atMost(ALL_ROWS).pollInterval(Duration.ofSeconds(1))
        .failFast(() -> {
          assertThat(node.isRunning()).as(() -> node + " exited:\n" + node.logTail(30)).isTrue();
          long now = System.nanoTime();
          long events = counter.rowEvents();
          if (events != lastEvents[0]) {
            lastEvents[0] = events;
            lastChange[0] = now;
          }
          if (now - lastLog[0] >= PROGRESS_LOG_EVERY.toNanos()) {
            lastLog[0] = now;
            LOG.info("{}: {} of {} rows arrived ({} row events)", bed.database(), counter.distinct(), rows, events);
          }
          assertThat(now - lastChange[0]).as(() -> "no row event for " + FaultBed.PATIENCE.toSeconds() + " s; "
              + counter.distinct() + " of " + rows + " rows arrived; health " + node.health().orElse(null))
              .isLessThan(FaultBed.PATIENCE.toNanos());
        })
        .until(counter::complete);
  }

  /** {@code stream_txns} of the slot: transactions PostgreSQL decoded as streamed (protocol v2). */
  private long streamedTransactions() throws Exception {
    try (Connection c = bed.postgres().connect();
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT stream_txns, stream_bytes, spill_txns FROM pg_stat_replication_slots"
             + " WHERE slot_name = '" + bed.slot() + "'")) {
      if (!rs.next()) {
        return 0;
      }
      LOG.info("{}: slot stats: stream_txns {}, stream_bytes {}, spill_txns {}", bed.database(), rs.getLong(1),
          rs.getLong(2), rs.getLong(3));
      return rs.getLong(1);
    }
  }

  private void report(HeapUse heap, long start, long committed) {
    long first = counter.firstRowNanos();
    long complete = counter.completeNanos();
    String line = String.format("LargeTransactionIT: %,d rows in one transaction; insert+commit %s s,"
            + " commit -> first row %s s, first -> last row %s s (%,.0f events/s), wall (insert start -> last row) %s s;"
            + " %,d row events (%,d re-sent); pgcdc -Xmx%dm: %s",
        ROWS, seconds(committed - start), seconds(first - committed), seconds(complete - first),
        ROWS / ((complete - first) / 1e9), seconds(complete - start), counter.rowEvents(),
        counter.rowEvents() - counter.distinct(), HEAP_MB, heap.summary());
    LOG.info(line);
    System.out.println(line);
  }

  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }
}
