/**
 * Preflight checks (SPEC §4): is the source database, the RabbitMQ sink and, in a cluster,
 * ZooKeeper ready for pgcdc? Used by {@code pgcdc check}. The source checks live in the engine
 * ({@link io.pgcdc.engine.preflight.SourcePreflight}) because every start runs them too.
 *
 * <p>Threads: everything runs on the caller's thread (Curator adds its own connection threads
 * for the duration of {@link io.pgcdc.tools.check.ClusterPreflight#run()}).
 *
 * <pre>
 *  PgcdcConfig ──► SourcePreflight* ─ JDBC ──► wal_level, role, pg_replication_slots,
 *              │                                pg_publication, pg_class/pg_index
 *              ├─► SinkPreflight ──── AMQP ──► connect (credentials), exchange declarable
 *              └─► ClusterPreflight ─ ZK ────► connect within cluster.connection_timeout
 *                         │
 *                         ▼  facts ──► static *Verdict(...) ──► CheckResult(ok|warn|FAIL, what, fix)
 * </pre>
 * (* in {@code io.pgcdc.engine.preflight}.) Checks only read, except that an absent exchange is
 * declared and deleted again to prove the permission.
 */
package io.pgcdc.tools.check;
