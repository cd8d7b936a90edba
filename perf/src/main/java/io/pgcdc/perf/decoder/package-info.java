/**
 * JMH benchmarks of the pgoutput decoder ({@code io.pgcdc.decoder}): messages per second and
 * bytes allocated per message, one benchmark per message kind.
 *
 * <p>Threads: JMH's; every benchmark state is {@code Scope.Thread} (a decoder is single-threaded).
 *
 * <pre>
 *  PgOutputMessages (built once) --byte[]--> PgOutputDecoder.wrap --> flyweight reads --> Blackhole
 *  java -jar perf/target/benchmarks.jar DecoderBenchmark -prof gc
 * </pre>
 */
package io.pgcdc.perf.decoder;
