package io.pgcdc.tools;

import io.pgcdc.engine.config.ConfigException;
import io.pgcdc.engine.config.PgcdcConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, shared by every command that talks to a server ({@code @Mixin}), so
 * that {@code check}, {@code slot}, {@code replay}, {@code tail} and {@code status} reach exactly
 * the servers {@code run} uses: same file, same {@code PGCDC_*} and {@code PG*} overrides.
 *
 * <p>Filled by picocli on the main thread; {@link #load()} reads the file and environment each call.
 */
public final class ConfigOption {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "pgcdc YAML configuration; PGCDC_* and PG* environment variables override it. "
          + "Without it the configuration comes from the environment alone.")
  Path file;

  /** The configuration file, or null when none was given. */
  public Path file() {
    return file;
  }

  /** Loads and validates the configuration; {@link ConfigException} lists every problem. */
  public PgcdcConfig load() throws ConfigException {
    Map<String, String> env = System.getenv();
    return file == null ? PgcdcConfig.fromEnvironment(env) : PgcdcConfig.load(file, env);
  }
}
