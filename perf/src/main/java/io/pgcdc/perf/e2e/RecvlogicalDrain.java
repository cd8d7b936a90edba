package io.pgcdc.perf.e2e;

import io.pgcdc.decoder.Lsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Phase (a): {@code pg_recvlogical} drains a slot to {@code /dev/null} up to the backlog's end
 * LSN ({@code --endpos}) — PostgreSQL's WAL sender decoding pgoutput as fast as it can, with a
 * client that does nothing with the bytes. Throughput over time comes from the slot's
 * {@code confirmed_flush_lsn} (status every second, {@code -s 1}; no fsync, {@code -F 0}),
 * converted to events by the backlog's events per WAL byte. With a backlog warm-up, the time the
 * WAL sender passed the warm-up's end comes from its {@code sent_lsn} ({@code pg_stat_replication},
 * updated after every WAL record it decoded, i.e. after a transaction was sent in full; sampled
 * every 250 ms), not from the 1 s status updates. Runs on the caller's thread plus the samplers'.
 */
final class RecvlogicalDrain {

  private final BenchServers servers;
  private final BenchDatabase db;
  private final Backlog backlog;
  private final Duration timeout;

  private static final long WAL_PAGE = 8192;

  private final Path workDir;

  RecvlogicalDrain(BenchServers servers, BenchDatabase db, Backlog backlog, Path workDir, Duration timeout) {
    this.workDir = workDir;
    this.servers = servers;
    this.db = db;
    this.backlog = backlog;
    this.timeout = timeout;
  }

  /**
   * Drains {@code slot} with the given pgoutput options ({@code proto_version=1} is what the
   * issue asks for; pgcdc itself asks for 2 with streaming on).
   */
  PhaseResult drain(String label, String slot, List<String> pluginOptions) throws IOException, SQLException,
      InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("pg_recvlogical", "-h", servers.pgHost(),
        "-p", Integer.toString(servers.pgPort()), "-U", servers.user(), "-d", db.name(), "-S", slot,
        "--start", "--endpos=" + Lsn.format(backlog.endLsn()), "-s", "1", "-F", "0", "-f", "/dev/null",
        "--no-loop"));
    for (String option : pluginOptions) {
      cmd.add("-o");
      cmd.add(option);
    }
    Path log = workDir.resolve("pg_recvlogical-" + slot + ".log");
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PGPASSWORD", servers.password());
    Series lsn = new Series(label + " flushed", "LSN");
    Series sent = new Series(label + " sent", "LSN");
    try (Connection c = db.connect(); Connection s = db.connect()) {
      Sampler.Probe probe = () -> BenchDatabase.confirmedFlushLsn(c, slot) - backlog.startLsn();
      Sampler sampler = new Sampler(lsn, probe);
      Sampler.Probe sentProbe = sentProbe(s, slot);
      Sampler sentSampler = backlog.hasWarmUp() ? new Sampler(sent, sentProbe) : null;
      Process process = builder.start();
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        process.destroy();
      }
      double seconds = sampler.elapsedSeconds();
      sampler.finish(probe);
      double warmUpPassed = Double.NaN;
      if (sentSampler != null) {
        sentSampler.finish(sentProbe);
        // both samplers count from their construction, a few µs apart: negligible at 250 ms sampling
        warmUpPassed = sent.timeToReach(backlog.warmUpLsn() - backlog.startLsn());
      }
      if (!exited) {
        throw new IllegalStateException("pg_recvlogical did not reach the end LSN within " + timeout
            + ": slot=" + slot + " endLsn=" + Lsn.format(backlog.endLsn()));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("pg_recvlogical exited with " + process.exitValue() + ": slot=" + slot
            + ": " + Files.readString(log).strip().replace('\n', ' '));
      }
      // pg_recvlogical confirms the START of the last record it saw, a few bytes below the end
      // (insert) position; more than one WAL page short means it stopped early.
      long confirmed = BenchDatabase.confirmedFlushLsn(c, slot);
      if (confirmed < backlog.endLsn() - WAL_PAGE) {
        System.err.printf("bench: %s exited at endpos but slot %s confirmed only %s of end %s%n", label, slot,
            Lsn.format(confirmed), Lsn.format(backlog.endLsn()));
      }
      return new PhaseResult(label, "PostgreSQL's WAL sender (logical decoding + pgoutput)", backlog.events(),
          backlog.walBytes(), "WAL", seconds, parts(lsn, seconds, warmUpPassed), eventsOverTime(lsn, label));
    }
  }

  /**
   * Rate of each part from when the flushed position passed the boundary LSN, and the steady
   * rate after the warm-up, which the WAL sender passed {@code warmUpPassed} s into the phase.
   */
  private List<PhaseResult.PartRate> parts(Series lsn, double total, double warmUpPassed) {
    List<PhaseResult.PartRate> steady = PhaseResult.afterWarmUp(backlog, warmUpPassed, total);
    double boundary = lsn.timeToReach(backlog.boundaryLsn() - backlog.startLsn());
    if (Double.isNaN(boundary) || backlog.batchedRows() == 0 || backlog.singleRows() == 0) {
      return steady;
    }
    return PhaseResult.concat(List.of(
        new PhaseResult.PartRate(backlog.txnSize() + "-row txns", backlog.batchedRows(), boundary),
        new PhaseResult.PartRate("1-row txns", backlog.singleRows(), total - boundary)), steady);
  }

  /**
   * The slot's WAL sender's {@code sent_lsn} relative to the backlog's start, never going back
   * (0 before the walsender exists, the last value after it exited).
   */
  private Sampler.Probe sentProbe(Connection c, String slot) {
    long[] last = {0};
    return () -> {
      try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT r.sent_lsn::text FROM pg_stat_replication r"
          + " JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = ?")) {
        ps.setString(1, slot);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getString(1) != null) {
            last[0] = Math.max(last[0], Lsn.parse(rs.getString(1)) - backlog.startLsn());
          }
        }
      }
      return last[0];
    };
  }

  private Series eventsOverTime(Series lsn, String label) {
    double eventsPerByte = (double) backlog.events() / backlog.walBytes();
    Series events = new Series(label, "events");
    for (Series.Point p : lsn.points()) {
      events.add(p.seconds(), Math.max(0, p.value()) * eventsPerByte);
    }
    return events.rate(label, "events/s", 2.0); // a status update every 1 s: 2 s windows
  }
}
