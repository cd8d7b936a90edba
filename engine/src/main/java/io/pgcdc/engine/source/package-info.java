/**
 * The PostgreSQL side: source management ({@link io.pgcdc.engine.source.SourceSetup}: preflight,
 * publication, slot), connections with the session settings the value renderer relies on
 * ({@link io.pgcdc.engine.source.ReplicationConnections}), and the ring's producer
 * ({@link io.pgcdc.engine.source.SlotReader}).
 *
 * <pre>
 *   start:  SQL connection: wal_level, REPLICATION, CREATE/ALTER PUBLICATION, slot create/check
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
