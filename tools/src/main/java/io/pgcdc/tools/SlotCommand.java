package io.pgcdc.tools;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.preflight.SlotState;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgcdc slot status|create|drop}: administration of the configured replication slot. */
@Command(name = "slot", mixinStandardHelpOptions = true,
    description = "Show, create or drop the logical replication slot named by source.slot.",
    subcommands = {SlotCommand.Status.class, SlotCommand.Create.class, SlotCommand.Drop.class})
final class SlotCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** {@code pgcdc slot} alone: list the subcommands, usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return spec.exitCodeOnInvalidInput();
  }

  private static SlotState require(Connection db, String slot) throws SQLException {
    return SlotState.read(db, slot).orElseThrow(() -> new UserException("slot " + slot + " does not exist"
        + "; create it with 'pgcdc slot create --config FILE' (or let pgcdc run create it with source.create: true)"));
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Show the slot: plugin, active and by which pid, confirmed_flush_lsn, restart_lsn,",
          "lag in bytes (pg_current_wal_lsn() - confirmed_flush_lsn), wal_status and two_phase."})
  static final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
      PgcdcConfig.Source source = config.load().source();
      try (Connection db = Connections.postgres(source)) {
        SlotState s = require(db, source.slot());
        PrintWriter out = spec.commandLine().getOut();
        row(out, "slot", s.name());
        row(out, "plugin", s.plugin());
        row(out, "database", s.database());
        row(out, "active", Boolean.toString(s.active()));
        row(out, "active_pid", s.activePid() == null ? "" : s.activePid().toString());
        row(out, "confirmed_flush_lsn", Lsn.format(s.confirmedFlushLsn()));
        row(out, "restart_lsn", Lsn.format(s.restartLsn()));
        row(out, "lag_bytes", Long.toString(s.lagBytes()));
        row(out, "wal_status", s.walStatus() + (s.conflicting() ? " (conflicting)" : ""));
        row(out, "two_phase", s.twoPhase() ? "true (pgcdc refuses it: see pgcdc check)" : "false");
        out.flush();
        return 0;
      }
    }

    private static void row(PrintWriter out, String key, String value) {
      out.printf("%-20s %s%n", key, value);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create the slot with plugin pgoutput; fails when it already exists.")
  static final class Create implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
      PgcdcConfig.Source source = config.load().source();
      try (Connection db = Connections.postgres(source)) {
        if (SlotState.read(db, source.slot()).isPresent()) {
          throw new UserException("slot " + source.slot() + " already exists"
              + "; use it as it is, or drop it first with 'pgcdc slot drop --config FILE'");
        }
        try (PreparedStatement st = db.prepareStatement(
            "SELECT (lsn - '0/0')::bigint FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
          st.setString(1, source.slot());
          try (ResultSet rs = st.executeQuery()) {
            rs.next();
            spec.commandLine().getOut().println("created slot " + source.slot() + " (pgoutput) at " + Lsn.format(rs.getLong(1)));
          }
        } catch (SQLException e) {
          throw new UserException("cannot create slot " + source.slot() + ": " + ErrorHandler.firstLine(e.getMessage())
              + "; run 'pgcdc check --config FILE' to see what is missing", e);
        }
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true,
      description = {"Drop the slot. An active slot (a walsender streams from it) is refused unless --force,",
          "which terminates that walsender first. The server then frees the WAL the slot held."})
  static final class Drop implements Callable<Integer> {
    private static final long TERMINATE_WAIT_MILLIS = 10_000;

    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--force", description = "Terminate the walsender using the slot, then drop it.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      PgcdcConfig.Source source = config.load().source();
      try (Connection db = Connections.postgres(source)) {
        SlotState s = require(db, source.slot());
        String database = db.getCatalog();
        if (!database.equals(s.database())) {
          throw new UserException("slot " + s.name() + " belongs to database " + s.database() + ", not " + database
              + "; PostgreSQL drops a logical slot only from its own database: point source.url at " + s.database());
        }
        if (s.active() && !force) {
          throw new UserException("slot " + s.name() + " is active (walsender pid " + s.activePid() + ")"
              + "; stop the pgcdc using it, or add --force to terminate that walsender");
        }
        if (s.active()) {
          terminate(db, s);
        }
        try (PreparedStatement st = db.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
          st.setString(1, s.name());
          st.execute();
        }
        spec.commandLine().getOut().println("dropped slot " + s.name());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }

    /** Terminates the walsender and waits until the slot is released (the backend exits asynchronously). */
    private static void terminate(Connection db, SlotState s) throws SQLException, InterruptedException {
      try (PreparedStatement st = db.prepareStatement("SELECT pg_terminate_backend(?)")) {
        st.setInt(1, s.activePid());
        st.execute();
      }
      long deadline = System.nanoTime() + TERMINATE_WAIT_MILLIS * 1_000_000;
      while (SlotState.read(db, s.name()).map(SlotState::active).orElse(false)) {
        if (System.nanoTime() > deadline) {
          throw new UserException("slot " + s.name() + " is still active after terminating pid " + s.activePid()
              + "; a reader reconnected at once: stop it, then drop again");
        }
        Thread.sleep(50); // no event to wait on: the catalog is the only signal
      }
    }
  }
}
