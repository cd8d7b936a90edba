/**
 * The {@code pgcdc} command line (picocli). {@link io.pgcdc.tools.PgcdcCommand} is the top
 * command and lists every subcommand; {@link io.pgcdc.tools.ConfigOption} gives each command
 * {@code --config FILE} with the same environment overrides as {@code run};
 * {@link io.pgcdc.tools.ErrorHandler} turns failures into one line on stderr.
 *
 * <p>Threads: commands run on the main thread; a long-running command ({@code run}) starts its
 * own and blocks main until shutdown.
 *
 * <pre>
 *  bin/pgcdc ARGS ─► java $(cat target/jvm.options) -jar target/pgcdc.jar ARGS
 *                     └─► PgcdcCommand ─► subcommand.call()
 *                            │ ConfigException / UserException / SQLException / other
 *                            ▼
 *                         ErrorHandler ─► "pgcdc: what is wrong; how to fix" (stderr)
 *                                         exit 1 (failure) | 2 (usage) | 0
 * </pre>
 */
package io.pgcdc.tools;
