/**
 * Cluster tests with real processes: three {@code pgcdc run} JVMs (started through the fault
 * harness of {@code io.pgcdc.tools.fault}) share one ZooKeeper, PostgreSQL slot and RabbitMQ
 * exchange while a writer commits rows; the test kills, freezes or cuts off the leader.
 *
 * <pre>
 *  RowWriter ──► PostgreSQL ──slot──► n1 (leader, epoch e) ──► exchange ──► queue ──► ChangeRecorder
 *                                     n2, n3 (standby)  ◄── ZooKeeper ──►  epoch e+1 on failover
 * </pre>
 *
 * Threads: JUnit's, the writer's, and amqp-client's consumer thread in the recorder.
 */
package io.pgcdc.tools.cluster;
