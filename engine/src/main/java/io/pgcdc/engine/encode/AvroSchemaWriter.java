package io.pgcdc.engine.encode;

import com.fasterxml.jackson.core.JsonGenerator;
import io.pgcdc.decoder.json.PgType;
import io.pgcdc.decoder.json.TypeRegistry;
import java.io.IOException;

/**
 * Writes the Avro record schema of a table's row as the JSON body of a schema event describes it:
 * one field per column, nullable columns as a union with {@code "null"}.
 *
 * <pre>
 *   bool -&gt; boolean   int2/int4 -&gt; int   int8 -&gt; long   float4 -&gt; float
 *   float8, numeric -&gt; double (numeric values may carry more digits than a double)
 *   bytea -&gt; bytes     arrays -&gt; array of the element   everything else -&gt; string
 * </pre>
 *
 * Names are made Avro-legal ({@code [A-Za-z_][A-Za-z0-9_]*}): other characters become {@code _},
 * and a field name that is then taken already (columns {@code a-b} and {@code a_b}) gets
 * {@code _2}, {@code _3}, ... appended, since Avro parsers reject a record with two equal names.
 *
 * <p>Stateless; called on the encode thread when a relation is new or changed.
 */
final class AvroSchemaWriter {
  private AvroSchemaWriter() {}

  static void write(JsonGenerator g, RelationInfo info, TypeRegistry types) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "record");
    g.writeStringField("name", avroName(info.relation.name()));
    g.writeStringField("namespace", avroName(info.relation.namespace()));
    g.writeArrayFieldStart("fields");
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int i = 0; i < info.relation.columnCount(); i++) {
      g.writeStartObject();
      g.writeStringField("name", unique(avroName(info.relation.column(i).name()), used));
      g.writeFieldName("type");
      boolean nullable = !info.notNull[i];
      if (nullable) {
        g.writeStartArray();
        g.writeString("null");
      }
      writeType(g, info.relation.column(i).typeOid(), types);
      if (nullable) {
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeType(JsonGenerator g, int oid, TypeRegistry types) throws IOException {
    PgType type = types.type(oid);
    if (type == null) {
      g.writeString("string");
      return;
    }
    if (type.isArray()) {
      g.writeStartObject();
      g.writeStringField("type", "array");
      g.writeFieldName("items");
      g.writeStartArray();
      g.writeString("null");
      writeType(g, type.elementOid(), types);
      g.writeEndArray();
      g.writeEndObject();
      return;
    }
    g.writeString(switch (type.name()) {
      case "bool" -> "boolean";
      case "int2", "int4" -> "int";
      case "int8" -> "long";
      case "float4" -> "float";
      case "float8", "numeric" -> "double";
      case "bytea" -> "bytes";
      default -> "string";
    });
  }

  private static String unique(String name, java.util.Set<String> used) {
    String candidate = name;
    for (int n = 2; !used.add(candidate); n++) {
      candidate = name + "_" + n;
    }
    return candidate;
  }

  static String avroName(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
      boolean digit = c >= '0' && c <= '9';
      sb.append(letter || digit && i > 0 ? c : '_');
    }
    return sb.length() == 0 ? "_" : sb.toString();
  }
}
