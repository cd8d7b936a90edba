package io.pgcdc.decoder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fixtures record: the schema every fixture database gets, and per protocol version
 * the pgoutput options and the SQL of each scenario. Statements of the form
 * {@code SELECT ... AS name} store their result in the fixture index as {@code name=value}, so
 * unit tests can compare decoded xids with what the server said.
 */
final class FixtureScenarios {
  private FixtureScenarios() {
  }

  record Scenario(String name, List<String> sql) {
  }

  /** One replication session configuration. */
  record Protocol(int version, boolean twoPhase, Map<String, String> options, List<Scenario> scenarios) {
  }

  static final List<String> SCHEMA = List.of(
      "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
      "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), in_stock boolean,"
          + " created timestamptz, attrs jsonb, tags text[], mood mood)",
      "CREATE TABLE full_rows (id int PRIMARY KEY, name text, qty int)",
      "ALTER TABLE full_rows REPLICA IDENTITY FULL",
      "CREATE TABLE by_index (id int NOT NULL, code text NOT NULL, val text)",
      "CREATE UNIQUE INDEX by_index_code ON by_index (code)",
      "ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_code",
      "CREATE TABLE docs (id int PRIMARY KEY, title text, body text)",
      "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
      "CREATE TABLE parent (id serial PRIMARY KEY, name text)",
      "CREATE TABLE child (id serial PRIMARY KEY, parent_id int REFERENCES parent (id))",
      "CREATE TABLE big (id int PRIMARY KEY, payload text)",
      "CREATE TABLE evolving (id int PRIMARY KEY, a text)",
      "CREATE PUBLICATION fx_pub FOR ALL TABLES",
      "INSERT INTO items VALUES (2, 'second', 2.50, false, '2026-01-01 00:00:00+00', '{}', '{}', 'sad')",
      "INSERT INTO full_rows VALUES (1, 'one', 10), (2, 'two', 20)",
      "INSERT INTO by_index VALUES (1, 'A-1', 'first'), (2, 'B-2', 'second')",
      // 6400 hex digits, stored out of line uncompressed: updates that do not touch it send 'u'.
      "INSERT INTO docs VALUES (1, 'doc', (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 200) g))",
      "INSERT INTO parent (name) VALUES ('p1')",
      "INSERT INTO child (parent_id) VALUES (1)");

  /** Replication origins are cluster-wide: a name of this run's own, recorded as {@code origin=}. */
  static final String ORIGIN = "pgcdc_fx_" + java.util.UUID.randomUUID().toString().substring(0, 8);

  static final List<Scenario> V1 = List.of(
      new Scenario("insert", List.of(
          "BEGIN",
          "SELECT txid_current() AS xid",
          "INSERT INTO items VALUES (1, 'Mikael Åkerfeldt', 1234.50, true, '2026-11-21 22:41:03.123456+00',"
              + " '{\"a\": [1, 2]}', '{x,\"y z\"}', 'happy')",
          "INSERT INTO items (id, name) VALUES (3, 'nulls')",
          "COMMIT")),
      new Scenario("update_no_old", List.of("UPDATE items SET name = 'renamed' WHERE id = 2")),
      new Scenario("update_key", List.of("UPDATE items SET id = 20 WHERE id = 2")),
      new Scenario("update_full", List.of("UPDATE full_rows SET qty = qty + 1 WHERE id = 1")),
      new Scenario("update_index", List.of(
          "UPDATE by_index SET code = 'A-9' WHERE id = 1",
          "UPDATE by_index SET val = 'changed' WHERE id = 2")),
      new Scenario("delete_key", List.of("DELETE FROM items WHERE id = 20")),
      new Scenario("delete_full", List.of("DELETE FROM full_rows WHERE id = 2")),
      new Scenario("delete_index", List.of("DELETE FROM by_index WHERE id = 2")),
      new Scenario("truncate", List.of(
          "TRUNCATE big",
          "TRUNCATE parent RESTART IDENTITY CASCADE")),
      new Scenario("message", List.of(
          "BEGIN",
          "SELECT txid_current() AS xid",
          "SELECT pg_logical_emit_message(true, 'fx', 'hello')",
          "COMMIT",
          "SELECT pg_logical_emit_message(false, 'fx-bin', '\\x00ff01'::bytea)")),
      new Scenario("toast", List.of("UPDATE docs SET title = 'renamed doc' WHERE id = 1")),
      new Scenario("origin", List.of(
          "SELECT '" + ORIGIN + "' AS origin",
          "SELECT pg_replication_origin_create('" + ORIGIN + "')",
          "SELECT pg_replication_origin_session_setup('" + ORIGIN + "')",
          "BEGIN",
          "SELECT pg_replication_origin_xact_setup('0/ABCDEF', '2026-11-21 22:41:03.5+00')",
          "INSERT INTO full_rows VALUES (3, 'from origin', 3)",
          "COMMIT",
          "SELECT pg_replication_origin_session_reset()",
          "SELECT pg_replication_origin_drop('" + ORIGIN + "')")),
      new Scenario("relation_change", List.of(
          "INSERT INTO evolving VALUES (1, 'a')",
          "ALTER TABLE evolving ADD COLUMN b int",
          "INSERT INTO evolving VALUES (2, 'b', 2)")));

  /** 2000 rows in one transaction: more than logical_decoding_work_mem=64kB, so it is streamed. */
  static Scenario bigInsert(String name, int from, String... end) {
    List<String> sql = new java.util.ArrayList<>(List.of(
        "BEGIN",
        "SELECT txid_current() AS xid",
        "INSERT INTO big SELECT g, 'row ' || g FROM generate_series(" + from + ", " + (from + 1999) + ") g"));
    sql.addAll(List.of(end));
    return new Scenario(name, sql);
  }

  static final List<Scenario> V2 = List.of(
      bigInsert("stream_commit", 100_000, "COMMIT"),
      bigInsert("stream_abort", 200_000, "ROLLBACK"),
      new Scenario("stream_subabort", List.of(
          "BEGIN",
          "SELECT txid_current() AS xid",
          "INSERT INTO big SELECT g, 'row ' || g FROM generate_series(300000, 301999) g",
          "SAVEPOINT s1",
          "INSERT INTO big SELECT g, 'row ' || g FROM generate_series(302000, 303999) g",
          "ROLLBACK TO SAVEPOINT s1",
          "INSERT INTO big VALUES (304000, 'after savepoint')",
          "COMMIT")));

  static final List<Scenario> V3 = List.of(
      new Scenario("prepare_commit", List.of(
          "BEGIN",
          "SELECT txid_current() AS xid",
          "INSERT INTO items (id, name) VALUES (100, 'prepared')",
          "PREPARE TRANSACTION 'fx_gid_commit'",
          "COMMIT PREPARED 'fx_gid_commit'")),
      new Scenario("prepare_rollback", List.of(
          "BEGIN",
          "SELECT txid_current() AS xid",
          "INSERT INTO items (id, name) VALUES (101, 'rolled back')",
          "PREPARE TRANSACTION 'fx_gid_rollback'",
          "ROLLBACK PREPARED 'fx_gid_rollback'")),
      bigInsert("stream_prepare", 400_000, "PREPARE TRANSACTION 'fx_gid_stream'", "COMMIT PREPARED 'fx_gid_stream'"));

  static final List<Scenario> V4 = List.of(
      bigInsert("stream_abort", 500_000, "ROLLBACK"),
      bigInsert("stream_commit", 600_000, "COMMIT"));

  private static Map<String, String> options(String... kv) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("publication_names", "fx_pub");
    map.put("messages", "true");
    for (int i = 0; i < kv.length; i += 2) {
      map.put(kv[i], kv[i + 1]);
    }
    return map;
  }

  /** Values in binary format (pgoutput option {@code binary}): tuple kind 'b'. pgcdc itself uses text. */
  static final List<Scenario> V1_BINARY = List.of(
      new Scenario("binary_insert", List.of(
          "INSERT INTO full_rows VALUES (77, 'binary', NULL)")));

  /** Protocol 1 and 2: PostgreSQL 15 (the shared server). */
  static final List<Protocol> PG15 = List.of(
      new Protocol(1, false, options("proto_version", "1"), V1),
      new Protocol(1, false, options("proto_version", "1", "binary", "true"), V1_BINARY),
      new Protocol(2, false, options("proto_version", "2", "streaming", "true"), V2));

  /** Protocol 3 and 4: PostgreSQL 17 (embedded; two-phase needs max_prepared_transactions > 0). */
  static final List<Protocol> PG17 = List.of(
      new Protocol(3, true, options("proto_version", "3", "streaming", "true", "two_phase", "true"), V3),
      new Protocol(4, false, options("proto_version", "4", "streaming", "parallel"), V4));
}
