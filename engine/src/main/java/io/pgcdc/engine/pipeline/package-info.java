/**
 * The Disruptor ring and its stages. Every ring slot ({@link io.pgcdc.engine.pipeline.RingEvent})
 * is preallocated; a pgoutput message is copied into one by the slot reader and flows:
 *
 * <pre>
 *   sequence:   reader cursor ≥ stages (decode, encode, journal, publish) ≥ confirmed ≥ released
 *                                                                                      │
 *   gating: the producer may not lap "released" = min(journaled, confirmed) ──────────┘
 *
 *   RingEvent layout:
 *     wal[0..walLength)  pgoutput bytes        (reader)
 *     xid, commitLsn, commitMicros, txEndLsn   (decode)
 *     outbox: bodies | b0 | b1 | ... |  + per message offset/length/routingKey/op/ordinal,
 *             lsn, events/lastOrdinal for a batch (encode; in batched mode only the ring event
 *             that closes a batch carries it, the events before it carry nothing)
 * </pre>
 *
 * <p>Threads: {@code pgcdc-stages} runs decode, encode, journal and publish, in that order, through
 * {@link io.pgcdc.engine.pipeline.SameThreadStages} (a thread per stage cost more in wake-ups than
 * the stages' work at live rates); the confirm tracker runs on the reader thread. The stage thread
 * waits with {@link io.pgcdc.engine.pipeline.ParkingWaitStrategy} (no locks on publish), napping
 * longer once idle ({@link io.pgcdc.engine.pipeline.IdleNap}, as the slot reader does); a stage
 * that throws stops the whole pipeline through
 * {@link io.pgcdc.engine.pipeline.StageFailureHandler} before its sequence passes the event.
 * {@link io.pgcdc.engine.pipeline.PipelineControl} is the shared stop switch.
 */
package io.pgcdc.engine.pipeline;
