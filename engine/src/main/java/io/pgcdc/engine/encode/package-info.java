/**
 * The JSON envelope of SPEC §3, written once per message with a Jackson streaming generator into
 * the ring slot's reusable outbox; column values through the decoder's {@code ValueRenderer}
 * (exactly what {@code to_json()} renders).
 *
 * <pre>
 *   {"id","op","schema","table","lsn","commit_lsn","xid","commit_ts","ordinal",
 *    "key","before","after","diff","unchanged_toast"}                     row events
 *   {... "options":{"cascade","restart_identity"}}                         truncate, one per table
 *   {... "prefix","transactional","content_encoding","content"}            logical message
 *   {... "relation_id","replica_identity","columns":[...],"avro":{...}}    schema event
 * </pre>
 *
 * <p>Threads: everything here runs on {@code pgcdc-encode}; the catalog connection is used only
 * when a relation or type is new or changed.
 */
package io.pgcdc.engine.encode;
