package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the fault tests share in which ONE {@code pgcdc run} process must ride out a fault
 * (a walsender terminated, PostgreSQL or RabbitMQ restarted) without exiting and without loss:
 * a standalone node streaming a writer's single-row transactions, and the verdict.
 *
 * <pre>
 *   start(bed, rows)    node n1 started, holding the slot; writer (8 keys, 1 000 rows/s) started;
 *                       first rows arrived; the node's pid remembered
 *   awaitCommitted(n)   ... the test's fault ...
 *   awaitResumed()      more row events than before: the pipeline delivers again
 *   assertSameProcessDeliveredEveryRow()
 *                       every row arrived; the node runs with the same pid; DeliveryCheck passes
 *                       (nothing lost or invented, per-key order, stable ids); all rows committed
 * </pre>
 *
 * <p>Threading: one test thread.
 */
final class SingleNodeStream {
  static final int KEYS = 8;
  static final int ROWS_PER_SECOND = 1_000;

  private final FaultBed bed;
  private final PgcdcNode node;
  private final RowWriter writer;
  private final int rows;
  private final long pid;

  private SingleNodeStream(FaultBed bed, PgcdcNode node, RowWriter writer, int rows) {
    this.bed = bed;
    this.node = node;
    this.writer = writer;
    this.rows = rows;
    this.pid = node.pid();
  }

  /**
   * Starts node {@code n1} of {@code bed}, waits until it holds the slot, then starts a writer of
   * {@code rows} rows and waits until the first ones arrive.
   */
  static SingleNodeStream start(FaultBed bed, int rows) throws Exception {
    PgcdcNode node = bed.node("n1").start();
    bed.awaitSlotActive(node);
    RowWriter writer = bed.writer(rows, KEYS, ROWS_PER_SECOND).start();
    bed.awaitStreaming(node, 0);
    return new SingleNodeStream(bed, node, writer, rows);
  }

  PgcdcNode node() {
    return node;
  }

  RowWriter writer() {
    return writer;
  }

  /** Waits until the writer has committed at least {@code committed} rows. */
  void awaitCommitted(long committed) {
    await("writer past row " + committed).atMost(FaultBed.PATIENCE).until(() -> writer.committed() >= committed);
  }

  /** Waits until the pipeline delivers again after a fault: more row events than now. */
  void awaitResumed() {
    bed.awaitStreaming(node, bed.recorder().rowEvents());
  }

  /**
   * Waits for every committed row, then asserts that the node that started is still running
   * (same pid, {@code explanation} naming what it had to survive) and that the delivery passes
   * {@link DeliveryCheck} with all {@code rows} rows committed.
   */
  void assertSameProcessDeliveredEveryRow(String explanation) throws Exception {
    bed.awaitAllRows(writer);
    assertThat(node.isRunning()).as("%s:%n%s", explanation, node.logTail(30)).isTrue();
    assertThat(node.pid()).isEqualTo(pid);
    DeliveryCheck.Verdict verdict = bed.verify(writer);
    assertThat(verdict.problems()).as(verdict.summary()).isEmpty();
    assertThat(verdict.committed()).isEqualTo(rows);
  }
}
