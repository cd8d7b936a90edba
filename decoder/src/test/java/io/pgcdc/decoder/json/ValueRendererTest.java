package io.pgcdc.decoder.json;

import static io.pgcdc.decoder.json.BuiltinTypes.BOOL;
import static io.pgcdc.decoder.json.BuiltinTypes.BYTEA;
import static io.pgcdc.decoder.json.BuiltinTypes.DATE;
import static io.pgcdc.decoder.json.BuiltinTypes.FLOAT4;
import static io.pgcdc.decoder.json.BuiltinTypes.FLOAT8;
import static io.pgcdc.decoder.json.BuiltinTypes.INT2VECTOR;
import static io.pgcdc.decoder.json.BuiltinTypes.INT4;
import static io.pgcdc.decoder.json.BuiltinTypes.INT8;
import static io.pgcdc.decoder.json.BuiltinTypes.INTERVAL;
import static io.pgcdc.decoder.json.BuiltinTypes.JSON;
import static io.pgcdc.decoder.json.BuiltinTypes.JSONB;
import static io.pgcdc.decoder.json.BuiltinTypes.NUMERIC;
import static io.pgcdc.decoder.json.BuiltinTypes.OID;
import static io.pgcdc.decoder.json.BuiltinTypes.OIDVECTOR;
import static io.pgcdc.decoder.json.BuiltinTypes.TEXT;
import static io.pgcdc.decoder.json.BuiltinTypes.TIME;
import static io.pgcdc.decoder.json.BuiltinTypes.TIMESTAMP;
import static io.pgcdc.decoder.json.BuiltinTypes.TIMESTAMPTZ;
import static io.pgcdc.decoder.json.BuiltinTypes.TIMETZ;
import static io.pgcdc.decoder.json.BuiltinTypes.UUID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known text/to_json pairs (taken from PostgreSQL 15 with TimeZone=UTC, DateStyle=ISO,
 * IntervalStyle=postgres, extra_float_digits=3) per type family, without a server; the
 * server-backed oracle is {@link ValueRenderingIT}.
 */
class ValueRendererTest {
  private static final int INT4_ARRAY = 1007;
  private static final int TEXT_ARRAY = 1009;
  private static final int BOX_ARRAY = 1020;
  private static final int TIMESTAMPTZ_ARRAY = 1185;
  private static final int JSONB_ARRAY = 3807;

  private static final int MOOD = 70001;
  private static final int POSINT = 70002;
  private static final int POSINT_ARRAY = 70003;
  private static final int PAIR = 70004;
  private static final int PAIR_ARRAY = 70005;
  private static final int OUTER = 70006;
  private static final int EMPTY = 70007;
  private static final int HSTORE = 70008;

  private final TypeRegistry types = registryWithUserTypes();
  private final Rendered rendered = new Rendered(types);

  private static TypeRegistry registryWithUserTypes() {
    TypeRegistry types = new TypeRegistry();
    // Registered out of dependency order on purpose: resolution must not depend on it.
    types.registerAll(List.of(
        new PgType(OUTER, "public", "outer", 'c', 'C', 0, 0, ',', List.of(
            new PgType.Attribute("id", INT8), new PgType.Attribute("pairs", PAIR_ARRAY),
            new PgType.Attribute("when", TIMESTAMPTZ), new PgType.Attribute("doc", JSONB))),
        new PgType(POSINT_ARRAY, "public", "_posint", 'b', 'A', POSINT, 0, ',', List.of()),
        new PgType(PAIR_ARRAY, "public", "_pair", 'b', 'A', PAIR, 0, ',', List.of()),
        new PgType(POSINT, "public", "posint", 'd', 'N', 0, INT4, ',', List.of()),
        new PgType(PAIR, "public", "pair", 'c', 'C', 0, 0, ',', List.of(
            new PgType.Attribute("a", INT4), new PgType.Attribute("b \"c\"\u0001", TEXT))),
        new PgType(MOOD, "public", "mood", 'e', 'E', 0, 0, ',', List.of()),
        new PgType(EMPTY, "public", "empty", 'c', 'C', 0, 0, ',', List.of()),
        new PgType(HSTORE, "public", "hstore", 'b', 'U', 0, 0, ',', List.of())));
    return types;
  }

  private String json(int oid, String text) {
    return rendered.json(oid, text);
  }

  @ParameterizedTest(name = "int8 {0}")
  @CsvSource({"0", "-1", "9223372036854775807", "-9223372036854775808"})
  void rendersIntegersAsBareNumbers(String text) {
    assertThat(json(INT8, text)).isEqualTo(text);
  }

  @Test
  void rendersNumericDigitForDigit() {
    String huge = "-123456789012345678901234567890123456789.000000000000000000000000000010";
    assertThat(json(NUMERIC, huge)).isEqualTo(huge);
    assertThat(json(NUMERIC, "0.000")).isEqualTo("0.000");
    assertThat(json(FLOAT8, "1e+300")).isEqualTo("1e+300");
    assertThat(json(FLOAT8, "4.9406564584124654e-324")).isEqualTo("4.9406564584124654e-324");
    assertThat(json(FLOAT4, "-0")).isEqualTo("-0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"NaN", "Infinity", "-Infinity"})
  void rendersNanAndInfinitiesAsStrings(String text) {
    assertThat(json(NUMERIC, text)).isEqualTo('"' + text + '"');
    assertThat(json(FLOAT8, text)).isEqualTo('"' + text + '"');
    assertThat(json(FLOAT4, text)).isEqualTo('"' + text + '"');
    assertThat(rendered.fallbacks()).isZero();
  }

  @Test
  void rendersOidsAsStringsBecauseToJsonDoes() {
    assertThat(json(OID, "4294967295")).isEqualTo("\"4294967295\"");
  }

  @Test
  void rendersBooleans() {
    assertThat(json(BOOL, "t")).isEqualTo("true");
    assertThat(json(BOOL, "f")).isEqualTo("false");
  }

  @Test
  void escapesStringsExactlyLikeEscapeJson() {
    assertThat(json(TEXT, "")).isEqualTo("\"\"");
    assertThat(json(TEXT, "a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
    assertThat(json(TEXT, "\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
    // lower-case hex, as PostgreSQL prints it; DEL and non-ASCII pass through
    assertThat(json(TEXT, "\u0001\u001f\u007f")).isEqualTo("\"\\u0001\\u001f\u007f\"");
    assertThat(json(TEXT, "Åkerfeldt 😀 \uDBFF\uDFFF")).isEqualTo("\"Åkerfeldt 😀 \uDBFF\uDFFF\"");
  }

  @Test
  void replacesBytesThatAreNotUtf8SoTheOutputStaysValidJson() throws IOException {
    byte[] text = {'a', (byte) 0xFF, (byte) 0xC3, (byte) 0xA9, (byte) 0xED, (byte) 0xA0,
        (byte) 0x80, (byte) 0xE2, (byte) 0x82};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      new ValueRenderer(types).write(g, TEXT, text, 0, text.length);
    }
    // 0xFF, a UTF-16 surrogate (ED A0 80) and a truncated sequence each become U+FFFD per byte
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("\"a\uFFFDé\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\"");
  }

  @Test
  void rendersOtherTypesAsTheirText() {
    assertThat(json(UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        .isEqualTo("\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
    assertThat(json(BYTEA, "\\x00ff")).isEqualTo("\"\\\\x00ff\"");
    assertThat(json(DATE, "0044-03-15 BC")).isEqualTo("\"0044-03-15 BC\"");
    assertThat(json(DATE, "-infinity")).isEqualTo("\"-infinity\"");
    assertThat(json(TIME, "22:41:03.5")).isEqualTo("\"22:41:03.5\"");
    assertThat(json(TIMETZ, "22:41:03+05:30")).isEqualTo("\"22:41:03+05:30\"");
    assertThat(json(TIMETZ, "22:41:03+00")).isEqualTo("\"22:41:03+00\"");
    assertThat(json(INTERVAL, "-1 days +02:03:04")).isEqualTo("\"-1 days +02:03:04\"");
    assertThat(json(MOOD, "happy \"x\"")).isEqualTo("\"happy \\\"x\\\"\"");
    assertThat(json(3904, "[1,5)")).isEqualTo("\"[1,5)\"");
  }

  @Test
  void embedsJsonAndJsonbUnchanged() {
    assertThat(json(JSON, " {\"a\" : [1, 2]} ")).isEqualTo(" {\"a\" : [1, 2]} ");
    assertThat(json(JSONB, "{\"a\": [1, 2], \"b\": \"\\u0001\"}"))
        .isEqualTo("{\"a\": [1, 2], \"b\": \"\\u0001\"}");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "2026-11-21 22:41:03.123456|\"2026-11-21T22:41:03.123456\"",
      "2026-11-21 22:41:03|\"2026-11-21T22:41:03\"",
      "0044-03-15 12:00:00 BC|\"0044-03-15T12:00:00 BC\"",
      "294276-12-31 23:59:59.999999|\"294276-12-31T23:59:59.999999\"",
      "infinity|\"infinity\"",
      "-infinity|\"-infinity\""})
  void rendersTimestampsWithT(String text, String expected) {
    assertThat(json(TIMESTAMP, text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "2026-11-21 22:41:03.123456+00|\"2026-11-21T22:41:03.123456+00:00\"",
      "2026-11-21 22:41:03+05:30|\"2026-11-21T22:41:03+05:30\"",
      "1850-01-01 00:00:00-00:19:32|\"1850-01-01T00:00:00-00:19:32\"",
      "0044-03-15 12:00:00+00 BC|\"0044-03-15T12:00:00+00:00 BC\"",
      "infinity|\"infinity\""})
  void rendersTimestamptzWithTAndMinutesInTheOffset(String text, String expected) {
    assertThat(json(TIMESTAMPTZ, text)).isEqualTo(expected);
  }

  @Test
  void rendersArraysWithNullsQuotingBoundsAndNesting() {
    assertThat(json(INT4_ARRAY, "{}")).isEqualTo("[]");
    assertThat(json(INT4_ARRAY, "{1,NULL,-3}")).isEqualTo("[1,null,-3]");
    assertThat(json(INT4_ARRAY, "{{1,2},{3,4}}")).isEqualTo("[[1,2],[3,4]]");
    assertThat(json(INT4_ARRAY, "[0:1][-2:-2]={{1},{2}}")).isEqualTo("[[1],[2]]");
    assertThat(json(TEXT_ARRAY, "{\"NULL\",\"\",\"a \\\"b\\\\\",\"{x,y}\",é}"))
        .isEqualTo("[\"NULL\",\"\",\"a \\\"b\\\\\",\"{x,y}\",\"é\"]");
    assertThat(json(BOX_ARRAY, "{(3,4),(1,2);(1,1),(0,0)}"))
        .isEqualTo("[\"(3,4),(1,2)\",\"(1,1),(0,0)\"]");
    assertThat(json(TIMESTAMPTZ_ARRAY, "{\"2026-11-21 22:41:03+00\",infinity}"))
        .isEqualTo("[\"2026-11-21T22:41:03+00:00\",\"infinity\"]");
    assertThat(json(JSONB_ARRAY, "{\"{\\\"a\\\": 1}\",NULL}")).isEqualTo("[{\"a\": 1},null]");
    assertThat(json(POSINT_ARRAY, "{1,2}")).isEqualTo("[1,2]");
  }

  @Test
  void rendersCompositesAsObjectsKeyedByAttributeName() {
    assertThat(json(PAIR, "(1,\"x \"\"y\"\" \\\\z\")"))
        .isEqualTo("{\"a\":1,\"b \\\"c\\\"\\u0001\":\"x \\\"y\\\" \\\\z\"}");
    assertThat(json(PAIR, "(,)")).isEqualTo("{\"a\":null,\"b \\\"c\\\"\\u0001\":null}");
    assertThat(json(PAIR, "(,\"\")")).isEqualTo("{\"a\":null,\"b \\\"c\\\"\\u0001\":\"\"}");
    assertThat(json(EMPTY, "()")).isEqualTo("{}");
    assertThat(json(OUTER,
        "(7,\"{\"\"(1,a)\"\",NULL,\"\"(,\\\\\"\"\\\\\"\"\\\\\"\"\\\\\"\")\"\"}\",\"2026-11-21 22:41:03+00\",\"{\"\"k\"\": [1]}\")"))
        .isEqualTo("{\"id\":7,\"pairs\":[{\"a\":1,\"b \\\"c\\\"\\u0001\":\"a\"},null,"
            + "{\"a\":null,\"b \\\"c\\\"\\u0001\":\"\\\"\"}],"
            + "\"when\":\"2026-11-21T22:41:03+00:00\",\"doc\":{\"k\": [1]}}");
  }

  @Test
  void rendersHstoreLikeItsCastToJson() {
    assertThat(json(HSTORE, "\"a\"=>\"1\", \"b c\"=>NULL, \"q\\\"x\"=>\"v\\\\w\u0001\""))
        .isEqualTo("{\"a\": \"1\", \"b c\": null, \"q\\\"x\": \"v\\\\w\\u0001\"}");
    assertThat(json(HSTORE, "")).isEqualTo("{}");
    assertThat(json(HSTORE, "\"é\"=>\"😀 \\\\\"")).isEqualTo("{\"é\": \"😀 \\\\\"}");
    long before = rendered.fallbacks();
    assertThat(json(HSTORE, "\"a\"=>1")).isEqualTo("\"\\\"a\\\"=>1\"");
    assertThat(rendered.fallbacks()).isEqualTo(before + 1);
  }

  @Test
  void rendersDomainsAsTheirBaseType() {
    assertThat(json(POSINT, "42")).isEqualTo("42");
  }

  @Test
  void rendersVectorsAsArrays() {
    assertThat(json(INT2VECTOR, "1 -2 3")).isEqualTo("[1,-2,3]");
    assertThat(json(INT2VECTOR, "")).isEqualTo("[]");
    assertThat(json(OIDVECTOR, "23 25")).isEqualTo("[\"23\",\"25\"]");
  }

  @Test
  void rendersUnknownTypesAsText() {
    assertThat(json(999_999, "{1,2}")).isEqualTo("\"{1,2}\"");
  }

  @Test
  void writesValuesInsideAnObjectWithSeparators() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ValueRenderer values = new ValueRenderer(types);
    try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      write(values, g, "n", NUMERIC, "1.50");
      write(values, g, "j", JSONB, "{\"a\": 1}");
      write(values, g, "t", TEXT, "x");
      write(values, g, "a", INT4_ARRAY, "{1}");
      g.writeEndObject();
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"n\":1.50,\"j\":{\"a\": 1},\"t\":\"x\",\"a\":[1]}");
  }

  private static void write(ValueRenderer values, JsonGenerator g, String name, int oid,
      String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    g.writeFieldName(name);
    values.write(g, oid, bytes, 0, bytes.length);
  }

  @Test
  void writesBinaryValuesAsByteaHex() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ValueRenderer values = new ValueRenderer(types);
    try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      values.writeBinary(g, BYTEA, new byte[] {9, 0, (byte) 0xAB, -1}, 1, 2);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("\"\\\\x00ab\"");
    assertThat(values.fallbacks()).isZero();
  }

  @ParameterizedTest(name = "oid {0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "20|12abc", "20|``", "20|1.", "20|-", "20|01", "16|true", "16|``",
      "1114|2026-11-21", "1114|garbage here", "1114|`2026-11-21 1\"`", "1184|`2026-11-21 1\\+00`", "1184|2026-11-21 22:41:03", "1184|2026-11-21 22:41:03+1",
      "1007|{1,2", "1007|1,2}", "1007|{\"1}", "1007|[1:2{1}", "1007|{1,,2}", "1007|{{1}x}", "1007|``",
      "70004|(1,2,3)", "70004|(1)", "70004|1,2", "70004|(\"x\"y,)", "70004|(1,\"", "70007|(1)",
      "22|1  2", "22|` 1`", "22|`1 `"})
  void rendersMalformedTextAsAStringAndCountsIt(int oid, String text) {
    String expected = json(TEXT, text);
    long before = rendered.fallbacks();
    assertThat(json(oid, text)).isEqualTo(expected);
    assertThat(rendered.fallbacks()).isEqualTo(before + 1);
  }

  @Test
  void neverThrowsAndAlwaysWritesWellFormedJsonForGarbage() throws IOException {
    Random random = new Random(42);
    int[] oids = {INT8, NUMERIC, BOOL, TEXT, JSON, TIMESTAMP, TIMESTAMPTZ, INT4_ARRAY, TEXT_ARRAY,
        BOX_ARRAY, PAIR, PAIR_ARRAY, OUTER, INT2VECTOR, POSINT_ARRAY};
    byte[] alphabet = "{}()[]:=,;\"\\ NULabc0123456789-+.eT\n".getBytes(StandardCharsets.UTF_8);
    JsonFactory factory = new JsonFactory();
    ValueRenderer values = new ValueRenderer(types);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 20_000; i++) {
      byte[] garbage = new byte[random.nextInt(24)];
      for (int j = 0; j < garbage.length; j++) {
        garbage[j] = alphabet[random.nextInt(alphabet.length)];
      }
      int oid = oids[random.nextInt(oids.length)];
      out.reset();
      try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
        g.writeStartArray();
        values.write(g, oid, garbage, 0, garbage.length);
        g.writeEndArray();
      }
      if (oid != JSON) {
        assertWellFormed(factory, out.toByteArray());
      }
    }
  }

  private static void assertWellFormed(JsonFactory factory, byte[] json) throws IOException {
    try (JsonParser parser = factory.createParser(json)) {
      while (parser.nextToken() != null) {
        parser.skipChildren();
      }
    }
  }

  @Test
  void refusesCharacterBasedGenerators() throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(new StringWriter())) {
      byte[] text = {'a', '"'};
      assertThatThrownBy(() -> new ValueRenderer(types).write(g, TEXT, text, 0, 2))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void rendersWithoutAllocatingPerValue() throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[][] texts = {
        "9223372036854775807".getBytes(StandardCharsets.UTF_8),
        "2026-11-21 22:41:03.123456+00".getBytes(StandardCharsets.UTF_8),
        "Mikael \"Åkerfeldt\"\n".getBytes(StandardCharsets.UTF_8),
        "{1,NULL,3}".getBytes(StandardCharsets.UTF_8),
        "(1,\"x y\")".getBytes(StandardCharsets.UTF_8),
        "{\"a\": 1}".getBytes(StandardCharsets.UTF_8)};
    int[] oids = {INT8, TIMESTAMPTZ, TEXT, INT4_ARRAY, PAIR, JSONB};
    ValueRenderer values = new ValueRenderer(types);
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartArray();
      for (int round = 0; round < 2; round++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 60_000; i++) {
          values.write(g, oids[i % oids.length], texts[i % texts.length], 0,
              texts[i % texts.length].length);
          if (out.size() > 900_000) {
            g.flush();
            out.reset();
          }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        if (round == 1) {
          // a few KB of slack for the occasional value straddling Jackson's buffer
          assertThat(allocated).as("bytes allocated for 60,000 values").isLessThan(64 * 1024);
        }
      }
      g.writeEndArray();
    }
  }
}
