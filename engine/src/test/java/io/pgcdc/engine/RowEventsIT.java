package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.PipelineFixture.Message;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every SPEC §3 op against a real PostgreSQL and RabbitMQ, each value compared to
 * {@code to_json()} of the source row, under REPLICA IDENTITY DEFAULT and FULL, with a TOASTed
 * column both unchanged and updated.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RowEventsIT {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final String COLUMNS = "(id int PRIMARY KEY, n numeric, f float8, b bool, ts timestamptz,"
      + " tsn timestamp, d date, j jsonb, arr int[], by bytea, txt text, big text)";
  private static final String ROW = "(%d, 12345678901234567890.000123, 1.5e-7, true, '2026-11-21 22:41:03.123456+02',"
      + " '2026-11-21 22:41:03', '2026-11-21', '{\"a\": [1, 2.50, null]}', '{1,NULL,3}', '\\x00ff', 'Åkerfeldt \"q\"',"
      + " (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g))";

  private static PipelineFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new PipelineFixture("e_rows").bindQueue();
    for (String table : List.of("ins", "upd", "del", "fullrow", "trunc_a", "trunc_b", "ord")) {
      f.sql("CREATE TABLE " + table + " " + COLUMNS, "ALTER TABLE " + table + " ALTER COLUMN big SET STORAGE EXTERNAL");
    }
    f.sql("ALTER TABLE fullrow REPLICA IDENTITY FULL");
    f.start();
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  @Test
  void insertCarriesEveryValueAsToJsonRendersIt() throws Exception {
    f.sql("INSERT INTO ins VALUES " + String.format(ROW, 1));
    JsonNode schema = JSON.readTree(f.take("_schema.public.ins", 1).get(0).body());
    assertThat(schema.get("op").asText()).isEqualTo("S");
    assertThat(schema.get("columns")).hasSize(12);
    assertThat(schema.get("columns").get(0).get("key").asBoolean()).isTrue();
    assertThat(schema.get("columns").get(0).get("nullable").asBoolean()).isFalse();
    assertThat(schema.get("columns").get(1).get("type_name").asText()).isEqualTo("numeric");
    assertThat(schema.at("/avro/type").asText()).isEqualTo("record");
    assertThat(schema.at("/avro/fields/0/type").asText()).isEqualTo("int");

    Message insert = f.take("public.ins", 1).get(0);
    JsonNode e = JSON.readTree(insert.body());
    assertThat(e.get("op").asText()).isEqualTo("I");
    assertThat(e.get("after")).isEqualTo(row("ins", 1));
    assertThat(e.get("diff")).isEqualTo(e.get("after"));
    assertThat(e.get("before").isNull()).isTrue();
    assertThat(e.get("key")).isEqualTo(JSON.readTree("{\"id\":1}"));
    assertThat(e.get("unchanged_toast")).isEmpty();
    assertEnvelope(insert, e, "I", 0);
  }

  @Test
  void updateUnderDefaultIdentityLeavesUnchangedToastOutAndNamesIt() throws Exception {
    f.sql("INSERT INTO upd VALUES " + String.format(ROW, 2));
    f.take("public.upd", 1);
    f.sql("UPDATE upd SET n = n + 1, txt = 'changed' WHERE id = 2");
    JsonNode e = JSON.readTree(f.take("public.upd", 1).get(0).body());
    ObjectNode expected = row("upd", 2);
    expected.remove("big");
    assertThat(e.get("op").asText()).isEqualTo("U");
    assertThat(e.get("after")).isEqualTo(expected);
    assertThat(e.get("unchanged_toast")).containsExactly(JSON.readTree("\"big\""));
    assertThat(e.get("before")).isEqualTo(JSON.readTree("{\"id\":2}"));
    assertThat(e.get("key")).isEqualTo(JSON.readTree("{\"id\":2}"));
    assertThat(e.get("diff")).isEqualTo(expected);

    f.sql("UPDATE upd SET big = big || 'tail' WHERE id = 2");
    JsonNode toasted = JSON.readTree(f.take("public.upd", 1).get(0).body());
    assertThat(toasted.get("after")).isEqualTo(row("upd", 2));
    assertThat(toasted.get("unchanged_toast")).isEmpty();
  }

  @Test
  void deleteUnderDefaultIdentityCarriesTheKeyOnly() throws Exception {
    f.sql("INSERT INTO del VALUES " + String.format(ROW, 3));
    f.take("public.del", 1);
    f.sql("DELETE FROM del WHERE id = 3");
    Message m = f.take("public.del", 1).get(0);
    JsonNode e = JSON.readTree(m.body());
    assertThat(e.get("op").asText()).isEqualTo("D");
    assertThat(e.get("key")).isEqualTo(JSON.readTree("{\"id\":3}"));
    assertThat(e.get("before")).isEqualTo(JSON.readTree("{\"id\":3}"));
    assertThat(e.get("after").isNull()).isTrue();
    assertEnvelope(m, e, "D", 0);
  }

  @Test
  void updateUnderFullIdentityFillsToastFromBeforeAndDiffsOnlyChangedColumns() throws Exception {
    f.sql("INSERT INTO fullrow VALUES " + String.format(ROW, 1));
    assertThat(JSON.readTree(f.take("_schema.public.fullrow", 1).get(0).body()).get("replica_identity").asText())
        .isEqualTo("full");
    f.take("public.fullrow", 1);
    ObjectNode before = row("fullrow", 1);
    f.sql("UPDATE fullrow SET txt = 'new text' WHERE id = 1");
    JsonNode e = JSON.readTree(f.take("public.fullrow", 1).get(0).body());
    assertThat(e.get("before")).isEqualTo(before);
    assertThat(e.get("after")).isEqualTo(row("fullrow", 1));
    assertThat(e.get("diff")).isEqualTo(JSON.readTree("{\"txt\":\"new text\"}"));
    assertThat(e.get("unchanged_toast")).isEmpty();
    assertThat(e.get("key")).as("the primary key, not the whole FULL identity").isEqualTo(JSON.readTree("{\"id\":1}"));

    ObjectNode last = row("fullrow", 1);
    f.sql("DELETE FROM fullrow WHERE id = 1");
    JsonNode d = JSON.readTree(f.take("public.fullrow", 1).get(0).body());
    assertThat(d.get("before")).isEqualTo(last);
    assertThat(d.get("after").isNull()).isTrue();
  }

  @Test
  void truncateSendsOneMessagePerTableWithItsOptions() throws Exception {
    f.sql("INSERT INTO trunc_a (id) VALUES (1)", "INSERT INTO trunc_b (id) VALUES (1)");
    f.take("public.trunc_a", 1);
    f.take("public.trunc_b", 1);
    f.sql("TRUNCATE trunc_a, trunc_b RESTART IDENTITY CASCADE");
    List<Message> got = List.of(f.take("public.trunc_a", 1).get(0), f.take("public.trunc_b", 1).get(0));
    List<Integer> ordinals = new java.util.ArrayList<>();
    for (Message m : got) {
      JsonNode e = JSON.readTree(m.body());
      assertThat(e.get("op").asText()).isEqualTo("T");
      assertThat(e.at("/options/cascade").asBoolean()).isTrue();
      assertThat(e.at("/options/restart_identity").asBoolean()).isTrue();
      ordinals.add(e.get("ordinal").asInt());
      assertEnvelope(m, e, "T", e.get("ordinal").asInt());
    }
    assertThat(ordinals).containsExactlyInAnyOrder(0, 1);
    assertThat(got.get(0).properties().getHeaders().get("pgcdc-commit-lsn").toString())
        .isEqualTo(got.get(1).properties().getHeaders().get("pgcdc-commit-lsn").toString());
  }

  @Test
  void logicalMessagesGoToTheirPrefixAsTextOrBase64() throws Exception {
    f.sql("SELECT pg_logical_emit_message(true, 'audit', 'hello Åsa')",
        "SELECT pg_logical_emit_message(false, 'audit', '\\xff00'::bytea)");
    List<Message> got = f.take("_message.audit", 2);
    JsonNode text = JSON.readTree(got.get(0).body());
    assertThat(text.get("op").asText()).isEqualTo("M");
    assertThat(text.get("prefix").asText()).isEqualTo("audit");
    assertThat(text.get("content").asText()).isEqualTo("hello Åsa");
    assertThat(text.get("transactional").asBoolean()).isTrue();
    JsonNode binary = JSON.readTree(got.get(1).body());
    assertThat(binary.get("content_encoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(binary.get("content").asText())).containsExactly(0xff, 0x00);
    assertThat(binary.get("transactional").asBoolean()).isFalse();
  }

  @Test
  void ordinalsNumberTheChangesOfATransactionAndIdsAreDeterministic() throws Exception {
    f.sql("BEGIN; INSERT INTO ord (id) VALUES (10); INSERT INTO ord (id) VALUES (11);"
        + " UPDATE ord SET txt = 'x' WHERE id = 10; COMMIT");
    List<Message> got = f.take("public.ord", 3);
    for (int i = 0; i < 3; i++) {
      assertEnvelope(got.get(i), JSON.readTree(got.get(i).body()), i < 2 ? "I" : "U", i);
    }
  }

  @Test
  void alteringATableSendsANewSchemaEvent() throws Exception {
    f.sql("CREATE TABLE altered (id int PRIMARY KEY)", "INSERT INTO altered VALUES (1)");
    f.take("_schema.public.altered", 1);
    f.take("public.altered", 1);
    f.sql("ALTER TABLE altered ADD COLUMN note text NOT NULL DEFAULT 'n'", "INSERT INTO altered VALUES (2)");
    JsonNode schema = JSON.readTree(f.take("_schema.public.altered", 1).get(0).body());
    assertThat(schema.get("columns")).hasSize(2);
    assertThat(schema.at("/columns/1/name").asText()).isEqualTo("note");
    assertThat(schema.at("/columns/1/nullable").asBoolean()).isFalse();
    assertThat(JSON.readTree(f.take("public.altered", 1).get(0).body()).get("after")).isEqualTo(row("altered", 2));
  }

  @Test
  void alteringATableTwiceInOneTransactionSendsTwoSchemaEventsWithTheirOwnIds() throws Exception {
    f.sql("CREATE TABLE twice (id int PRIMARY KEY)", "INSERT INTO twice VALUES (1)");
    f.take("_schema.public.twice", 1);
    f.take("public.twice", 1);
    f.sql("BEGIN; ALTER TABLE twice ADD COLUMN b int; INSERT INTO twice VALUES (2, 2);"
        + " ALTER TABLE twice ADD COLUMN c int; INSERT INTO twice VALUES (3, 3, 3); COMMIT");
    List<Message> schemas = f.take("_schema.public.twice", 2);
    List<String> ids = schemas.stream().map(m -> m.properties().getMessageId()).toList();
    assertThat(ids).doesNotHaveDuplicates();
    for (Message m : schemas) {
      assertThat(JSON.readTree(m.body()).get("id").asText()).isEqualTo(m.properties().getMessageId());
    }
    assertThat(JSON.readTree(schemas.get(1).body()).get("columns")).hasSize(3);
    assertThat(f.take("public.twice", 2)).hasSize(2);
  }

  @Test
  void theSchemaEventsAvroRecordIsLegalAvroAndTypesDomainsCompositesAndEnumsByWhatTheyAre() throws Exception {
    f.sql("CREATE DOMAIN qty AS int CHECK (VALUE >= 0)", "CREATE TYPE price AS (amount numeric, currency text)",
        "CREATE TYPE tone AS ENUM ('low', 'high')",
        "CREATE TABLE typed (id int PRIMARY KEY, q qty NOT NULL, p price, ps price[], tn tone)",
        "INSERT INTO typed VALUES (1, 2, (9.5, 'EUR'), ARRAY[(1, 'SEK')::price], 'high')");
    String avro = JSON.readTree(f.take("_schema.public.typed", 1).get(0).body()).get("avro").toString();
    Schema schema = new Schema.Parser().parse(avro);

    assertThat(schema.getField("q").schema().getType()).isEqualTo(Schema.Type.INT);
    Schema price = schema.getField("p").schema().getTypes().get(1);
    assertThat(price.getFullName()).isEqualTo("public.price");
    assertThat(price.getField("amount").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.DOUBLE);
    assertThat(schema.getField("ps").schema().getTypes().get(1).getElementType().getTypes().get(1)).isEqualTo(price);
    assertThat(schema.getField("tn").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.STRING);
    assertThat(JSON.readTree(f.take("public.typed", 1).get(0).body()).get("after")).isEqualTo(row("typed", 1));
  }

  /**
   * pgoutput sends nothing when a composite type changes (no new Relation or Type message), so
   * values with more or fewer fields than the attributes pgcdc knows make it read the catalog again.
   */
  @Test
  void aCompositeTypeThatGainsOrLosesAttributesWhileStreamingIsRenderedWithItsNewAttributes() throws Exception {
    f.sql("CREATE TYPE amount AS (value numeric, currency text)", "CREATE TABLE billed (id int PRIMARY KEY, a amount)",
        "INSERT INTO billed VALUES (1, (9.5, 'EUR'))");
    assertThat(JSON.readTree(f.take("public.billed", 1).get(0).body()).get("after")).isEqualTo(row("billed", 1));
    f.sql("ALTER TYPE amount ADD ATTRIBUTE tax numeric", "INSERT INTO billed VALUES (2, (9.5, 'EUR', 0.2))");
    assertThat(JSON.readTree(f.take("public.billed", 1).get(0).body()).get("after")).isEqualTo(row("billed", 2));
    f.sql("ALTER TYPE amount DROP ATTRIBUTE currency", "INSERT INTO billed VALUES (3, (1, 0.3))");
    assertThat(JSON.readTree(f.take("public.billed", 1).get(0).body()).get("after")).isEqualTo(row("billed", 3));

    List<String> fields = new ArrayList<>();
    for (Message m : f.take("_schema.public.billed", 3)) {
      Schema amount = new Schema.Parser().parse(JSON.readTree(m.body()).get("avro").toString())
          .getField("a").schema().getTypes().get(1);
      fields.add(amount.getFields().stream().map(Schema.Field::name).toList().toString());
    }
    assertThat(fields).as("a schema event each time the type changed").containsExactly(
        "[value, currency]", "[value, currency, tax]", "[value, tax]");
  }

  @Test
  void anUpdateThatChangesTheKeyCarriesTheOldKeyInKeyAndBeforeAndTheNewOneInAfter() throws Exception {
    f.sql("CREATE TABLE rekeyed (id int PRIMARY KEY, v text)", "INSERT INTO rekeyed VALUES (1, 'a')");
    f.take("public.rekeyed", 1);
    f.sql("UPDATE rekeyed SET id = 10 WHERE id = 1");
    JsonNode e = JSON.readTree(f.take("public.rekeyed", 1).get(0).body());
    assertThat(e.get("op").asText()).isEqualTo("U");
    assertThat(e.get("key")).isEqualTo(JSON.readTree("{\"id\":1}"));
    assertThat(e.get("before")).isEqualTo(JSON.readTree("{\"id\":1}"));
    assertThat(e.get("after")).isEqualTo(row("rekeyed", 10));
  }

  @Test
  void replicaIdentityUsingAnIndexKeysRowsByThatIndexEvenWithAnotherPrimaryKey() throws Exception {
    f.sql("CREATE TABLE by_email (id int PRIMARY KEY, email text NOT NULL UNIQUE, note text)",
        "ALTER TABLE by_email REPLICA IDENTITY USING INDEX by_email_email_key",
        "INSERT INTO by_email VALUES (1, 'a@example.com', 'n')");
    JsonNode schema = JSON.readTree(f.take("_schema.public.by_email", 1).get(0).body());
    assertThat(schema.at("/columns/0/key").asBoolean()).isFalse();
    assertThat(schema.at("/columns/1/key").asBoolean()).isTrue();
    assertThat(JSON.readTree(f.take("public.by_email", 1).get(0).body()).get("key"))
        .isEqualTo(JSON.readTree("{\"email\":\"a@example.com\"}"));
    f.sql("DELETE FROM by_email WHERE id = 1");
    JsonNode delete = JSON.readTree(f.take("public.by_email", 1).get(0).body());
    assertThat(delete.get("op").asText()).isEqualTo("D");
    assertThat(delete.get("key")).isEqualTo(JSON.readTree("{\"email\":\"a@example.com\"}"));
    assertThat(delete.get("before").get("email").asText()).isEqualTo("a@example.com");
  }

  /** Id, headers and properties of a change message agree with its body. */
  private static void assertEnvelope(Message m, JsonNode e, String op, int ordinal) {
    String commitLsn = e.get("commit_lsn").asText();
    assertThat(e.get("ordinal").asInt()).isEqualTo(ordinal);
    assertThat(e.get("id").asText()).isEqualTo(f.slot + "/" + commitLsn + "/" + ordinal);
    assertThat(m.properties().getMessageId()).isEqualTo(e.get("id").asText());
    assertThat(m.properties().getDeliveryMode()).isEqualTo(2);
    assertThat(m.properties().getContentType()).isEqualTo("application/json");
    var h = m.properties().getHeaders();
    assertThat(h.get("pgcdc-op").toString()).isEqualTo(op);
    assertThat(h.get("pgcdc-commit-lsn").toString()).isEqualTo(commitLsn);
    assertThat(h.get("pgcdc-lsn").toString()).isEqualTo(e.get("lsn").asText());
    assertThat(h.get("pgcdc-xid")).isEqualTo(e.get("xid").asLong());
    assertThat(h.get("pgcdc-epoch")).isEqualTo(0L);
    assertThat(Lsn.parse(e.get("lsn").asText())).isLessThanOrEqualTo(Lsn.parse(commitLsn));
    assertThat(e.get("commit_ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
  }

  /** The oracle: {@code to_json(row)} of the source row, as PostgreSQL renders it in UTC. */
  private static ObjectNode row(String table, int id) throws Exception {
    String json = f.queryText("SELECT to_json(t) FROM " + table + " t WHERE id = " + id);
    return (ObjectNode) JSON.readTree(json);
  }
}
