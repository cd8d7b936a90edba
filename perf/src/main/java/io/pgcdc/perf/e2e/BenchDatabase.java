package io.pgcdc.perf.e2e;

import io.pgcdc.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The benchmark's own database on the server under test: table {@link #TABLE} (8 columns of
 * mixed types), publication {@code <db>_pub} and one logical slot per backlog consumer, all
 * created BEFORE the backlog is written so every consumer decodes the same WAL. {@link #close()}
 * drops the slots (terminating walsenders still holding them) and the database, and is safe to
 * call twice or after a failed {@link #create}. Used from the bench's main thread only.
 */
final class BenchDatabase implements AutoCloseable {

  static final String TABLE = "bench_rows";
  /** Routing key pgcdc gives the table's row events ({@code {schema}.{table}}). */
  static final String ROUTING_KEY = "public." + TABLE;

  private static final String DDL = """
      CREATE TABLE public.bench_rows (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL,
        amount numeric(12,2) NOT NULL,
        active boolean NOT NULL,
        created_at timestamptz NOT NULL,
        attrs jsonb NOT NULL,
        tags text[] NOT NULL,
        ref uuid NOT NULL)""";

  /** One row as a SELECT over {@code g} (generate_series or a loop variable). */
  static final String ROW = "'customer-' || g, (g % 1000000) / 100.0, g % 2 = 0, clock_timestamp(),"
      + " jsonb_build_object('tier', g % 5, 'src', 'bench'), ARRAY['red', 'blue', 'k' || (g % 10)],"
      + " gen_random_uuid()";
  static final String COLUMNS = "name, amount, active, created_at, attrs, tags, ref";

  private final BenchServers servers;
  private final String name;
  private final List<String> slots;
  private boolean created;

  private BenchDatabase(BenchServers servers, String name, List<String> slots) {
    this.servers = servers;
    this.name = name;
    this.slots = slots;
  }

  /** A fresh {@code pgcdc_bench_<random>} database with the table, publication and slots. */
  static BenchDatabase create(BenchServers servers, String... slotSuffixes) throws SQLException {
    String db = "pgcdc_bench_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    List<String> slots = new java.util.ArrayList<>(
        java.util.Arrays.stream(slotSuffixes).map(s -> db + "_" + s).toList());
    BenchDatabase bench = new BenchDatabase(servers, db, slots);
    try (Connection admin = servers.connectAdmin(); Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + db);
      bench.created = true;
    }
    try (Connection c = servers.connect(db); Statement st = c.createStatement()) {
      st.execute(DDL);
      st.execute("CREATE PUBLICATION " + bench.publication() + " FOR TABLE public." + TABLE);
      for (String slot : slots) {
        st.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
      }
    }
    return bench;
  }

  String name() {
    return name;
  }

  String publication() {
    return name + "_pub";
  }

  String slot(int i) {
    return slots.get(i);
  }

  /**
   * Creates one more logical slot {@code <db>_<suffix>} with {@code plugin} now (it starts at the
   * current WAL position, so it sees no backlog); {@link #close()} drops it with the others.
   */
  String createSlot(String suffix, String plugin) throws SQLException {
    String slot = name + "_" + suffix;
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("SELECT pg_create_logical_replication_slot('" + slot + "', '" + plugin + "')");
    }
    slots.add(slot);
    return slot;
  }

  Connection connect() throws SQLException {
    return servers.connect(name);
  }

  /**
   * {@code CHECKPOINT}, waited for: the dirty pages of a backlog just written are on disk before
   * anything is measured, instead of the checkpoint that the backlog's WAL volume requests spreading
   * its writes over minutes ({@code checkpoint_completion_target}) across whichever phases follow.
   * Hygiene: in session 7 it took 0.1-0.2 s and did not change the run-to-run spread.
   *
   * @return seconds it took
   */
  double checkpoint() throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("CHECKPOINT");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** {@code pg_current_wal_lsn()} as a long. */
  long currentWalLsn() throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      return Lsn.parse(rs.getString(1));
    }
  }

  /** The slot's {@code confirmed_flush_lsn} (0 when null), read on {@code c}. */
  static long confirmedFlushLsn(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("replication slot disappeared during the benchmark: slot=" + slot);
        }
        String lsn = rs.getString(1);
        return lsn == null ? 0 : Lsn.parse(lsn);
      }
    }
  }

  /** Drops the slots (terminating their walsenders) and the database; never throws. */
  @Override
  public void close() {
    if (!created) {
      return;
    }
    try (Connection admin = servers.connectAdmin(); Statement st = admin.createStatement()) {
      for (String slot : slots) {
        dropSlot(st, slot);
      }
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      created = false;
    } catch (SQLException e) {
      System.err.println("bench: cleanup of database " + name + " failed (drop it and its slots by hand): "
          + e.getMessage());
    }
  }

  private static void dropSlot(Statement st, String slot) throws SQLException {
    for (int attempt = 0; attempt < 50; attempt++) {
      st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
          + " WHERE slot_name = '" + slot + "' AND active_pid IS NOT NULL");
      try {
        st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            + " WHERE slot_name = '" + slot + "'");
        return;
      } catch (SQLException stillActive) {
        sleepQuietly(100); // the terminated walsender releases the slot a moment later
      }
    }
    throw new SQLException("replication slot still active after 5 s: slot=" + slot);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
