/**
 * The pgcdc engine: a {@link io.pgcdc.engine.Node} owns the slot's {@link io.pgcdc.engine.Pipeline}
 * (standalone at once; in a cluster only while it leads), and {@link io.pgcdc.engine.NodeStatus}
 * shows its progress to the ops server.
 *
 * <pre>
 *   Node ──start/close──&gt; Pipeline (one streaming session of the slot)
 *                            │
 *   PostgreSQL ─pgoutput─&gt; SlotReader ─&gt; ring ─&gt; Decode ─&gt; Encode ─&gt; Journal ─&gt; Publish ─┐
 *        ^                                                                  broker acks
 *        └──── flushed LSN ◄── ConfirmTracker (journaled AND confirmed) ◄────────┘
 * </pre>
 *
 * <p>Threads per pipeline: {@code pgcdc-slot-reader} (also the status timer),
 * {@code pgcdc-stages} (runs the decode, encode, journal and publish stages, in that order), plus
 * amqp-client's connection thread. {@code pgcdc-stop} closes a pipeline that failed. Cluster
 * callbacks arrive on the ha event thread. Sub-packages: {@code source} (PostgreSQL side), {@code pipeline}
 * (ring, stages, confirm tracking), {@code encode} (JSON envelope), {@code sink} (RabbitMQ),
 * {@code config} and {@code ops}.
 */
package io.pgcdc.engine;
