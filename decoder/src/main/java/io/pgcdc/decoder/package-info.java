/**
 * pgoutput protocol decoder (logical replication protocol versions 1 to 4), without I/O.
 *
 * <p>{@link io.pgcdc.decoder.PgOutputDecoder#wrap PgOutputDecoder.wrap(buffer, offset, length)}
 * takes the payload of one XLogData frame as pgjdbc hands it over, validates all of it, and
 * exposes it through flyweights that read big-endian fields straight from the caller's bytes.
 * Data messages (Begin, Insert, Update, Delete, Commit, ...) decode without allocating; Relation
 * and Type messages update the {@link io.pgcdc.decoder.RelationCache}. Anything that breaks the
 * protocol raises {@link io.pgcdc.decoder.MalformedMessageException}, never another exception.
 *
 * <p>Threads: none of its own. A decoder and its flyweights belong to one thread (the pipeline's
 * decode stage); {@link io.pgcdc.decoder.Relation}, {@link io.pgcdc.decoder.Column},
 * {@link io.pgcdc.decoder.PgTypeInfo}, {@link io.pgcdc.decoder.Lsn} and
 * {@link io.pgcdc.decoder.PgTimestamp} are immutable or stateless and may cross threads.
 *
 * <pre>
 *  pgjdbc XLogData payload                       PgOutputDecoder
 *  +------+---------------------------------+      wrap() --validate--> MessageCursor (checked walk)
 *  | type | body (big-endian)               |        |                      |
 *  +------+---------------------------------+        |                      +--> TupleDecoder index:
 *                                                    v                           kinds[] offsets[] lengths[]
 *                                              insert()/update()/... flyweights (unchecked reads)
 *
 *  Insert:  'I' [xid:int32 in stream] relid:int32 'N' TupleData
 *  Update:  'U' [xid] relid ['K'|'O' TupleData] 'N' TupleData
 *  Delete:  'D' [xid] relid  'K'|'O' TupleData
 *  TupleData: ncols:int16 { 'n' | 'u' | 't' len:int32 bytes | 'b' len:int32 bytes }*
 *  Begin:   'B' final_lsn:int64 commit_time:int64 xid:int32
 *  Commit:  'C' flags:int8 commit_lsn:int64 end_lsn:int64 commit_time:int64
 *  Stream:  'S' xid first:int8 ... data messages with xid prefix ... 'E'
 *           then 'c' xid + Commit fields | 'A' xid subxid [abort_lsn abort_time (v4 parallel)]
 *  Timestamps: microseconds since 2000-01-01 UTC; LSNs: int64; strings: UTF-8, NUL-terminated.
 * </pre>
 */
package io.pgcdc.decoder;
