package io.pgcdc.decoder.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The server is the oracle (subclasses say which server): for every type, hundreds of generated values are stored in a
 * column, read back as their output-function text (what pgoutput sends, under the replication
 * session's settings) and as {@code to_json(col)::text}, and the renderer's output for the
 * former must equal the latter byte for byte.
 *
 * <p>Run with {@code -Dpgcdc.seed=N} to repeat a run; the seed is in every failure message.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ToJsonOracle {
  private static final int COUNT = 300;
  private static final long SEED = Long.getLong("pgcdc.seed", System.nanoTime());

  private Connection connection;
  private TypeRegistry types;
  private Rendered rendered;
  private int tables;

  /** A connection to a fresh, empty database of its own. */
  abstract Connection openDatabase() throws Exception;

  /** Drops what {@link #openDatabase()} created. */
  abstract void dropDatabase() throws Exception;

  @BeforeAll
  void createTypesAndLoadCatalog() throws Exception {
    connection = openDatabase();
    try (Statement s = connection.createStatement()) {
      // The replication connection's settings (see the team brief); to_json() uses them too.
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET DateStyle = 'ISO'");
      s.execute("SET IntervalStyle = 'postgres'");
      s.execute("SET extra_float_digits = 3");
      s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy \"quoted\"', 'back\\slash', "
          + "'ünïcödé 😀', 'with space', 'NULL', '{brace}', 'com,ma')");
      s.execute("CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)");
      s.execute("CREATE DOMAIN amount AS numeric(20, 2)");
      s.execute("CREATE DOMAIN tag AS text");
      s.execute("CREATE DOMAIN tags AS tag[]");
      s.execute("CREATE DOMAIN moment AS timestamptz");
      s.execute("CREATE DOMAIN doc AS jsonb");
      s.execute("CREATE DOMAIN deep AS posint");
      s.execute("CREATE TYPE inner_t AS (x int4, \"y z\" text)");
      s.execute("CREATE TYPE outer_t AS (id int8, \"Name \"\"q\"\" \u0001\" text, "
          + "amounts numeric[], at timestamptz, body jsonb, nested inner_t, "
          + "nesteds inner_t[], flag bool, day date, feeling mood, money_d amount)");
      s.execute("CREATE TYPE dropped_t AS (a int4, b text, c text)");
      s.execute("ALTER TYPE dropped_t DROP ATTRIBUTE b");
      s.execute("CREATE TYPE empty_t AS ()");
      s.execute("CREATE TABLE row_t (id int4, label text)");
      s.execute("CREATE EXTENSION hstore");
    }
    types = new TypeRegistry();
    loadCatalog();
    rendered = new Rendered(types);
  }

  /** What the engine does at start and on an unknown type OID. */
  private void loadCatalog() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery(TypeCatalog.QUERY)) {
      types.registerAll(TypeCatalog.read(rows));
    }
  }

  @AfterAll
  void closeAndDrop() throws Exception {
    if (connection != null) {
      connection.close();
    }
    dropDatabase();
  }

  @Test
  void readsEnumsDomainsCompositesAndTheirArraysFromTheCatalog() throws SQLException {
    PgType mood = types.type(typeOid("mood"));
    assertThat(mood.typtype()).isEqualTo('e');
    assertThat(mood.schema()).isEqualTo("public");
    PgType deep = types.type(typeOid("deep"));
    assertThat(deep.isDomain()).isTrue();
    assertThat(deep.baseOid()).isEqualTo(typeOid("posint"));
    PgType moods = types.type(typeOid("mood[]"));
    assertThat(moods.elementOid()).isEqualTo(mood.oid());
    assertThat(types.type(typeOid("dropped_t")).attributes())
        .containsExactly(new PgType.Attribute("a", BuiltinTypes.INT4),
            new PgType.Attribute("c", BuiltinTypes.TEXT));
    assertThat(types.type(typeOid("information_schema.cardinal_number")).baseOid())
        .isEqualTo(BuiltinTypes.INT4);
  }

  @Test
  void leavesATableRowTypeOutUntilAColumnUsesIt() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE unused_row (a int4)");
      loadCatalog();
      assertThat(types.knows(typeOid("unused_row"))).isFalse();
      assertThat(types.knows(typeOid("unused_row[]"))).isTrue();
      s.execute("CREATE TABLE user_of_row (r unused_row[])");
      loadCatalog();
      assertThat(types.type(typeOid("unused_row")).attributes())
          .containsExactly(new PgType.Attribute("a", BuiltinTypes.INT4));
    }
  }

  @TestFactory
  Stream<DynamicTest> rendersEveryTypeExactlyLikeToJson() {
    Samples v = new Samples(SEED);
    List<DynamicTest> tests = new ArrayList<>();
    add(tests, "int2", v.list(COUNT, () -> v.integer(-32768, 32767), "0", "-1", "32767", "-32768"));
    add(tests, "int4", v.list(COUNT, () -> v.integer(Integer.MIN_VALUE, Integer.MAX_VALUE),
        "0", "-2147483648", "2147483647"));
    add(tests, "int8", v.list(COUNT, () -> v.integer(Long.MIN_VALUE, Long.MAX_VALUE),
        "0", "-9223372036854775808", "9223372036854775807"));
    add(tests, "oid", v.list(COUNT, v::oid, "0", "4294967295"));
    add(tests, "numeric", v.list(COUNT, v::numeric, "NaN", "Infinity", "-Infinity", "0", "-0",
        "0.000000", "-0.0001", "1e-300", "9.99e300", "123456789012345678901234567890.1234567890"));
    add(tests, "numeric(12,4)", v.list(COUNT, () -> v.numeric(12, 4), "0", "-0.00005"));
    add(tests, "float8", v.list(COUNT, v::float8, "NaN", "Infinity", "-Infinity", "0", "-0",
        "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308", "0.1", "1e22", "1e21",
        "123456789012345678", "1e-7", "100"));
    add(tests, "float4", v.list(COUNT, v::float4, "NaN", "Infinity", "-Infinity", "0", "-0",
        "1.4e-45", "3.4028235e38", "0.1", "1e7", "16777217"));
    add(tests, "bool", List.of("t", "f", "true", "false", "yes", "no", "1", "0"));
    add(tests, "text", v.list(COUNT, () -> v.text(40)));
    add(tests, "varchar", v.list(COUNT, () -> v.text(40)));
    add(tests, "varchar(300)", v.list(COUNT, () -> v.text(40)));
    add(tests, "bpchar(12)", v.list(COUNT, () -> v.asciiText(12), "", " ", "a  "));
    add(tests, "\"char\"", v.list(COUNT, () -> v.text(1), "", "\\", "\"", "é"));
    add(tests, "name", v.list(COUNT, () -> v.asciiText(63)));
    add(tests, "json", v.list(COUNT, () -> v.json(3, false), "{}", "[]", " {\"a\" : 1} ",
        "\"\\u0000\"", "1e400", "{\"a\":1,\"a\":2}"));
    add(tests, "jsonb", v.list(COUNT, () -> v.json(3, true), "{}", "[]", "{\"a\":1,\"a\":2}",
        "1e400", "-0", "\"\\ud83d\\ude00\""));
    add(tests, "uuid", v.list(COUNT, v::uuid));
    add(tests, "bytea", v.list(COUNT, v::bytea, "\\x", "\\x00", "abc\\\\def"));
    add(tests, "date", v.list(COUNT, v::date, "infinity", "-infinity", "4713-01-01 BC",
        "5874897-12-31", "0001-01-01", "epoch"));
    add(tests, "time", v.list(COUNT, v::time, "24:00:00", "00:00", "allballs"));
    add(tests, "time(2)", v.list(COUNT, v::time));
    add(tests, "timetz", timetzValues(v));
    add(tests, "timestamp", v.list(COUNT, () -> v.timestamp(false), "infinity", "-infinity",
        "epoch", "4713-01-01 00:00:00 BC", "294276-12-31 23:59:59.999999", "2000-01-01 00:00:00.5"));
    add(tests, "timestamp(0)", v.list(COUNT, () -> v.timestamp(false)));
    add(tests, "timestamptz", v.list(COUNT, () -> v.timestamp(true), "infinity", "-infinity",
        "epoch", "4713-01-01 00:00:00+00 BC", "294276-12-31 23:59:59.999999+00",
        "2026-11-21 22:41:03.123456+00", "1850-01-01 00:00:00 Europe/Amsterdam"));
    add(tests, "timestamptz(3)", v.list(COUNT, () -> v.timestamp(true)));
    add(tests, "interval", v.list(COUNT, v::interval, "0", "-1 day +02:03:04",
        "178000000 years", "-178000000 years", "1 mon -1 day", "0.000001 seconds"));
    add(tests, "inet", v.list(COUNT, v::inet, "::1", "::ffff:1.2.3.4", "0.0.0.0/0"));
    add(tests, "cidr", "network(x::inet)", v.list(COUNT, v::inet));
    add(tests, "macaddr", v.list(COUNT, () -> v.mac(6)));
    add(tests, "macaddr8", v.list(COUNT, () -> v.mac(8)));
    add(tests, "money", v.list(COUNT, v::money, "0", "-92233720368547758.08",
        "92233720368547758.07"));
    add(tests, "bit(8)", v.list(COUNT, () -> v.bits(8, 8)));
    add(tests, "varbit", v.list(COUNT, () -> v.bits(0, 70)));
    add(tests, "mood", List.of("sad", "ok", "happy \"quoted\"", "back\\slash", "ünïcödé 😀",
        "with space", "NULL", "{brace}", "com,ma"));
    add(tests, "posint", v.list(COUNT, () -> Integer.toString(v.between(1, Integer.MAX_VALUE))));
    add(tests, "deep", v.list(50, () -> Integer.toString(v.between(1, 1000))));
    add(tests, "amount", v.list(COUNT, () -> v.numeric(20, 2)));
    add(tests, "tag", v.list(COUNT, () -> v.text(20)));
    add(tests, "moment", v.list(COUNT, () -> v.timestamp(true)));
    add(tests, "doc", v.list(COUNT, () -> v.json(2, true)));
    add(tests, "tags", v.list(COUNT, () -> v.array(() -> v.text(10), ',')));
    add(tests, "inner_t", v.list(COUNT, () -> innerRecord(v), "(,)", "(1,)", "(,\"\")"));
    add(tests, "outer_t", v.list(COUNT, () -> outerRecord(v)));
    add(tests, "dropped_t", v.list(COUNT, () -> Samples.record(
        v.maybeNull(() -> v.integer(-100, 100)), v.maybeNull(() -> v.text(10)))));
    add(tests, "empty_t", List.of("()"));
    add(tests, "row_t", v.list(COUNT, () -> Samples.record(
        v.maybeNull(() -> v.integer(-100, 100)), v.maybeNull(() -> v.text(10)))));
    add(tests, "int4range", v.list(COUNT, () -> "[" + v.between(-100, 0) + "," + v.between(0, 100) + ")",
        "empty", "(,)", "[1,]"));
    add(tests, "numrange", v.list(COUNT, () -> "(" + v.numeric(8, 3).replace("-", "") + ",1e9]"));
    add(tests, "tstzrange", v.list(COUNT, () -> "[\"" + v.timestamp(true) + "\",infinity)"));
    add(tests, "int4multirange", v.list(COUNT, () -> "{[1," + v.between(2, 5) + "),["
        + v.between(10, 20) + ",30)}", "{}"));
    add(tests, "hstore", v.list(COUNT, () -> hstore(v), "", "a=>1", "\"\"=>\"\""));
    add(tests, "int2vector", v.list(COUNT, () -> intList(v, -32768, 32767), "", "1"));
    add(tests, "oidvector", v.list(COUNT, () -> intList(v, 0, Integer.MAX_VALUE), ""));
    add(tests, "point", v.list(50, () -> "(" + v.float8() + "," + v.float8() + ")"));
    add(tests, "box", v.list(50, () -> "(" + v.between(0, 9) + "," + v.between(0, 9) + "),(1,1)"));
    add(tests, "circle", List.of("<(1,2),3>", "<(0,0),0.5>"));
    add(tests, "polygon", List.of("((0,0),(1,1),(1,0))"));
    add(tests, "tsvector", List.of("a fat cat", "'quoted ''word''' b:1A,2B", "ünï:3"));
    add(tests, "pg_lsn", v.list(50, () -> Integer.toHexString(v.between(0, 1 << 30)) + "/"
        + Integer.toHexString(v.between(0, Integer.MAX_VALUE))));
    add(tests, "xml", List.of("<a b=\"c\">d &amp; e</a>", "<x/>", "text only"));
    // arrays of everything above
    addArray(tests, v, "int2", () -> v.integer(-32768, 32767));
    addArray(tests, v, "int4", () -> v.integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
    addArray(tests, v, "int8", () -> v.integer(Long.MIN_VALUE, Long.MAX_VALUE));
    addArray(tests, v, "oid", v::oid);
    addArray(tests, v, "numeric", () -> v.chance(10) ? "NaN" : v.numeric());
    addArray(tests, v, "float8", () -> v.chance(10) ? "-Infinity" : v.float8());
    addArray(tests, v, "float4", () -> v.chance(10) ? "NaN" : v.float4());
    addArray(tests, v, "bool", () -> v.chance(50) ? "t" : "f");
    addArray(tests, v, "text", () -> v.text(15));
    addArray(tests, v, "varchar", () -> v.text(15));
    addArray(tests, v, "bpchar(3)", () -> v.asciiText(3));
    addArray(tests, v, "\"char\"", () -> v.text(1));
    addArray(tests, v, "name", () -> v.asciiText(20));
    addArray(tests, v, "json", () -> v.json(2, false));
    addArray(tests, v, "jsonb", () -> v.json(2, true));
    addArray(tests, v, "uuid", v::uuid);
    addArray(tests, v, "bytea", v::bytea);
    addArray(tests, v, "date", () -> v.chance(10) ? "infinity" : v.date());
    addArray(tests, v, "time", v::time);
    addArray(tests, v, "timetz", () -> v.time() + v.zoneOffset());
    addArray(tests, v, "timestamp", () -> v.chance(10) ? "-infinity" : v.timestamp(false));
    addArray(tests, v, "timestamptz", () -> v.chance(10) ? "infinity" : v.timestamp(true));
    addArray(tests, v, "interval", v::interval);
    addArray(tests, v, "inet", v::inet);
    addArray(tests, v, "macaddr", () -> v.mac(6));
    addArray(tests, v, "money", v::money);
    addArray(tests, v, "bit(4)", () -> v.bits(4, 4));
    addArray(tests, v, "varbit", () -> v.bits(0, 10));
    addArray(tests, v, "mood", () -> List.of("sad", "happy \"quoted\"", "back\\slash", "NULL",
        "{brace}", "com,ma", "with space").get(v.between(0, 6)));
    addArray(tests, v, "posint", () -> Integer.toString(v.between(1, 1000)));
    addArray(tests, v, "amount", () -> v.numeric(20, 2));
    addArray(tests, v, "doc", () -> v.json(2, true));
    addArray(tests, v, "inner_t", () -> innerRecord(v));
    addArray(tests, v, "outer_t", () -> outerRecord(v));
    addArray(tests, v, "int4range", () -> "[" + v.between(-100, 0) + "," + v.between(0, 100) + ")");
    addArray(tests, v, "hstore", () -> hstore(v));
    addArray(tests, v, "int2vector", () -> intList(v, -5, 5));
    addArray(tests, v, "point", () -> "(" + v.between(-9, 9) + "," + v.float8() + ")");
    tests.add(DynamicTest.dynamicTest("box[] (';' delimiter)", () -> check("box[]", "x::box[]",
        v.list(COUNT, () -> v.array(() -> "(" + v.between(0, 9) + "," + v.between(0, 9)
            + "),(1,1)", ';'), "{}"))));
    return tests.stream();
  }

  private List<String> timetzValues(Samples v) {
    List<String> values = new ArrayList<>();
    for (int hours = -15; hours <= 15; hours++) {
      for (int minutes : new int[] {0, 15, 30, 45, 59}) {
        values.add(String.format("12:34:56.5%s%02d:%02d", hours < 0 ? "-" : "+",
            Math.abs(hours), minutes));
      }
    }
    values.add("00:00:00+05:30:15");
    values.add("24:00:00+00");
    values.add("23:59:59.999999-15:59:59");
    while (values.size() < COUNT) {
      values.add(v.time() + v.zoneOffset());
    }
    return values;
  }

  private String innerRecord(Samples v) {
    return Samples.record(v.maybeNull(() -> v.integer(-1000, 1000)),
        v.maybeNull(() -> v.text(12)));
  }

  private String outerRecord(Samples v) {
    return Samples.record(
        v.maybeNull(() -> v.integer(Long.MIN_VALUE, Long.MAX_VALUE)),
        v.maybeNull(() -> v.text(15)),
        v.maybeNull(() -> v.array(v::numeric, ',')),
        v.maybeNull(() -> v.chance(10) ? "infinity" : v.timestamp(true)),
        v.maybeNull(() -> v.json(2, true)),
        v.maybeNull(() -> innerRecord(v)),
        v.maybeNull(() -> v.array(() -> innerRecord(v), ',')),
        v.maybeNull(() -> v.chance(50) ? "t" : "f"),
        v.maybeNull(v::date),
        v.maybeNull(() -> v.chance(50) ? "NULL" : "back\\slash"),
        v.maybeNull(() -> v.numeric(20, 2)));
  }

  private String hstore(Samples v) {
    StringBuilder s = new StringBuilder();
    for (int i = v.between(0, 4); i > 0; i--) {
      s.append(hstoreQuoted(v.text(8))).append("=>")
          .append(v.chance(20) ? "NULL" : hstoreQuoted(v.text(8))).append(i > 1 ? ", " : "");
    }
    return s.toString();
  }

  private String hstoreQuoted(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private String intList(Samples v, int min, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = v.between(0, 6); i > 0; i--) {
      s.append(v.between(min, max)).append(i > 1 ? " " : "");
    }
    return s.toString();
  }

  private void addArray(List<DynamicTest> tests, Samples v, String element,
      Supplier<String> generator) {
    add(tests, element + "[]", v.list(COUNT / 3, () -> v.array(generator, ','), "{}"));
  }

  private void add(List<DynamicTest> tests, String type, List<String> values) {
    add(tests, type, "x::" + type, values);
  }

  private void add(List<DynamicTest> tests, String type, String cast, List<String> values) {
    tests.add(DynamicTest.dynamicTest(type, () -> check(type, cast, values)));
  }

  /**
   * Stores the values in a fresh table (one round trip), reads back output text and to_json,
   * renders the text and compares.
   */
  private void check(String type, String cast, List<String> values) throws SQLException {
    String table = "t" + (++tables);
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id int4 GENERATED ALWAYS AS IDENTITY, v " + type + ")");
    }
    if (!types.knows(typeOid(type))) {
      loadCatalog(); // a table row type becomes known once a column uses it, as in the engine
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
        + " (v) SELECT " + cast + " FROM unnest(?::text[]) WITH ORDINALITY AS u(x, i) ORDER BY i")) {
      insert.setArray(1, connection.createArrayOf("text", values.toArray()));
      insert.executeUpdate();
    }
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("SELECT format('%s', v), to_json(v)::text FROM " + table
            + " ORDER BY id")) {
      while (rows.next()) {
        String text = rows.getString(1);
        String expected = rows.getString(2);
        String actual = rendered.json(typeOid(type), text);
        checked++;
        if (!expected.equals(actual) && mismatches.size() < 15) {
          mismatches.add("\n  text:     " + text + "\n  to_json:  " + expected
              + "\n  rendered: " + actual);
        }
      }
    }
    assertThat(checked).as("rows of %s", type).isEqualTo(values.size());
    assertThat(mismatches).as("%s (seed %d)", type, SEED).isEmpty();
    assertThat(rendered.fallbacks()).as("fallbacks after %s (seed %d)", type, SEED).isZero();
  }

  private int typeOid(String type) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT ?::regtype::oid::int8")) {
      query.setString(1, type);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return (int) row.getLong(1);
      }
    }
  }
}
