/**
 * The real-process fault harness: {@code pgcdc run} as child JVMs that tests kill, freeze and
 * restart while a writer commits rows and a consumer records what reaches RabbitMQ.
 *
 * <pre>
 *   RowWriter ──single-row txns──▶ PostgreSQL (fault_rows: k, seq)      ◀── oracle: SELECT ... ORDER BY id
 *                                     │ slot
 *   PgcdcNode (child JVM: java -jar target/pgcdc.jar run --config n1.yaml)  ◀── kill -9 / SIGSTOP / restart
 *                                     │ publish + confirms
 *   RabbitMQ exchange ──#──▶ durable queue ──▶ ChangeRecorder (message-id, routing key, k, seq, epoch)
 *                                                        │
 *                                   DeliveryCheck: nothing lost, nothing invented, per-key order of
 *                                   first arrivals, re-sends with identical ids, confirmed_flush_lsn
 *                                   never past what the queue holds, epochs never fall (cluster)
 * </pre>
 *
 * <p>{@link io.pgcdc.tools.fault.FaultBed} wires one test's database, names, queue and nodes and
 * removes them afterwards. {@link io.pgcdc.tools.fault.SingleNodeStream} is the start and the
 * verdict of the tests in which one process must ride out a fault (walsender terminated,
 * PostgreSQL or RabbitMQ restarted). {@code LargeTransactionIT} commits one transaction of 2 M
 * rows instead of a writer's stream and counts them with {@link io.pgcdc.tools.fault.RowCounter}
 * (one bit per row) in place of the recorder; the child's heap is read from its GC log
 * ({@link io.pgcdc.tools.fault.HeapUse}). ITs that restart the shared servers carry {@code @Tag("disruptive")}
 * (skip them with {@code -DexcludedGroups=disruptive}) and restore the server in {@code finally}.
 *
 * <p>Threads: the test thread drives nodes; {@link io.pgcdc.tools.fault.RowWriter} has its own
 * thread; {@link io.pgcdc.tools.fault.ChangeRecorder} and {@link io.pgcdc.tools.fault.RowCounter}
 * record on amqp-client's consumer thread.
 */
package io.pgcdc.tools.fault;
