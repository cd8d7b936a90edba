package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.engine.PipelineFixture.Message;
import io.pgcdc.testsupport.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Streaming of large in-progress transactions: with {@code logical_decoding_work_mem} at its 64 kB
 * minimum PostgreSQL streams large transactions while they run; pgcdc spools them to disk and
 * publishes them once, in order, at their commit, and never publishes an aborted one or a
 * rolled-back subtransaction. Run on the shared server ({@link StreamingIT}, protocol v2 on 14-15)
 * and on PostgreSQL 17 ({@link StreamingPg17IT}, protocol v4, whose Stream Abort is longer).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StreamingScenarios {
  private static final ObjectMapper JSON = new ObjectMapper();
  private PipelineFixture f;

  /** The server the scenarios run against. */
  abstract PostgresServer server();

  @BeforeAll
  void start() throws Exception {
    f = new PipelineFixture("e_streaming", server()).bindQueue();
    f.sql("ALTER DATABASE " + f.database + " SET logical_decoding_work_mem = '64kB'",
        "CREATE TABLE t (id int PRIMARY KEY, payload text)");
    f.start();
  }

  @AfterAll
  void stop() throws Exception {
    f.close();
  }

  @Test
  void aStreamedTransactionIsPublishedOnceAtItsCommitInStatementOrder() throws Exception {
    int rows = 20_000;
    f.sql("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, " + rows + ") g");
    List<Message> got = f.take("public.t", rows);
    String commitLsn = JSON.readTree(got.get(0).body()).get("commit_lsn").asText();
    for (int i = 0; i < rows; i++) {
      JsonNode e = JSON.readTree(got.get(i).body());
      assertThat(e.get("ordinal").asInt()).isEqualTo(i);
      assertThat(e.at("/after/id").asInt()).isEqualTo(i + 1);
      assertThat(e.get("commit_lsn").asText()).isEqualTo(commitLsn);
      assertThat(got.get(i).properties().getMessageId()).isEqualTo(f.slot + "/" + commitLsn + "/" + i);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> Long.parseLong(f.queryText(
        "SELECT stream_txns FROM pg_stat_replication_slots WHERE slot_name = '" + f.slot + "'")) > 0);
  }

  @Test
  void abortedTransactionsAndRolledBackSubtransactionsAreNeverPublished() throws Exception {
    f.sql("BEGIN; INSERT INTO t SELECT g, md5(g::text) FROM generate_series(100001, 120000) g; ROLLBACK");
    f.sql("BEGIN;"
        + " INSERT INTO t SELECT g, md5(g::text) FROM generate_series(200001, 205000) g;"
        + " SAVEPOINT s;"
        + " INSERT INTO t SELECT g, md5(g::text) FROM generate_series(300001, 310000) g;"
        + " ROLLBACK TO SAVEPOINT s;"
        + " INSERT INTO t VALUES (400001, 'after the savepoint');"
        + " COMMIT");
    f.sql("INSERT INTO t VALUES (500001, 'marker')");
    List<Integer> ids = new ArrayList<>();
    for (Message m : f.take("public.t", 5002)) {
      ids.add(JSON.readTree(m.body()).at("/after/id").asInt());
    }
    List<Integer> expected = new ArrayList<>();
    for (int id = 200001; id <= 205000; id++) {
      expected.add(id);
    }
    expected.add(400001);
    expected.add(500001);
    assertThat(ids).containsExactlyElementsOf(expected);
  }

  @Test
  void theWalsenderStreamsWithTheProtocolOfThisServersMajor() throws Exception {
    int version = Integer.parseInt(f.queryText("SHOW server_version_num"));
    String start = f.queryText("SELECT query FROM pg_stat_activity WHERE backend_type = 'walsender'"
        + " AND query LIKE 'START_REPLICATION SLOT " + f.slot + " %'");
    assertThat(start).as("the walsender's command").isNotNull();
    if (version >= 160000) {
      assertThat(start).contains("\"proto_version\" '4'", "\"streaming\" 'parallel'");
    } else {
      assertThat(start).contains("\"proto_version\" '2'", "\"streaming\" 'on'");
    }
  }
}
