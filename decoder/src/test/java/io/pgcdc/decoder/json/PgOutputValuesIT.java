package io.pgcdc.decoder.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pgcdc.decoder.MessageType;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.TupleDecoder;
import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end through real pgoutput bytes: rows of a wide table with one column per type family
 * are inserted, the slot's pgoutput messages (proto_version 1, text mode) are read with
 * {@code pg_logical_slot_get_binary_changes} in a session with the replication connection's
 * settings, decoded by {@link PgOutputDecoder}, every Insert's columns rendered into one JSON
 * object, and each object must equal {@code to_json(row)} byte for byte.
 */
@Timeout(120)
class PgOutputValuesIT {
  private static final int ROWS = 200;
  private static final long SEED = Long.getLong("pgcdc.seed", System.nanoTime());

  private final PostgresServer postgres = TestServers.postgres();
  private String database;
  private Connection connection;

  /** Column name, type, value generator. */
  private record Col(String name, String type, Supplier<String> values) {
  }

  @BeforeEach
  void createDatabase() throws SQLException {
    database = postgres.createDatabase("pgcdc_values_e2e");
    connection = postgres.connect(database);
    try (Statement s = connection.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET DateStyle = 'ISO'");
      s.execute("SET IntervalStyle = 'postgres'");
      s.execute("SET extra_float_digits = 3");
      s.execute("CREATE EXTENSION hstore");
      s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy \"quoted\"')");
      s.execute("CREATE TYPE pair AS (a int4, \"b c\" text)");
      s.execute("CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)");
    }
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    connection.close();
    postgres.dropDatabase(database);
  }

  @Test
  void rendersEveryInsertedRowFromPgoutputExactlyLikeToJson() throws Exception {
    Samples v = new Samples(SEED);
    List<Col> columns = List.of(
        new Col("i8", "int8", () -> v.integer(Long.MIN_VALUE, Long.MAX_VALUE)),
        new Col("n", "numeric", () -> v.chance(5) ? "NaN" : v.numeric()),
        new Col("f8", "float8", v::float8),
        new Col("f4", "float4", v::float4),
        new Col("b", "bool", () -> v.chance(50) ? "t" : "f"),
        new Col("t", "text", () -> v.text(30)),
        new Col("bp", "bpchar(5)", () -> v.asciiText(5)),
        new Col("j", "json", () -> v.json(2, false)),
        new Col("jb", "jsonb", () -> v.json(2, true)),
        new Col("u", "uuid", v::uuid),
        new Col("by", "bytea", v::bytea),
        new Col("d", "date", v::date),
        new Col("tm", "time", v::time),
        new Col("ttz", "timetz", () -> v.time() + v.zoneOffset()),
        new Col("ts", "timestamp", () -> v.timestamp(false)),
        new Col("tstz", "timestamptz", () -> v.chance(5) ? "-infinity" : v.timestamp(true)),
        new Col("iv", "interval", v::interval),
        new Col("ip", "inet", v::inet),
        new Col("mo", "money", v::money),
        new Col("vb", "varbit", () -> v.bits(0, 20)),
        new Col("m", "mood", () -> v.chance(50) ? "ok" : "happy \"quoted\""),
        new Col("ia", "int4[]", () -> v.array(() -> v.integer(-100, 100), ',')),
        new Col("ta", "text[]", () -> v.array(() -> v.text(8), ',')),
        new Col("tsa", "timestamptz[]", () -> v.array(() -> v.timestamp(true), ',')),
        new Col("c", "pair", () -> Samples.record(v.maybeNull(() -> v.integer(-9, 9)),
            v.maybeNull(() -> v.text(8)))),
        new Col("dom", "posint", () -> Integer.toString(v.between(1, 1000))),
        new Col("h", "hstore", () -> "\"k\"=>" + Samples.quoteArrayElement(v.text(6))),
        new Col("r", "int4range", () -> "[" + v.between(-9, 0) + "," + v.between(1, 9) + ")"));
    createTableAndSlot(columns);
    insertRows(columns, v);

    TypeRegistry types = new TypeRegistry();
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery(TypeCatalog.QUERY)) {
      types.registerAll(TypeCatalog.read(rows));
    }
    List<String> rendered = renderInsertsFromPgoutput(new ValueRenderer(types));
    List<String> expected = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("SELECT to_json(w)::text FROM wide w ORDER BY id")) {
      while (rows.next()) {
        expected.add(rows.getString(1));
      }
    }

    assertThat(expected).hasSize(ROWS);
    assertThat(rendered).as("seed %d", SEED).containsExactlyElementsOf(expected);
  }

  private void createTableAndSlot(List<Col> columns) throws SQLException {
    StringBuilder ddl = new StringBuilder("CREATE TABLE wide (id int4 PRIMARY KEY");
    for (Col column : columns) {
      ddl.append(", ").append(column.name()).append(' ').append(column.type());
    }
    try (Statement s = connection.createStatement()) {
      s.execute(ddl.append(')').toString());
      s.execute("CREATE PUBLICATION values_pub FOR TABLE wide");
      s.execute("SELECT pg_create_logical_replication_slot('values_slot', 'pgoutput')");
    }
  }

  private void insertRows(List<Col> columns, Samples v) throws SQLException {
    StringBuilder sql = new StringBuilder("INSERT INTO wide VALUES (?");
    for (Col column : columns) {
      sql.append(", ?::").append(column.type());
    }
    try (PreparedStatement insert = connection.prepareStatement(sql.append(')').toString())) {
      for (int id = 1; id <= ROWS; id++) {
        insert.setInt(1, id);
        for (int c = 0; c < columns.size(); c++) {
          insert.setString(c + 2, v.chance(5) ? null : columns.get(c).values().get());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private List<String> renderInsertsFromPgoutput(ValueRenderer values)
      throws SQLException, IOException {
    PgOutputDecoder decoder = new PgOutputDecoder();
    JsonFactory factory = new JsonFactory();
    List<String> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet changes = s.executeQuery("SELECT data FROM pg_logical_slot_get_binary_changes("
            + "'values_slot', NULL, NULL, 'proto_version', '1', 'publication_names', 'values_pub')")) {
      while (changes.next()) {
        byte[] message = changes.getBytes(1);
        if (decoder.wrap(message, 0, message.length) != MessageType.INSERT) {
          continue;
        }
        Relation relation = decoder.insert().relation();
        TupleDecoder tuple = decoder.insert().newTuple();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
          g.writeStartObject();
          for (int i = 0; i < tuple.columnCount(); i++) {
            g.writeFieldName(relation.column(i).name());
            if (tuple.kind(i) == TupleDecoder.NULL) {
              g.writeNull();
            } else {
              values.write(g, relation.column(i).typeOid(), tuple.buffer(), tuple.valueOffset(i),
                  tuple.valueLength(i));
            }
          }
          g.writeEndObject();
        }
        rows.add(out.toString(StandardCharsets.UTF_8));
      }
    }
    return rows;
  }
}
