/**
 * JMH benchmark of column value rendering ({@code io.pgcdc.decoder.json.ValueRenderer}):
 * pgoutput column text to to_json-exact JSON through a reused Jackson generator.
 *
 * <pre>
 *   tuple bytes (8 columns of text) ──ValueRenderer.write x8──> JsonGenerator ──flush──> ReusableOutput
 *   one operation = one row object; reset the output, never reallocate
 * </pre>
 *
 * <p>Threads: JMH's benchmark thread only ({@code Scope.Thread} state).
 */
package io.pgcdc.perf.values;
