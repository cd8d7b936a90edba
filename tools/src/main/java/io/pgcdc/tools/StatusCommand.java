package io.pgcdc.tools;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.ha.ClusterConfig;
import io.pgcdc.ha.ClusterPaths;
import io.pgcdc.ha.ClusterStatus;
import io.pgcdc.ha.ClusterView;
import io.pgcdc.ha.Member;
import io.pgcdc.ha.ZooKeeperConnection;
import io.pgcdc.engine.preflight.SlotState;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pgcdc status --config FILE}: what the cluster looks like from outside — members, leader,
 * epoch — and how far the slot lags. Read-only: it never takes part in the election.
 *
 * <pre>
 * cluster    prod (zookeeper 127.0.0.1:2181)
 * epoch      7 (won by node-b)
 * leader     node-b
 * members    3
 *   node-a   host=h1 metrics=127.0.0.1:9464
 *   node-b   host=h2 metrics=127.0.0.1:9465  leader
 * slot       pgcdc_slot active=true pid=4242 confirmed_flush_lsn=0/16B3748 lag_bytes=88
 * </pre>
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the cluster (members, leader, epoch) and the slot's lag in bytes.",
        "Without a cluster section: says standalone and shows the slot."})
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    PgcdcConfig loaded = config.load();
    PrintWriter out = spec.commandLine().getOut();
    Optional<ClusterConfig> cluster = loaded.cluster();
    if (cluster.isPresent()) {
      printCluster(out, cluster.get(), read(cluster.get()));
    } else {
      row(out, "mode", "standalone (no cluster section)");
    }
    printSlot(out, loaded.source());
    out.flush();
    return 0;
  }

  private static ClusterStatus read(ClusterConfig cluster) throws Exception {
    try (ZooKeeperConnection zk = ZooKeeperConnection.create(cluster, "status")) {
      zk.client().start();
      long waitMillis = cluster.connectionTimeout().toMillis();
      if (!zk.client().blockUntilConnected(Math.toIntExact(waitMillis), TimeUnit.MILLISECONDS)) {
        throw new UserException("ZooKeeper at " + cluster.zookeeper() + " does not answer within " + waitMillis
            + " ms; check cluster.zookeeper (PGCDC_CLUSTER_ZOOKEEPER) and that ZooKeeper runs");
      }
      return new ClusterView(zk.client(), ClusterPaths.of(cluster.name())).status();
    }
  }

  private static void printCluster(PrintWriter out, ClusterConfig cluster, ClusterStatus status) {
    row(out, "cluster", cluster.name() + " (zookeeper " + cluster.zookeeper() + ")");
    row(out, "epoch", status.epoch().value() == 0 ? "0 (nobody elected yet)"
        : status.epoch().value() + " (won by " + status.epoch().nodeId() + ")");
    row(out, "leader", status.leaderId().orElse("none"));
    row(out, "members", Integer.toString(status.members().size()));
    for (Member m : status.members()) {
      boolean leads = status.leaderId().filter(m.nodeId()::equals).isPresent();
      out.printf("  %-10s host=%s metrics=%s%s%n", m.nodeId(), m.host(), m.metricsAddress(), leads ? "  leader" : "");
    }
  }

  private static void printSlot(PrintWriter out, PgcdcConfig.Source source) throws Exception {
    try (Connection db = Connections.postgres(source)) {
      Optional<SlotState> slot = SlotState.read(db, source.slot());
      if (slot.isEmpty()) {
        row(out, "slot", source.slot() + " absent (pgcdc run creates it with source.create: true)");
        return;
      }
      SlotState s = slot.get();
      row(out, "slot", s.name() + " active=" + s.active()
          + (s.activePid() == null ? "" : " pid=" + s.activePid())
          + " confirmed_flush_lsn=" + Lsn.format(s.confirmedFlushLsn())
          + " lag_bytes=" + s.lagBytes()
          + (s.invalidated() ? " INVALIDATED (wal_status=" + s.walStatus() + ")" : ""));
    }
  }

  private static void row(PrintWriter out, String key, String value) {
    out.printf("%-10s %s%n", key, value);
  }
}
