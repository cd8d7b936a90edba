/**
 * What operators see of a running node: {@code GET /metrics} and {@code GET /health}.
 *
 * <pre>
 *  pipeline threads ──inc()/update()──▶ PipelineMetrics (Dropwizard MetricRegistry)
 *                                              │  gauges read at scrape time
 *  engine ──implements──▶ PipelineStatus ◀─────┤
 *                                │             ▼
 *                                │       DropwizardExports ──▶ PrometheusRegistry ──▶ /metrics
 *                                └──────▶ HealthHandler (JSON, 200/503) ─────────────▶ /health
 *                                              OpsServer (JDK HttpServer on metrics.listen)
 * </pre>
 *
 * <p>Threads: pipeline threads only touch lock-free counters and timers, once per batch. One
 * daemon thread, {@code pgcdc-ops}, serves HTTP and evaluates the gauges and the status; it never
 * blocks the pipeline.
 */
package io.pgcdc.engine.ops;
