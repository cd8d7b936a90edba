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
 * <p>Batched mode ({@code sink.rabbitmq.batch: transaction | N}, {@link io.pgcdc.engine.encode.BatchWriter}):
 * consecutive events of one transaction with the same routing key (at most N, at most
 * {@code batch_max_bytes}) become one message whose body is a JSON array of the objects above,
 * each byte for byte as it would be alone:
 *
 * <pre>
 *   [{"id":"slot/0/16B37A0/0",...},{"id":"slot/0/16B37A0/1",...}]
 *   message id  &lt;slot&gt;/&lt;commit LSN&gt;/&lt;first ordinal&gt;-&lt;last ordinal&gt;     (slot/0/16B37A0/0-1)
 *   headers     pgcdc-lsn of the first event, pgcdc-op shared op or "*", pgcdc-events = elements
 * </pre>
 *
 * A batch is closed by the first event with another routing key, by the limits, or by the
 * Commit; it is written onto the ring event that closed it, so it never spans a Commit and the
 * confirm tracker's flushed LSN stays behind every unconfirmed batch. Boundaries never depend on
 * timing, so a re-send rebuilds the same ids. Schema events are not batched; non-transactional
 * logical messages are arrays of one. README "Batched mode" has the consumer's view.
 *
 * <p>Threads: everything here runs on {@code pgcdc-stages} (the encode stage, after decode); the
 * catalog connection is used only when a relation or type is new or changed.
 */
package io.pgcdc.engine.encode;
