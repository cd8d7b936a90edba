/**
 * The SPEC §4 source preflight, shared by {@code pgcdc check} (which prints every verdict) and by
 * every pipeline start ({@link io.pgcdc.engine.source.SourceSetup}, which logs warnings and fails
 * with all failures in one line).
 *
 * <pre>
 *   JDBC facts (wal_level, role, max_wal_senders, pg_replication_slots, pg_publication, pg_class)
 *        ──► static *Verdict(facts) ──► CheckResult(ok | warn | FAIL, what, fix)
 * </pre>
 * The verdicts are pure functions so they are unit-tested without a server. Checks only read.
 *
 * <p>Threading: everything runs on the caller's thread, on the caller's connection.
 */
package io.pgcdc.engine.preflight;
