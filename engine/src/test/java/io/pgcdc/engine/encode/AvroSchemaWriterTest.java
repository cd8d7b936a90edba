package io.pgcdc.engine.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.decoder.Column;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.json.TypeRegistry;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Avro record schema of a schema event, without a database (built-in types). */
class AvroSchemaWriterTest {

  private static JsonNode schema(Relation relation) throws Exception {
    int n = relation.columnCount();
    RelationInfo info = new RelationInfo(relation, new boolean[n], new boolean[n],
        new RoutingKeyTemplate("{schema}.{table}"));
    StringWriter text = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
      AvroSchemaWriter.write(g, info, new TypeRegistry());
    }
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
}
