package io.pgcdc.tools;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code pgcdc args...} in-process and captures exit code, stdout and stderr. */
record CommandRun(int exitCode, String out, String err) {

  static CommandRun pgcdc(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = PgcdcCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new CommandRun(code, out.toString(), err.toString());
  }

  /** stderr lines. */
  List<String> errLines() {
    return err.lines().toList();
  }

  /** stdout lines. */
  List<String> outLines() {
    return out.lines().toList();
  }
}
