package io.pgcdc.engine.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.decoder.Column;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.json.PgType;
import io.pgcdc.decoder.json.TypeRegistry;
import java.io.StringWriter;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The Avro record schema of a schema event, without a database (built-in types). */
class AvroSchemaWriterTest {

  private static JsonNode schema(Relation relation) throws Exception {
    return schema(relation, new TypeRegistry());
  }

  private static JsonNode schema(Relation relation, TypeRegistry types) throws Exception {
    int n = relation.columnCount();
    RelationInfo info = new RelationInfo(relation, new boolean[n], new boolean[n],
        new RoutingKeyTemplate("{schema}.{table}"));
    StringWriter text = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
      AvroSchemaWriter.write(g, info, types);
    }
    new Schema.Parser().parse(text.toString()); // legal Avro, as a reader of the schema event parses it
    return new ObjectMapper().readTree(text.toString());
  }

  @Test
  void columnsWhoseNamesBecomeEqualWhenMadeAvroLegalGetDistinctFieldNames() throws Exception {
    Relation r = Relation.of(1, "public", "t", 'd', List.of(new Column("a-b", 23, -1, false),
        new Column("a_b", 23, -1, false), new Column("a b", 25, -1, false)));

    JsonNode fields = schema(r).get("fields");

    assertThat(fields).extracting(f -> f.get("name").asText()).containsExactly("a_b", "a_b_2", "a_b_3");
  }

  @Test
  void typesMapToAvroAndNullableColumnsToAUnionWithNull() throws Exception {
    Relation r = Relation.of(1, "public", "t-x", 'd', List.of(new Column("id", 23, -1, true),
        new Column("big", 20, -1, false), new Column("flag", 16, -1, false), new Column("raw", 17, -1, false)));

    JsonNode s = schema(r);

    assertThat(s.get("name").asText()).isEqualTo("t_x");
    assertThat(s.get("fields")).extracting(f -> f.get("type").toString())
        .containsExactly("[\"null\",\"int\"]", "[\"null\",\"long\"]", "[\"null\",\"boolean\"]", "[\"null\",\"bytes\"]");
  }

  @Test
  void aDomainHasTheAvroTypeOfItsBaseTypeAsItsValuesAreRenderedLikeIt() throws Exception {
    TypeRegistry types = new TypeRegistry();
    types.register(new PgType(90001, "app", "posint", 'd', 'N', 0, 23, ',', List.of()));
    types.register(new PgType(90002, "app", "ids", 'd', 'A', 0, 1007, ',', List.of()));
    types.register(new PgType(90003, "app", "pos2", 'd', 'N', 0, 90001, ',', List.of()));
    Relation r = Relation.of(1, "public", "t", 'd', List.of(new Column("p", 90001, -1, false),
        new Column("ids", 90002, -1, false), new Column("p2", 90003, -1, false)));

    assertThat(schema(r, types).get("fields")).extracting(f -> f.get("type").toString()).containsExactly(
        "[\"null\",\"int\"]", "[\"null\",{\"type\":\"array\",\"items\":[\"null\",\"int\"]}]", "[\"null\",\"int\"]");
  }

  @Test
  void aUserTypeNamedLikeABuiltInIsAString() throws Exception {
    TypeRegistry types = new TypeRegistry();
    types.register(new PgType(90001, "app", "int4", 'b', 'U', 0, 0, ',', List.of()));
    Relation r = Relation.of(1, "public", "t", 'd', List.of(new Column("v", 90001, -1, false)));

    assertThat(schema(r, types).at("/fields/0/type/1").asText()).isEqualTo("string");
  }

  @Test
  void aCompositeIsANestedRecordDefinedOnceAndNamedAfterThat() throws Exception {
    TypeRegistry types = new TypeRegistry();
    types.register(new PgType(90001, "app", "money-pair", 'c', 'C', 0, 0, ',',
        List.of(new PgType.Attribute("amount", 1700), new PgType.Attribute("currency", 25))));
    Relation r = Relation.of(1, "public", "t", 'd', List.of(new Column("price", 90001, -1, false),
        new Column("cost", 90001, -1, false)));

    JsonNode fields = schema(r, types).get("fields");

    assertThat(fields.at("/0/type/1").toString()).isEqualTo("{\"type\":\"record\",\"name\":\"money_pair\","
        + "\"namespace\":\"app\",\"fields\":[{\"name\":\"amount\",\"type\":[\"null\",\"double\"]},"
        + "{\"name\":\"currency\",\"type\":[\"null\",\"string\"]}]}");
    assertThat(fields.at("/1/type/1").asText()).as("Avro refuses a second definition of a name").isEqualTo("app.money_pair");
  }
}
