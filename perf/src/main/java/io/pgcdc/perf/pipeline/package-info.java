/**
 * JMH benchmark of pgcdc's Disruptor pipeline without I/O: what decode, encode, the ring and the
 * confirm tracker cost per row event once PostgreSQL, Chronicle and RabbitMQ are taken away.
 *
 * <p>Measured: events per second through the whole ring (one JMH operation = one transaction of
 * 8-column inserts from {@code PgOutputMessages}, scored per row event), and bytes allocated per
 * event over every thread ({@code -prof gc}); one-event and batched ({@code sink.rabbitmq.batch:
 * transaction}) mode; pgcdc's {@code ParkingWaitStrategy} and Disruptor's busy spin.
 * {@link io.pgcdc.perf.pipeline.PipelineCpuRate} gives the same run as CPU µs per event per thread.
 *
 * <p>Threads: the JMH thread is the producer (the slot reader's part:
 * {@link io.pgcdc.perf.pipeline.ReaderStandIn}); {@code bench-stages} runs decode, encode, the journal
 * stand-in and the publish stand-in in that order, as the engine's {@code pgcdc-stages} does (one
 * stage thread since session 6), started in the trial set-up and stopped in its tear-down.
 *
 * <pre>
 *   JMH thread: Begin, Insert × n, Commit (LSNs, xid per transaction)
 *        | copyWal + ConfirmTracker.published + publish   (claim naps while the ring is full)
 *        v
 *   [RingEvent ring: 8 192 slots, 16 384 batched] --&gt; bench-stages: real DecodeHandler, real
 *                                                     EncodeHandler (no catalog), journal stand-in
 *                                                     (CRC32C of every body), publish stand-in (body
 *                                                     copy, confirmed := seq) --------------------+
 *        ^                                                                                         |
 *        +---- ConfirmTracker.release: released = min(journaled, confirmed) gates the producer &lt;---+
 *
 *   java -jar perf/target/benchmarks.jar PipelineBenchmark -prof gc
 *   java -cp perf/target/benchmarks.jar io.pgcdc.perf.pipeline.PipelineCpuRate none parking 1000 2 4
 * </pre>
 */
package io.pgcdc.perf.pipeline;
