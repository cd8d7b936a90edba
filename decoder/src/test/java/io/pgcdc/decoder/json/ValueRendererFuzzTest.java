package io.pgcdc.decoder.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Jazzer fuzz target over {@link ValueRenderer#write}: whatever the text, nothing may be thrown
 * and the output must be well-formed JSON (malformed text falls back to a string; json/jsonb
 * are left out, their text is embedded as the server guarantees it).
 *
 * <p>Input: the first byte picks the type, the rest is the column text. Seeds and crashers live
 * in {@code src/test/resources/io/pgcdc/decoder/json/ValueRendererFuzzTestInputs/rendersAnyText/}.
 * Normal runs replay them; {@code JAZZER_FUZZ=1 mvn -f decoder/pom.xml test
 * -Dtest=ValueRendererFuzzTest} fuzzes for 30 s.
 */
class ValueRendererFuzzTest {
  private static final int PAIR = 90001;
  private static final int PAIR_ARRAY = 90002;
  private static final int HSTORE = 90003;
  private static final int[] OIDS = {
      BuiltinTypes.INT8, BuiltinTypes.NUMERIC, BuiltinTypes.FLOAT8, BuiltinTypes.BOOL,
      BuiltinTypes.TEXT, BuiltinTypes.TIMESTAMP, BuiltinTypes.TIMESTAMPTZ, BuiltinTypes.INT2VECTOR,
      1007 /* _int4 */, 1009 /* _text */, 1020 /* _box */, 1185 /* _timestamptz */,
      PAIR, PAIR_ARRAY, HSTORE};

  private static final TypeRegistry TYPES = new TypeRegistry();
  private static final JsonFactory FACTORY = new JsonFactory();

  static {
    TYPES.registerAll(List.of(
        new PgType(PAIR, "public", "pair", 'c', 'C', 0, 0, ',', List.of(
            new PgType.Attribute("a", 1007), new PgType.Attribute("b", BuiltinTypes.TEXT))),
        new PgType(PAIR_ARRAY, "public", "_pair", 'b', 'A', PAIR, 0, ',', List.of()),
        new PgType(HSTORE, "public", "hstore", 'b', 'U', 0, 0, ',', List.of())));
  }

  @FuzzTest(maxDuration = "30s")
  void rendersAnyText(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    int oid = OIDS[(input[0] & 0xFF) % OIDS.length];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartArray();
      new ValueRenderer(TYPES).write(g, oid, input, 1, input.length - 1);
      g.writeEndArray();
    }
    try (JsonParser parser = FACTORY.createParser(out.toByteArray())) {
      while (parser.nextToken() != null) {
        parser.skipChildren();
      }
    }
  }
}
