package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineFixture.Message;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.testsupport.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code source.snapshot: initial} against a real PostgreSQL and RabbitMQ: rows that were in the
 * tables before the slot existed arrive as {@code op: R} events, equal to {@code to_json()} of the
 * row, ahead of every change; a start that stops mid-snapshot leaves no slot and the next one
 * snapshots again; changes committed while the snapshot is read are streamed after it, so the last
 * copy of every key is the row as it is now. Run on the shared server ({@link InitialSnapshotIT}) and
 * on an embedded PostgreSQL 17 ({@link InitialSnapshotPg17IT}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class InitialSnapshotScenarios {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final String SNAPSHOT = "  snapshot: initial\n";

  abstract PostgresServer server();

  @Test
  void rowsPresentBeforeTheSlotWasCreatedArriveAsSnapshotReadsAheadOfTheFirstChange() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_snap_rows", server()).bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY, n numeric, ts timestamptz, j jsonb, arr text[], by bytea, txt text,"
              + " gen int GENERATED ALWAYS AS (id * 2) STORED)",
          "INSERT INTO t VALUES (1, 12345678901234567890.000123, '2026-11-21 22:41:03.123456+02', '{\"a\": [1, 2.50]}',"
              + " '{\"x y\",NULL}', '\\x00ff', E'tab\\there\\nnew line \\\\ backslash')",
          "INSERT INTO t VALUES (2, NULL, NULL, NULL, NULL, NULL, '\\N')",
          "INSERT INTO t VALUES (3, 'NaN', 'infinity', 'null', '{}', '', '')",
          "CREATE TABLE nokey (v text)",
          "INSERT INTO nokey VALUES ('Åkerfeldt'), (NULL)");
      Map<String, JsonNode> rows = new HashMap<>();
      for (String row : f.queryTexts("SELECT to_json(t)::text FROM t ORDER BY id")) {
        JsonNode r = JSON.readTree(row);
        ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("gen"); // pgoutput sends no generated column
        rows.put(r.get("id").asText(), r);
      }
      f.start(SNAPSHOT, "");
      f.sql("INSERT INTO t (id, txt) VALUES (4, 'after')", "UPDATE t SET txt = 'changed' WHERE id = 1");

      List<Message> events = f.take("public.t", 5);
      String slotStart = f.queryText("SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = '"
          + f.slot + "'");
      assertThat(slotStart).as("the slot exists once the snapshot is delivered").isNotNull();
      String commitLsn = JSON.readTree(events.get(0).body()).get("commit_lsn").asText();
      assertThat(Lsn.parse(commitLsn)).as("commit LSN of the snapshot: the slot's start - 1")
          .isGreaterThanOrEqualTo(Lsn.parse(slotStart));
      for (int i = 0; i < 3; i++) {
        Message m = events.get(i);
        JsonNode e = JSON.readTree(m.body());
        assertThat(e.get("op").asText()).isEqualTo("R");
        assertThat(m.properties().getHeaders().get("pgcdc-op").toString()).isEqualTo("R");
        assertThat(e.get("commit_lsn").asText()).isEqualTo(commitLsn);
        // One transaction: ordinals run on across tables, public.nokey's two rows first.
        assertThat(e.get("ordinal").asInt()).isEqualTo(2 + i);
        assertThat(m.properties().getMessageId()).isEqualTo(f.slot + "/" + commitLsn + "/" + (2 + i));
        assertThat(e.get("before").isNull()).isTrue();
        assertThat(e.get("after")).isEqualTo(rows.get(e.get("key").get("id").asText()));
        assertThat(e.get("diff")).isEqualTo(e.get("after"));
      }
      assertThat(events.subList(0, 3)).extracting(m -> JSON.readTree(m.body()).get("key").get("id").asInt())
          .containsExactly(1, 2, 3);
      assertThat(events.subList(3, 5)).extracting(m -> JSON.readTree(m.body()).get("op").asText())
          .containsExactly("I", "U");

      List<Message> nokey = f.take("public.nokey", 2);
      assertThat(nokey).extracting(m -> JSON.readTree(m.body()).get("after").toString())
          .containsExactlyInAnyOrder("{\"v\":\"Åkerfeldt\"}", "{\"v\":null}");
      JsonNode schema = JSON.readTree(f.take("_schema.public.t", 1).get(0).body());
      assertThat(schema.get("columns")).extracting(c -> c.get("name").asText())
          .containsExactly("id", "n", "ts", "j", "arr", "by", "txt");
      assertThat(f.untaken()).extracting(Message::routingKey).as("the streamed Relation equals the snapshot's")
          .containsExactly("_schema.public.nokey");
      assertThat(f.queryText("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'pgcdc_snapshot_%'"))
          .as("temporary snapshot slots left").isEqualTo("0");
    }
  }

  @Test
  void aStopDuringTheSnapshotLeavesNoSlotAndTheNextStartSnapshotsAgain() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_snap_stop", server()).bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY, v text)",
          "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
      f.start(SNAPSHOT, "    max_in_flight: 1\n");
      f.receive(50);
      assertThat(f.pipeline.problem()).as("health while the snapshot is read").isEmpty();
      assertThat(f.pipeline.snapshotRows()).as("rows read so far").isBetween(50L, 20000L);
      f.pipeline.close();
      assertThat(f.queryText("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot
          + "' OR slot_name LIKE 'pgcdc_snapshot_%'")).as("slots after a stop mid-snapshot").isEqualTo("0");
      f.drain(f.queue);

      f.start(SNAPSHOT, "");
      Set<Integer> ids = new HashSet<>();
      for (Message m : f.take("public.t", 20000)) {
        JsonNode e = JSON.readTree(m.body());
        assertThat(e.get("op").asText()).isEqualTo("R");
        ids.add(e.get("key").get("id").asInt());
      }
      assertThat(ids).hasSize(20000);
      await().atMost(Duration.ofSeconds(30)).until(() -> f.queryText(
          "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'").equals("1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> f.pipeline.snapshotRows() == -1);
      f.pipeline.close();

      f.start(SNAPSHOT, "");
      f.sql("INSERT INTO t VALUES (20001, 'new')");
      JsonNode next = JSON.readTree(f.take("public.t", 1).get(0).body());
      assertThat(next.get("op").asText()).as("a slot that exists is not snapshotted again").isEqualTo("I");
      assertThat(f.untaken()).extracting(Message::routingKey).doesNotContain("public.t");
    }
  }

  @Test
  void aSnapshotWhoseConnectionIsKilledIsTakenAgainWithoutStoppingThePipeline() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_snap_kill", server()).bindQueue()) {
      // Wide rows, so that the server is still sending the COPY when its backend is terminated.
      f.sql("CREATE TABLE t (id int PRIMARY KEY, v text)",
          "INSERT INTO t SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, 10000) g");
      f.start(SNAPSHOT, "    max_in_flight: 1\n");
      f.receive(100);
      assertThat(f.queryText("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname ="
          + " current_database() AND application_name = 'pgcdc' AND query LIKE 'COPY%'")).isEqualTo("1");

      Pipeline p = f.pipeline;
      await().atMost(Duration.ofSeconds(120)).failFast("the pipeline stopped", () -> p.terminated().isDone())
          .until(() -> f.queryText("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'")
              .equals("1"));
      assertThat(f.pipeline.problem()).isEmpty();
      // Rows by snapshot (commit LSN): the interrupted one, then the one the slot was created from.
      TreeMap<Long, Set<Integer>> snapshots = new TreeMap<>();
      for (Message m : f.drain(f.queue)) {
        JsonNode e = JSON.readTree(m.body());
        if (m.routingKey().equals("public.t")) {
          assertThat(e.get("op").asText()).isEqualTo("R");
          snapshots.computeIfAbsent(Lsn.parse(e.get("commit_lsn").asText()), k -> new HashSet<>())
              .add(e.get("key").get("id").asInt());
        }
      }
      assertThat(snapshots).hasSize(2);
      Set<Integer> ids = snapshots.lastEntry().getValue();
      assertThat(ids).as("rows of the snapshot the slot was created from").hasSize(10000);
    }
  }

  @Test
  void changesCommittedWhileTheSnapshotIsReadAreStreamedAfterIt() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_snap_live", server()).bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY, v int)",
          "INSERT INTO t SELECT g, 0 FROM generate_series(1, 10000) g");
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger inserted = new AtomicInteger(10000);
      Thread writer = new Thread(() -> {
        try {
          for (int i = 1; writing.get() || i <= 200; i++) {
            f.sql("UPDATE t SET v = " + i + " WHERE id = " + (i * 37 % 10000 + 1),
                "INSERT INTO t VALUES (" + inserted.incrementAndGet() + ", " + i + ")");
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      f.start(SNAPSHOT, "");
      writing.set(false);
      writer.join();

      Map<Integer, Integer> table = new HashMap<>();
      for (String row : f.queryTexts("SELECT id || ':' || v FROM t")) {
        String[] p = row.split(":");
        table.put(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
      }
      Map<Integer, Integer> lastCopy = new HashMap<>();
      List<String> ops = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (Message m : f.drain(f.queue)) {
          if (m.routingKey().equals("public.t")) {
            JsonNode e = JSON.readTree(m.body());
            ops.add(e.get("op").asText());
            lastCopy.put(e.get("after").get("id").asInt(), e.get("after").get("v").asInt());
          }
        }
        return lastCopy.equals(table);
      });
      int reads = 0;
      while (reads < ops.size() && ops.get(reads).equals("R")) {
        reads++;
      }
      assertThat(reads).as("snapshot reads, all first").isGreaterThanOrEqualTo(10000);
      assertThat(ops.subList(reads, ops.size())).as("changes after the snapshot").doesNotContain("R").isNotEmpty();
    }
  }

  @Test
  void aPartitionedRootAndAnInheritanceChildAreEachReadOnce() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_snap_parts", server()).bindQueue()) {
      f.sql("CREATE TABLE m (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
          "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu')",
          "CREATE TABLE m_us PARTITION OF m FOR VALUES IN ('us')",
          "INSERT INTO m VALUES (1, 'eu'), (2, 'us')",
          "CREATE TABLE parent (id int PRIMARY KEY)",
          "CREATE TABLE child () INHERITS (parent)",
          "INSERT INTO parent VALUES (10)",
          "INSERT INTO child VALUES (20)");
      f.start(SNAPSHOT + "  publish_via_partition_root: true\n", "");
      f.sql("INSERT INTO m VALUES (3, 'eu')", "INSERT INTO parent VALUES (11)", "INSERT INTO child VALUES (21)");

      assertThat(f.take("public.m", 3)).extracting(m -> JSON.readTree(m.body()).get("op").asText() + ":"
          + JSON.readTree(m.body()).get("after").get("id").asInt()).containsExactly("R:1", "R:2", "I:3");
      assertThat(f.take("public.parent", 2)).extracting(m -> JSON.readTree(m.body()).get("op").asText() + ":"
          + JSON.readTree(m.body()).get("after").get("id").asInt()).containsExactly("R:10", "I:11");
      assertThat(f.take("public.child", 2)).extracting(m -> JSON.readTree(m.body()).get("op").asText() + ":"
          + JSON.readTree(m.body()).get("after").get("id").asInt()).containsExactly("R:20", "I:21");
      // One schema event each: the Relation pgoutput sends when streaming starts equals the snapshot's.
      assertThat(f.untaken()).extracting(Message::routingKey).containsExactlyInAnyOrder("_schema.public.m",
          "_schema.public.parent", "_schema.public.child");
    }
  }

  @Test
  void inBatchedModeTheSnapshotIsBatchedLikeAnyTransaction() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_snap_batch", server()).bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 250)");
      f.start(SNAPSHOT, "    batch: 100\n");

      List<Message> batches = f.take("public.t", 3);
      assertThat(batches).extracting(m -> m.properties().getHeaders().get("pgcdc-op").toString())
          .containsExactly("R", "R", "R");
      List<Integer> ids = new ArrayList<>();
      for (Message m : batches) {
        for (JsonNode e : JSON.readTree(m.body())) {
          assertThat(e.get("op").asText()).isEqualTo("R");
          ids.add(e.get("after").get("id").asInt());
        }
      }
      assertThat(ids).hasSize(250).doesNotHaveDuplicates();
      assertThat(batches).extracting(m -> m.properties().getMessageId().replaceAll(".*/", ""))
          .containsExactly("0-99", "100-199", "200-249");
    }
  }

  @Test
  void rowSecurityThatWouldHideRowsFailsTheSnapshotInsteadOfThinningIt() throws Exception {
    String role = "e_snap_rls_" + UUID.randomUUID().toString().substring(0, 8);
    PipelineFixture f = new PipelineFixture("e_snap_rls", server()).bindQueue();
    try (f) {
      // A role with REPLICATION that owns its table and publication, not a superuser: row security applies.
      f.sql("CREATE ROLE " + role + " LOGIN REPLICATION", "GRANT CREATE ON DATABASE " + f.database + " TO " + role,
          "CREATE TABLE t (id int PRIMARY KEY, team text)", "ALTER TABLE t OWNER TO " + role,
          "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
          "ALTER TABLE t ENABLE ROW LEVEL SECURITY", "ALTER TABLE t FORCE ROW LEVEL SECURITY",
          "CREATE POLICY team_a ON t USING (team = 'a')");
      // (The embedded server's URL names its user too.)
      String yaml = f.yaml(SNAPSHOT, "").replace("  user: " + f.pg.user() + "\n", "  user: " + role + "\n")
          .replace("user=" + f.pg.user(), "user=" + role);
      f.pipeline = Pipeline.start(PgcdcConfig.parse(yaml, Map.of()), f.metrics, Term.standalone());
      Pipeline failing = f.pipeline;
      await("the pipeline stops").atMost(Duration.ofSeconds(30)).until(() -> failing.terminated().isDone());
      assertThat(PipelineFixture.failureOf(f.pipeline)).hasMessageContaining("the initial snapshot failed")
          .hasMessageContaining("row-level security").hasMessageContaining("no replication slot was created");
      assertThat(f.queryText("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
          .isEqualTo("0");
      assertThat(f.drain(f.queue)).extracting(Message::routingKey).doesNotContain("public.t");

      // Without FORCE the owner reads every row: the same role snapshots and creates the slot.
      f.sql("ALTER TABLE t NO FORCE ROW LEVEL SECURITY");
      f.pipeline = Pipeline.start(PgcdcConfig.parse(yaml, Map.of()), f.metrics, Term.standalone());
      assertThat(f.take("public.t", 2)).extracting(m -> JSON.readTree(m.body()).get("after").get("id").asInt())
          .containsExactly(1, 2);
      await().atMost(Duration.ofSeconds(30)).until(() -> f.queryText(
          "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'").equals("1"));
    } finally {
      f.pg.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  @Test
  void aSlotThatAlreadyExistsIsNotSnapshotted() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_snap_exists", server()).bindQueue()) {
      f.sql("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
      f.start();
      f.pipeline.close();
      f.start(SNAPSHOT, "");
      f.sql("INSERT INTO t VALUES (2)");
      JsonNode e = JSON.readTree(f.take("public.t", 1).get(0).body());
      assertThat(e.get("op").asText()).isEqualTo("I");
      assertThat(e.get("key").get("id").asInt()).isEqualTo(2);
    }
  }
}
