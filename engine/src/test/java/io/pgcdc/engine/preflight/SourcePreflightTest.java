package io.pgcdc.engine.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.engine.config.TablePattern;
import io.pgcdc.engine.preflight.CheckResult.Status;
import io.pgcdc.engine.preflight.SourcePreflight.TableInfo;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourcePreflightTest {
  private static SlotState slot(String plugin, String walStatus, boolean conflicting, boolean active) {
    return slot(plugin, walStatus, conflicting, active, false);
  }

  private static SlotState slot(String plugin, String walStatus, boolean conflicting, boolean active,
                                boolean twoPhase) {
    return new SlotState("s", plugin, "logical", "app", active, active ? 42 : null, 0x16B3748L, 0x16B3700L, 100,
        walStatus, conflicting, twoPhase);
  }

  @Test
  void walLevelReplicaFailsWithTheFix() {
    CheckResult r = SourcePreflight.walLevelVerdict("replica");

    assertThat(r.line()).isEqualTo("FAIL  wal_level = replica, logical decoding needs logical; "
        + "fix: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
  }

  @Test
  void walLevelLogicalPasses() {
    assertThat(SourcePreflight.walLevelVerdict("logical").status()).isEqualTo(Status.OK);
  }

  @Test
  void roleWithoutReplicationFailsWithAlterRole() {
    assertThat(SourcePreflight.privilegeVerdict("app", false, false).line())
        .isEqualTo("FAIL  role app lacks the REPLICATION privilege; fix: ALTER ROLE app REPLICATION; (as a superuser)");
    assertThat(SourcePreflight.privilegeVerdict("App", false, false).fix()).startsWith("ALTER ROLE \"App\"");
    assertThat(SourcePreflight.privilegeVerdict("app", false, true).status()).isEqualTo(Status.OK);
    assertThat(SourcePreflight.privilegeVerdict("app", true, false).status()).isEqualTo(Status.OK);
  }

  @Test
  void everyWalSenderInUseFails() {
    assertThat(SourcePreflight.walSendersVerdict(10, 3).line())
        .isEqualTo("ok    max_wal_senders = 10, 7 free for pgcdc's replication connection");
    assertThat(SourcePreflight.walSendersVerdict(10, 10).status()).isEqualTo(Status.FAIL);
  }

  @Test
  void absentSlotPassesWhenItCanBeCreated() {
    assertThat(SourcePreflight.slotVerdict("s", Optional.empty(), true, 3, "app").status()).isEqualTo(Status.OK);
    assertThat(SourcePreflight.slotVerdict("s", Optional.empty(), true, 0, "app").status()).isEqualTo(Status.FAIL);
    // An initial snapshot holds a temporary slot when the slot is created from it.
    CheckResult snapshot = SourcePreflight.slotVerdict("s", Optional.empty(), true, true, 1, "app");
    assertThat(snapshot.status()).isEqualTo(Status.FAIL);
    assertThat(snapshot.what()).contains("two free replication slots").contains("1 free");
    assertThat(SourcePreflight.slotVerdict("s", Optional.empty(), true, true, 2, "app").what())
        .contains("after an initial snapshot");
    assertThat(SourcePreflight.slotVerdict("s", Optional.empty(), false, 3, "app").fix())
        .contains("pgcdc slot create");
  }

  @Test
  void slotWithAnotherPluginFails() {
    CheckResult r = SourcePreflight.slotVerdict("s", Optional.of(slot("test_decoding", "reserved", false, false)),
        true, 3, "app");

    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.what()).contains("plugin test_decoding, pgcdc needs pgoutput");
  }

  @Test
  void lostOrConflictingSlotIsInvalidated() {
    CheckResult lost = SourcePreflight.slotVerdict("s", Optional.of(slot("pgoutput", "lost", false, false)), true, 3, "app");
    CheckResult conflicting = SourcePreflight.slotVerdict("s", Optional.of(slot("pgoutput", "reserved", true, false)),
        true, 3, "app");

    assertThat(lost.status()).isEqualTo(Status.FAIL);
    assertThat(lost.what()).contains("invalidated (wal_status=lost)").contains("events may have been lost");
    assertThat(conflicting.what()).contains("conflicting");
  }

  @Test
  void slotWithTwoPhaseFailsBecauseItWouldHandPgcdcPreparedTransactions() {
    CheckResult r = SourcePreflight.slotVerdict("s", Optional.of(slot("pgoutput", "reserved", false, false, true)),
        true, 3, "app");

    assertThat(r.line()).isEqualTo("FAIL  slot s has two_phase = true: PostgreSQL decodes prepared transactions from"
        + " it at PREPARE TRANSACTION, which pgcdc does not support yet; fix: point source.slot at a new name (pgcdc"
        + " creates that slot without two_phase at start, or run pgcdc slot create), re-sync from the source tables"
        + " what was committed after 0/16B3748 and before the new slot was created, then drop this one:"
        + " SELECT pg_drop_replication_slot('s');");
  }

  @Test
  void slotOfAnotherDatabaseFails() {
    CheckResult r = SourcePreflight.slotVerdict("s", Optional.of(slot("pgoutput", "reserved", false, false)), true, 3,
        "other");

    assertThat(r.line()).contains("belongs to database app, not other");
  }

  @Test
  void healthySlotShowsPositionAndActiveOneWarns() {
    CheckResult idle = SourcePreflight.slotVerdict("s", Optional.of(slot("pgoutput", "reserved", false, false)), true, 3,
        "app");
    CheckResult active = SourcePreflight.slotVerdict("s", Optional.of(slot("pgoutput", "reserved", false, true)), true, 3,
        "app");

    assertThat(idle.line()).isEqualTo("ok    slot s exists (pgoutput, confirmed_flush_lsn 0/16B3748, lag 100 bytes, "
        + "wal_status reserved)");
    assertThat(active.status()).isEqualTo(Status.WARN);
    assertThat(active.what()).contains("in use by pid 42");
  }

  @Test
  void absentPublicationNeedsCreateAndThePrivilege() {
    assertThat(SourcePreflight.publicationVerdict("p", Optional.empty(), true, false, true, "u", "d").status())
        .isEqualTo(Status.OK);
    assertThat(SourcePreflight.publicationVerdict("p", Optional.empty(), true, false, false, "u", "d").fix())
        .isEqualTo("GRANT CREATE ON DATABASE d TO u; (and own the tables)");
    assertThat(SourcePreflight.publicationVerdict("p", Optional.empty(), false, false, true, "u", "d").status())
        .isEqualTo(Status.FAIL);
  }

  @Test
  void existingPublicationMustBeAlterableAndPublishEverything() {
    SourcePreflight.PublicationInfo mine = new SourcePreflight.PublicationInfo(2, "u", true, "");
    SourcePreflight.PublicationInfo theirs = new SourcePreflight.PublicationInfo(2, "admin", false, "");
    SourcePreflight.PublicationInfo insertsOnly = new SourcePreflight.PublicationInfo(2, "u", true, "update, delete, truncate");

    assertThat(SourcePreflight.publicationVerdict("p", Optional.of(mine), true, false, false, "u", "d").status())
        .isEqualTo(Status.OK);
    assertThat(SourcePreflight.publicationVerdict("p", Optional.of(theirs), true, false, false, "u", "d").line())
        .isEqualTo("FAIL  publication p is owned by admin: role u cannot align it with source.tables at start; "
            + "fix: ALTER PUBLICATION p OWNER TO u; or set source.create: false");
    assertThat(SourcePreflight.publicationVerdict("p", Optional.of(theirs), true, true, false, "u", "d").status())
        .isEqualTo(Status.OK);
    assertThat(SourcePreflight.publicationVerdict("p", Optional.of(insertsOnly), true, false, false, "u", "d").line())
        .isEqualTo("warn  publication p does not publish update, delete, truncate: those changes never reach pgcdc; "
            + "fix: ALTER PUBLICATION p SET (publish = 'insert, update, delete, truncate');");
  }

  @Test
  void tableWithoutKeyWarnsWithTheExactAlterTable() {
    List<CheckResult> results = SourcePreflight.tableVerdicts(List.of(TablePattern.parse("public.*")),
        List.of(List.of(new TableInfo("public.orders", 'd', true, false), new TableInfo("public.\"Log\"", 'd', false, false),
            new TableInfo("public.audit", 'f', false, false), new TableInfo("public.nothing", 'n', true, false))), "app",
        false);

    assertThat(results).extracting(CheckResult::line).containsExactly(
        "ok    4 tables match source.tables [public.*]",
        "warn  table public.\"Log\" has no primary key and REPLICA IDENTITY DEFAULT: its updates and deletes carry no key "
            + "(and fail while it is published); fix: ALTER TABLE public.\"Log\" REPLICA IDENTITY FULL;",
        "warn  table public.nothing has REPLICA IDENTITY NOTHING: its updates and deletes carry no key "
            + "(and fail while it is published); fix: ALTER TABLE public.nothing REPLICA IDENTITY FULL;");
  }

  @Test
  void missingExactTableFailsButEmptyWildcardOnlyWarns() {
    List<CheckResult> results = SourcePreflight.tableVerdicts(
        List.of(TablePattern.parse("public.orders"), TablePattern.parse("sales.*")), List.of(List.of(), List.of()), "app",
        false);

    assertThat(results).extracting(CheckResult::status).containsExactly(Status.FAIL, Status.WARN);
    assertThat(results.get(0).line())
        .isEqualTo("FAIL  table public.orders (source.tables) does not exist in database app; "
            + "fix: create it, or correct source.tables");
  }

  @Test
  void partitionedTableIsReportedUnderTheNameItsRowsArriveWith() {
    List<TablePattern> patterns = List.of(TablePattern.parse("public.orders"));
    List<List<TableInfo>> matches = List.of(List.of(new TableInfo("public.orders", 'd', true, true)));

    assertThat(SourcePreflight.tableVerdicts(patterns, matches, "app", false)).extracting(CheckResult::line)
        .containsExactly("ok    1 table matches source.tables [public.orders]",
            "ok    table public.orders is partitioned: its rows are published as its partitions, each under its own"
                + " name (source.publish_via_partition_root: false)");
    assertThat(SourcePreflight.tableVerdicts(patterns, matches, "app", true).get(1).line())
        .isEqualTo("ok    table public.orders is partitioned: its rows are published as public.orders, a TRUNCATE of"
            + " a single partition is not published (source.publish_via_partition_root: true)");
  }

  @Test
  void wildcardPatternsWhoseFutureTablesThePublicationDoesNotCoverWarnWithTheFix() {
    List<TablePattern> patterns = List.of(TablePattern.parse("public.*"), TablePattern.parse("sales.order_*"),
        TablePattern.parse("audit.log"));

    assertThat(SourcePreflight.futureTablesVerdict(patterns, "p", true, false, java.util.Set.of()).orElseThrow().line())
        .isEqualTo("warn  tables created later that match source.tables [public.*, sales.order_*] join publication p"
            + " only at pgcdc's next start: rows written to them before that never reach consumers; fix: have a"
            + " superuser run ALTER PUBLICATION p ADD TABLES IN SCHEMA public; (PostgreSQL 15+, pgcdc keeps it), or"
            + " restart pgcdc after creating such a table and before writing to it");
    assertThat(SourcePreflight.futureTablesVerdict(patterns, "p", true, false, java.util.Set.of("public")).orElseThrow()
        .what()).contains("[sales.order_*]");
    assertThat(SourcePreflight.futureTablesVerdict(patterns, "p", true, true, java.util.Set.of())).as("FOR ALL TABLES").isEmpty();
    assertThat(SourcePreflight.futureTablesVerdict(List.of(TablePattern.parse("public.*")), "p", true, false,
        java.util.Set.of("public"))).as("TABLES IN SCHEMA public").isEmpty();
    assertThat(SourcePreflight.futureTablesVerdict(patterns, "p", false, false, java.util.Set.of()).orElseThrow().line())
        .as("source.create: false").contains("join publication p only when its owner adds them (source.create: false)",
            "or add each such table to the publication before writing to it");
  }
}
