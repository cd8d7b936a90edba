package io.pgcdc.tools;

import io.pgcdc.engine.config.ConfigException;
import java.io.PrintWriter;
import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into what a user can act on: {@code pgcdc: <what is wrong>; <how to fix>}
 * on stderr, exit 2 for bad usage, 1 for everything else. Stack traces only with {@code --verbose}.
 * A {@link ConfigException} prints one line per problem so all of them are fixed in one go.
 *
 * <p>Stateless; picocli calls it on the thread that ran the command.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("pgcdc: " + firstLine(ex.getMessage()) + "; see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    if (ex instanceof ConfigException) {
      for (String problem : ((ConfigException) ex).problems()) {
        err.println("pgcdc: " + problem);
      }
    } else {
      err.println("pgcdc: " + describe(ex));
    }
    if (verbose(parseResult)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return cmd.getCommandSpec().exitCodeOnExecutionException();
  }

  /** One line for any exception: user errors as written, the rest with a hint. */
  static String describe(Throwable ex) {
    if (ex instanceof UserException) {
      return ex.getMessage();
    }
    if (ex instanceof SQLException) {
      SQLException sql = (SQLException) ex;
      return "PostgreSQL error " + sql.getSQLState() + ": " + firstLine(sql.getMessage())
          + "; check the configuration and the server log, re-run with --verbose for details";
    }
    return "unexpected " + ex.getClass().getSimpleName() + ": " + firstLine(String.valueOf(ex.getMessage()))
        + "; re-run with --verbose for the stack trace and report it";
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  private static boolean verbose(ParseResult result) {
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
