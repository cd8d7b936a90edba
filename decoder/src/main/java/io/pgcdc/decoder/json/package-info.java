/**
 * Column values to JSON, exactly as PostgreSQL's {@code to_json()} renders them with
 * {@code TimeZone = 'UTC'} (SPEC §3): the text pgoutput sends goes straight into a Jackson
 * streaming generator, without Strings or boxing in between.
 *
 * <pre>
 *   Relation column type OID ──> TypeRegistry ──> Rendering (kind, element, fields)
 *                                  ^  built-ins: BuiltinTypes (fixed OIDs, no catalog)
 *                                  └─ others: TypeCatalog.QUERY run by the engine, registerAll
 *
 *   tuple column 't' text bytes ─> ValueRenderer.write(g, oid, buf, off, len)
 *        NUMBER      1.50 ─────────────────────────> 1.50          (raw bytes, JSON-number check)
 *        STRING      a"b ──PgJsonEscaper──────────> "a\"b"         (escape_json rules)
 *        TIMESTAMPTZ 2026-11-21 22:41:03+00 ──────> "2026-11-21T22:41:03+00:00"
 *        ARRAY       {1,NULL,"x y"} ──────────────> [1,null,"x y"] (elements recurse)
 *        COMPOSITE   (1,"x y",) ──────────────────> {"a":1,"b":"x y","c":null}
 * </pre>
 *
 * <p>Threads: {@link io.pgcdc.decoder.json.ValueRenderer} belongs to one thread (the decode or
 * encode handler); {@link io.pgcdc.decoder.json.TypeRegistry} is shared: lock-free reads,
 * copy-on-write registration from any thread.
 */
package io.pgcdc.decoder.json;
