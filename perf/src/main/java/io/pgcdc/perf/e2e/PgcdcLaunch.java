package io.pgcdc.perf.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the bench starts a pgcdc child, the same for (c) and (d): the jar, its {@code jvm.options}
 * (the flags {@code bin/pgcdc} uses), extra JVM flags ({@code --pgcdc-jvm-arg}) and the CPU
 * priority ({@code --pgcdc-nice}, as {@code bin/pgcdc}'s {@code PGCDC_NICE}: 0 runs it as is).
 *
 * @param jar        pgcdc.jar
 * @param jvmOptions the JVM flags file built with it
 * @param jvmArgs    extra JVM flags, after {@code jvmOptions}
 * @param nice       nice(1) increment for the child, 0..19 (checked with the other options in
 *                   {@code EndToEndBench.validate})
 */
record PgcdcLaunch(Path jar, Path jvmOptions, List<String> jvmArgs, int nice) {

  PgcdcLaunch {
    jvmArgs = List.copyOf(jvmArgs);
  }

  /** Starts {@code pgcdc run} in {@code dir} with {@code yaml} as its configuration. */
  PgcdcProcess start(Path dir, String yaml) throws IOException {
    return PgcdcProcess.start(dir, this, yaml);
  }
}
