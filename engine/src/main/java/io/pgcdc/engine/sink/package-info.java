/**
 * The RabbitMQ side: {@link io.pgcdc.engine.sink.PublishHandler} publishes each encoded message
 * with confirms and {@code mandatory}; {@link io.pgcdc.engine.sink.ConfirmWindow} maps delivery
 * tags back to ring sequences; {@link io.pgcdc.engine.sink.RabbitChannel} is one connection and
 * confirm channel with its listeners.
 *
 * <pre>
 *   tag:      1    2    3    4    5          (channel publish seq no)
 *   ring seq: 7    7    8    10   10         (event 9 had no message)
 *   acked:    y    y    n    y    -
 *             └─ lowest unacked = 3 ─&gt; confirmed ring sequence = 8 - 1 = 7
 * </pre>
 *
 * <p>A batch ({@code sink.rabbitmq.batch}) is one message like any other: one tag, on the ring
 * event that closed it, with the extra header {@code pgcdc-events}. When the window is full the
 * publish thread naps 1 ms at a time until an eighth of it is confirmed (see
 * {@code PublishHandler.awaitRoom}).
 *
 * <p>Threads: {@code pgcdc-publish} publishes and recovers; amqp-client's connection thread
 * delivers acks, nacks, returns and shutdowns into the window (volatile hand-off, no locks).
 */
package io.pgcdc.engine.sink;
