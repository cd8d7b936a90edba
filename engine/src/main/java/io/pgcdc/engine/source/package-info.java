/**
 * The PostgreSQL side: source management ({@link io.pgcdc.engine.source.SourceSetup}: preflight,
 * publication, slot), connections with the session settings the value renderer relies on
 * ({@link io.pgcdc.engine.source.ReplicationConnections}), the ring's producer
 * ({@link io.pgcdc.engine.source.SlotReader}), and the initial snapshot it delivers first when
 * {@code source.snapshot: initial} and there was no slot ({@link io.pgcdc.engine.source.InitialSnapshot}).
 *
 * <pre>
 *   start:  SQL connection: wal_level, REPLICATION, CREATE/ALTER PUBLICATION, slot create/check
 *   snapshot (no slot, source.snapshot: initial; reader thread, before the first stream):
 *           replication connection: CREATE_REPLICATION_SLOT tmp TEMPORARY  -&gt; consistent point, snapshot
 *           SQL connection in that snapshot: COPY each published table -&gt; Begin, Relation, Insert*, Commit
 *           -&gt; ring (op R); all released -&gt; pg_copy_logical_replication_slot(tmp, slot) -&gt; stream
 *   stream: replication connection (replication=database, simple query mode, TimeZone=UTC ...)
 *           START_REPLICATION SLOT s LOGICAL 0/0 (proto_version '2', streaming 'on', publication_names 'p',
 *                                                 messages 'true')      -- v1 before PostgreSQL 14,
 *                                  proto_version '4', streaming 'parallel' from PostgreSQL 16
 *           CopyData XLogData ─&gt; ring slot      status update (flushed = tracker) within 50 ms of it
 *                                                moving, and every status_interval (keepalive)
 * </pre>
 *
 * <p>Threads: setup runs on the caller's thread; the reader owns {@code pgcdc-slot-reader}.
 */
package io.pgcdc.engine.source;
