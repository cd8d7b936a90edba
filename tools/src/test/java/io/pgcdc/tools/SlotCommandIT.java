package io.pgcdc.tools;

import static io.pgcdc.tools.CommandRun.pgcdc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** {@code pgcdc slot status|create|drop} really create and drop slots on the shared server. */
@Timeout(120)
class SlotCommandIT {
  private static PostgresServer pg;
  private static String db;

  @TempDir
  Path dir;

  @BeforeAll
  static void createDatabase() throws Exception {
    pg = TestServers.postgres();
    db = pg.createDatabase("fslot");
    try (var c = pg.connect(db); var s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int PRIMARY KEY)");
      s.execute("CREATE PUBLICATION fslot_pub FOR TABLE t");
    }
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    pg.dropDatabase(db); // also drops any slot a failed test left behind
  }

  private String config(String slot) throws Exception {
    return Files.writeString(dir.resolve(slot + ".yaml"),
        "source:\n  url: " + pg.jdbcUrl(db) + "\n  user: " + pg.user() + "\n  slot: " + slot + "\n").toString();
  }

  private static String slotName() {
    return "fslot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  private static boolean slotExists(String slot) throws Exception {
    try (var c = pg.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }

  @Test
  void createsShowsAndDropsASlot() throws Exception {
    String slot = slotName();
    String file = config(slot);

    CommandRun created = pgcdc("slot", "create", "--config", file);
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).startsWith("created slot " + slot + " (pgoutput) at ");
    assertThat(slotExists(slot)).isTrue();

    CommandRun status = pgcdc("slot", "status", "--config", file);
    assertThat(status.exitCode()).isZero();
    assertThat(status.outLines()).contains(
        String.format("%-20s %s", "slot", slot),
        String.format("%-20s %s", "plugin", "pgoutput"),
        String.format("%-20s %s", "database", db),
        String.format("%-20s %s", "active", "false"),
        String.format("%-20s %s", "wal_status", "reserved"),
        String.format("%-20s %s", "two_phase", "false"));
    assertThat(status.out()).containsPattern("confirmed_flush_lsn +[0-9A-F]+/[0-9A-F]+")
        .containsPattern("restart_lsn +[0-9A-F]+/[0-9A-F]+")
        .containsPattern("lag_bytes +\\d+");

    CommandRun dropped = pgcdc("slot", "drop", "--config", file);
    assertThat(dropped.exitCode()).isZero();
    assertThat(dropped.out()).isEqualTo("dropped slot " + slot + System.lineSeparator());
    assertThat(slotExists(slot)).isFalse();
  }

  @Test
  void createRefusesAnExistingSlot() throws Exception {
    String slot = slotName();
    String file = config(slot);
    assertThat(pgcdc("slot", "create", "--config", file).exitCode()).isZero();

    CommandRun again = pgcdc("slot", "create", "--config", file);

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.errLines()).containsExactly("pgcdc: slot " + slot
        + " already exists; use it as it is, or drop it first with 'pgcdc slot drop --config FILE'");
    assertThat(pgcdc("slot", "drop", "--config", file).exitCode()).isZero();
  }

  @Test
  void statusAndDropOfAMissingSlotAreOneLine() throws Exception {
    String slot = slotName();
    String file = config(slot);

    CommandRun status = pgcdc("slot", "status", "--config", file);
    CommandRun drop = pgcdc("slot", "drop", "--config", file);

    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.errLines()).containsExactly("pgcdc: slot " + slot + " does not exist; create it with "
        + "'pgcdc slot create --config FILE' (or let pgcdc run create it with source.create: true)");
    assertThat(drop.exitCode()).isEqualTo(1);
    assertThat(drop.errLines()).hasSize(1);
  }

  @Test
  void dropRefusesASlotOfAnotherDatabase() throws Exception {
    String slot = slotName();
    assertThat(pgcdc("slot", "create", "--config", config(slot)).exitCode()).isZero();
    String elsewhere = Files.writeString(dir.resolve("elsewhere.yaml"),
        "source:\n  url: " + pg.jdbcUrl() + "\n  user: " + pg.user() + "\n  slot: " + slot + "\n").toString();

    CommandRun refused = pgcdc("slot", "drop", "--config", elsewhere);

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.errLines()).singleElement().satisfies(l -> assertThat(l)
        .startsWith("pgcdc: slot " + slot + " belongs to database " + db + ", not "));
    assertThat(pgcdc("slot", "drop", "--config", config(slot)).exitCode()).isZero();
  }

  @Test
  void dropRefusesAnActiveSlotUnlessForced() throws Exception {
    String slot = slotName();
    String file = config(slot);
    assertThat(pgcdc("slot", "create", "--config", file).exitCode()).isZero();

    try (Connection replication = replicationConnection();
         PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
             .replicationStream().logical().withSlotName(slot)
             .withSlotOption("proto_version", "1").withSlotOption("publication_names", "fslot_pub").start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> pgcdc("slot", "status", "--config", file).out()
          .contains(String.format("%-20s %s", "active", "true")));

      CommandRun refused = pgcdc("slot", "drop", "--config", file);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.errLines()).singleElement().satisfies(l -> assertThat(l)
          .startsWith("pgcdc: slot " + slot + " is active (walsender pid ")
          .endsWith("; stop the pgcdc using it, or add --force to terminate that walsender"));
      assertThat(slotExists(slot)).isTrue();

      CommandRun forced = pgcdc("slot", "drop", "--force", "--config", file);
      assertThat(forced.exitCode()).as(forced.err()).isZero();
      assertThat(slotExists(slot)).isFalse();
    } catch (java.sql.SQLException expectedOnClose) {
      // the walsender was terminated under the stream: closing it reports the broken connection
      assertThat(slotExists(slot)).isFalse();
    }
  }

  private static Connection replicationConnection() throws Exception {
    Properties p = pg.properties();
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    return DriverManager.getConnection(pg.jdbcUrl(db), p);
  }
}
