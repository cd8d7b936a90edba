package io.pgcdc.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code pgcdc}: the top command. Each subcommand is its own class, listed in
 * {@code subcommands}; to add one, append it there.
 *
 * <p>Exit codes: 0 success, 1 failure (the line on stderr says what and how to fix it),
 * 2 bad usage (unknown option, missing argument).
 */
@Command(name = "pgcdc",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Streams committed PostgreSQL changes into RabbitMQ, clustered, journaled.",
    subcommands = {
        RunCommand.class,
        CheckCommand.class,
        SlotCommand.class,
        TailCommand.class,
        ReplayCommand.class,
        JournalCommand.class,
        StatusCommand.class,
        CommandLine.HelpCommand.class,
    },
    footer = {"", "Every command takes --config FILE; PGCDC_* and PG* environment variables override the file.",
        "Run 'pgcdc COMMAND --help' for a command's options."})
public final class PgcdcCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Print stack traces of failures (for bug reports).")
  boolean verbose;

  /** {@code pgcdc} alone: show the commands, exit 2. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    spec.commandLine().usage(err);
    err.flush();
    return spec.exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code pgcdc args...} with the process's stdout/stderr and returns the exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line (error handling, exit codes), for {@link #run} and tests. */
  public static CommandLine commandLine() {
    ErrorHandler errors = new ErrorHandler();
    return new CommandLine(new PgcdcCommand())
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors)
        .setCaseInsensitiveEnumValuesAllowed(true);
  }
}
