/**
 * JMH benchmark of the journal ({@code io.pgcdc.journal}): append and read throughput of
 * engine-shaped entries, and a per-CPU-second cross-check for loaded machines.
 *
 * <pre>
 *  JMH thread ── JournalRecord (reused) ── JournalAppender.append ──► /tmp/pgcdc-journal-benchNNN/
 *                                                                       20261122-0040X.cq4 (mapped)
 *  JMH thread ── JournalReader.next(JournalRecord) ◄── 500,000 prefilled entries, read round and round
 * </pre>
 *
 * <p>Threads: the JMH benchmark thread only (one writer, as in the engine; one reader).
 */
package io.pgcdc.perf.journal;
