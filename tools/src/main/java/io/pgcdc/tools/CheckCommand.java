package io.pgcdc.tools;

import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.preflight.CheckResult;
import io.pgcdc.tools.check.ClusterPreflight;
import io.pgcdc.tools.check.SinkPreflight;
import io.pgcdc.engine.preflight.SourcePreflight;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pgcdc check}: the preflight of SPEC §4 against the configured servers. One line per
 * check ({@code ok}, {@code warn} or {@code FAIL}, what, and the fix); exit 0 only when nothing
 * failed. Warnings do not fail the check.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Preflight of the source, the sink and ZooKeeper; exit 0 only when ready.",
        "Checks wal_level, the REPLICATION privilege, slot, publication, tables and their replica",
        "identity, RabbitMQ credentials and exchange, and (in a cluster) ZooKeeper.",
        "Prints one line per check: ok, warn or FAIL, what, and how to fix it."})
final class CheckCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    PgcdcConfig c = config.load();
    List<CheckResult> results = new ArrayList<>();
    results.addAll(source(c.source()));
    results.addAll(new SinkPreflight(c.rabbitmq()).run());
    c.cluster().ifPresent(cluster -> results.add(new ClusterPreflight(cluster).run()));

    PrintWriter out = spec.commandLine().getOut();
    long failed = results.stream().filter(CheckResult::failed).count();
    long warnings = results.stream().filter(r -> r.status() == CheckResult.Status.WARN).count();
    results.forEach(r -> out.println(r.line()));
    out.println(failed == 0
        ? "pgcdc check: ready (" + results.size() + " checks, " + warnings + (warnings == 1 ? " warning)" : " warnings)")
        : "pgcdc check: NOT ready, " + failed + " of " + results.size() + " checks failed");
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  private static List<CheckResult> source(PgcdcConfig.Source source) throws SQLException {
    Connection db;
    try {
      db = Connections.postgres(source);
    } catch (UserException e) {
      int split = e.getMessage().lastIndexOf("; ");
      return List.of(CheckResult.fail(e.getMessage().substring(0, split), e.getMessage().substring(split + 2)));
    }
    try (db) {
      List<CheckResult> results = new ArrayList<>();
      results.add(CheckResult.ok("PostgreSQL " + db.getMetaData().getDatabaseProductVersion() + " at "
          + source.redactedUrl() + " accepts user " + source.user()));
      results.addAll(new SourcePreflight(db, source).run());
      return results;
    }
  }
}
