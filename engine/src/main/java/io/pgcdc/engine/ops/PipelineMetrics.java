package io.pgcdc.engine.ops;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Timer;
import io.pgcdc.ha.Role;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The Dropwizard metrics of one node, named once here. {@code /metrics} exports them through
 * Prometheus' Dropwizard bridge, which turns dots into underscores:
 *
 * <pre>
 *   Dropwizard name                 Prometheus series                          kind
 *   pgcdc.events                    pgcdc_events_total                         counter
 *   pgcdc.bytes                     pgcdc_bytes_total                          counter (message body bytes)
 *   pgcdc.transactions              pgcdc_transactions_total                   counter
 *   pgcdc.publish.recoveries        pgcdc_publish_recoveries_total             counter (reconnect + re-send after a nack, loss, close)
 *   pgcdc.publish.resent            pgcdc_publish_resent_total                 counter (events a recovery sent again)
 *   pgcdc.publish.confirm.latency   pgcdc_publish_confirm_latency{quantile=}   summary, seconds
 *   pgcdc.journal.write.latency     pgcdc_journal_write_latency{quantile=}     summary, seconds
 *   pgcdc.ring.occupancy            pgcdc_ring_occupancy                       gauge
 *   pgcdc.ring.capacity             pgcdc_ring_capacity                        gauge
 *   pgcdc.source.lag.bytes          pgcdc_source_lag_bytes                     gauge
 *   pgcdc.source.lag.seconds        pgcdc_source_lag_seconds                   gauge
 *   pgcdc.epoch                     pgcdc_epoch                                gauge
 *   pgcdc.lsn.safety.violations     pgcdc_lsn_safety_violations                gauge, 0 unless pgcdc has a bug
 *   pgcdc.snapshot.rows             pgcdc_snapshot_rows                        gauge, rows the initial snapshot in progress read; 0 when none
 *   pgcdc.role.leader               pgcdc_role_leader                          gauge, 1 when leader else 0
 *   pgcdc.role.suspended            pgcdc_role_suspended                       gauge, 1 when a leader lost ZooKeeper else 0
 *   pgcdc.role.standby              pgcdc_role_standby                         gauge, 1 when standby else 0
 *   pgcdc.role.standalone           pgcdc_role_standalone                      gauge, 1 when standalone else 0
 * </pre>
 *
 * <p>Threading: the counters and timers are updated by pipeline threads (lock-free
 * {@code LongAdder}s inside); gauges are evaluated by the ops HTTP thread at scrape time from
 * {@link PipelineStatus}, so they cost nothing on the hot path. Update counters once per batch
 * ({@code inc(n)} at {@code endOfBatch}) and timers once per confirm/append batch, never per event:
 * a timer update touches a reservoir.
 */
public final class PipelineMetrics {
  public static final String EVENTS = "pgcdc.events";
  public static final String BYTES = "pgcdc.bytes";
  public static final String TRANSACTIONS = "pgcdc.transactions";
  public static final String PUBLISH_RECOVERIES = "pgcdc.publish.recoveries";
  public static final String PUBLISH_RESENT = "pgcdc.publish.resent";
  public static final String PUBLISH_CONFIRM_LATENCY = "pgcdc.publish.confirm.latency";
  public static final String JOURNAL_WRITE_LATENCY = "pgcdc.journal.write.latency";
  public static final String RING_OCCUPANCY = "pgcdc.ring.occupancy";
  public static final String RING_CAPACITY = "pgcdc.ring.capacity";
  public static final String SOURCE_LAG_BYTES = "pgcdc.source.lag.bytes";
  public static final String SOURCE_LAG_SECONDS = "pgcdc.source.lag.seconds";
  public static final String EPOCH = "pgcdc.epoch";
  public static final String LSN_SAFETY_VIOLATIONS = "pgcdc.lsn.safety.violations";
  public static final String SNAPSHOT_ROWS = "pgcdc.snapshot.rows";
  /**
   * Prefix of the per-role 0/1 gauges. One series per role rather than a {@code role} label: the
   * bridge exports each Dropwizard metric as its own family and cannot merge them under one name.
   */
  public static final String ROLE_PREFIX = "pgcdc.role.";

  /** Latency quantiles describe the last minute, not the process lifetime. */
  private static final long LATENCY_WINDOW_SECONDS = 60;

  private final MetricRegistry registry;
  private final Counter events;
  private final Counter bytes;
  private final Counter transactions;
  private final Counter publishRecoveries;
  private final Counter publishResent;
  private final Timer publishConfirmLatency;
  private final Timer journalWriteLatency;

  /** Registers the counters and timers in {@code registry}. */
  public PipelineMetrics(MetricRegistry registry) {
    this.registry = registry;
    this.events = registry.counter(EVENTS);
    this.bytes = registry.counter(BYTES);
    this.transactions = registry.counter(TRANSACTIONS);
    this.publishRecoveries = registry.counter(PUBLISH_RECOVERIES);
    this.publishResent = registry.counter(PUBLISH_RESENT);
    this.publishConfirmLatency = registry.timer(PUBLISH_CONFIRM_LATENCY, PipelineMetrics::windowedTimer);
    this.journalWriteLatency = registry.timer(JOURNAL_WRITE_LATENCY, PipelineMetrics::windowedTimer);
  }

  /** A registry with the counters and timers only, for tests and tools that need no gauges. */
  public static PipelineMetrics create() {
    return new PipelineMetrics(new MetricRegistry());
  }

  /** The registry {@code /metrics} exports. */
  public MetricRegistry registry() {
    return registry;
  }

  /** Row/message events published (confirmed or not). */
  public Counter events() {
    return events;
  }

  /** Message body bytes published. */
  public Counter bytes() {
    return bytes;
  }

  /** Source transactions whose messages were all published. */
  public Counter transactions() {
    return transactions;
  }

  /**
   * Times publishing was interrupted (a nack, a lost connection, a closed channel) and pgcdc
   * reconnected to re-send what was unconfirmed. Steadily rising: the broker refuses something,
   * e.g. a full queue with {@code x-overflow: reject-publish}.
   */
  public Counter publishRecoveries() {
    return publishRecoveries;
  }

  /**
   * Events a recovery published again (events whose every message the broker had acked are skipped,
   * see README "Order"): their messages reach consumers twice unless the broker had refused them.
   */
  public Counter publishResent() {
    return publishResent;
  }

  /** Time from {@code basic.publish} to the broker's {@code basic.ack} of the batch. */
  public Timer publishConfirmLatency() {
    return publishConfirmLatency;
  }

  /** Time to append one batch of entries to the journal. */
  public Timer journalWriteLatency() {
    return journalWriteLatency;
  }

  /**
   * Registers the gauges read from {@code status}: ring occupancy and capacity, lag in bytes and
   * seconds, epoch, role. Call once per registry; {@code clock} measures lag seconds.
   */
  public void bind(PipelineStatus status, Clock clock) {
    gauge(RING_OCCUPANCY, status::ringOccupancy);
    gauge(RING_CAPACITY, status::ringCapacity);
    gauge(SOURCE_LAG_BYTES, () -> Lag.bytes(status));
    gauge(SOURCE_LAG_SECONDS, () -> Lag.seconds(status, clock));
    gauge(EPOCH, status::epoch);
    gauge(LSN_SAFETY_VIOLATIONS, status::lsnSafetyViolations);
    gauge(SNAPSHOT_ROWS, () -> Math.max(status.snapshotRows(), 0));
    for (Role role : Role.values()) {
      gauge(ROLE_PREFIX + role.label(), () -> status.role() == role ? 1 : 0);
    }
  }

  private <T> void gauge(String name, Gauge<T> gauge) {
    registry.gauge(name, () -> gauge);
  }

  private static Timer windowedTimer() {
    return new Timer(new SlidingTimeWindowArrayReservoir(LATENCY_WINDOW_SECONDS, TimeUnit.SECONDS));
  }
}
