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
 * <p>After a nack or a lost connection the window confirms nothing more; the publish thread waits
 * up to 1 s for the channel's other confirms, reconnects and re-sends the ring from the confirmed
 * sequence in order, skipping an event whose every message the broker acked unless a message of one
 * of its routing keys was re-sent before it (so a key's last copies stay in commit order):
 *
 * <pre>
 *   ring seq / key:  8 a   9 b   10 a   11 b      acked before the failure: 9, 10, 11; 8 nacked
 *   re-sent:         8 a   -     10 a   -         (10 follows a re-sent 'a'; 9 and 11 stay skipped)
 * </pre>
 *
 * <p>Cluster mode publishes through one exchange per epoch ({@link io.pgcdc.engine.sink.EpochExchanges}):
 *
 * <pre>
 *   leader, epoch 7   --&gt; pgcdc.e7 (fanout, durable) --'#'--&gt; pgcdc (topic) --&gt; consumers' queues
 *   stale, epoch 6    --&gt; pgcdc.e6   deleted by the leader of 7 before its first publish: 404, nothing routed
 *   standalone, 0     --&gt; pgcdc
 * </pre>
 *
 * The new leader creates its exchange once, when it wins ({@code Node.onElected}); the publish
 * channel only checks it on every (re)connect, so a fenced node cannot bring it back. Mandatory
 * returns and the main exchange's alternate exchange work through the binding unchanged.
 * Consumers, {@code pgcdc tail} and {@code pgcdc replay} use the main exchange only.
 *
 * <p>A batch ({@code sink.rabbitmq.batch}) is one message like any other: one tag, on the ring
 * event that closed it, with the extra header {@code pgcdc-events}. When the window is full the
 * publish thread naps 1 ms at a time until an eighth of it is confirmed (see
 * {@code PublishHandler.awaitRoom}).
 *
 * <p>Threads: the publish stage on {@code pgcdc-stages} (after decode, encode and journal) publishes
 * and recovers; amqp-client's connection thread delivers acks, nacks, returns and shutdowns into
 * the window (volatile hand-off, no locks).
 */
package io.pgcdc.engine.sink;
