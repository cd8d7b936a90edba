package io.pgcdc.engine.encode;

import com.fasterxml.jackson.core.JsonGenerator;
import io.pgcdc.decoder.json.PgType;
import io.pgcdc.decoder.json.TypeRegistry;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes the Avro record schema of a table's row as the JSON body of a schema event describes it:
 * one field per column, nullable columns as a union with {@code "null"}.
 *
 * <pre>
 *   pg_catalog.bool -&gt; boolean   int2/int4 -&gt; int   int8 -&gt; long   float4 -&gt; float
 *   float8, numeric -&gt; double (numeric values may carry more digits than a double)
 *   bytea -&gt; bytes     arrays -&gt; array of the element   domains -&gt; as their base type
 *   composites -&gt; a nested record (defined at its first use, named at later ones)
 *   everything else -&gt; string (text, enums, ranges, dates and times, json/jsonb, user types)
 * </pre>
 *
 * Types map by what they are, not by name alone: a user type named {@code int4} in another schema
 * is a string. Names are made Avro-legal ({@code [A-Za-z_][A-Za-z0-9_]*}): other characters become
 * {@code _}, and a field or record name that is then taken already (columns {@code a-b} and
 * {@code a_b}) gets {@code _2}, {@code _3}, ... appended, since Avro parsers reject a record with
 * two equal names.
 *
 * <p>Stateless; called on the encode thread when a relation is new or changed.
 */
final class AvroSchemaWriter {
  /** Deeper than any real nesting of domains and composites; a guard against a catalog cycle. */
  private static final int MAX_DEPTH = 32;

  private AvroSchemaWriter() {}

  static void write(JsonGenerator g, RelationInfo info, TypeRegistry types) throws IOException {
    Map<String, Integer> records = new HashMap<>();
    String name = avroName(info.relation.name());
    String namespace = avroName(info.relation.namespace());
    records.put(namespace + "." + name, 0);
    startRecord(g, name, namespace);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < info.relation.columnCount(); i++) {
      writeField(g, unique(avroName(info.relation.column(i).name()), used), !info.notNull[i],
          info.relation.column(i).typeOid(), types, records, 0);
    }
    endRecord(g);
  }

  private static void startRecord(JsonGenerator g, String name, String namespace) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "record");
    g.writeStringField("name", name);
    g.writeStringField("namespace", namespace);
    g.writeArrayFieldStart("fields");
  }

  private static void endRecord(JsonGenerator g) throws IOException {
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeField(JsonGenerator g, String name, boolean nullable, int oid, TypeRegistry types,
      Map<String, Integer> records, int depth) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeFieldName("type");
    if (nullable) {
      g.writeStartArray();
      g.writeString("null");
    }
    writeType(g, oid, types, records, depth);
    if (nullable) {
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeType(JsonGenerator g, int oid, TypeRegistry types, Map<String, Integer> records,
      int depth) throws IOException {
    PgType type = baseOf(types.type(oid), types);
    if (type == null || depth > MAX_DEPTH) {
      g.writeString("string");
    } else if (type.isArray()) {
      g.writeStartObject();
      g.writeStringField("type", "array");
      g.writeFieldName("items");
      g.writeStartArray();
      g.writeString("null");
      writeType(g, type.elementOid(), types, records, depth + 1);
      g.writeEndArray();
      g.writeEndObject();
    } else if (type.isComposite()) {
      writeRecord(g, type, types, records, depth);
    } else {
      g.writeString(!"pg_catalog".equals(type.schema()) ? "string" : switch (type.name()) {
        case "bool" -> "boolean";
        case "int2", "int4" -> "int";
        case "int8" -> "long";
        case "float4" -> "float";
        case "float8", "numeric" -> "double";
        case "bytea" -> "bytes";
        default -> "string";
      });
    }
  }

  /** A domain's base type (to_json renders its values as the base type's); null when unknown. */
  private static PgType baseOf(PgType type, TypeRegistry types) {
    for (int depth = 0; type != null && type.isDomain() && depth <= MAX_DEPTH; depth++) {
      type = types.type(type.baseOid());
    }
    return type != null && type.isDomain() ? null : type;
  }

  /** A composite's record where it is first used; its full name wherever it is used again. */
  private static void writeRecord(JsonGenerator g, PgType type, TypeRegistry types, Map<String, Integer> records,
      int depth) throws IOException {
    String namespace = avroName(type.schema());
    String name = avroName(type.name());
    Integer owner;
    for (int n = 2; (owner = records.get(namespace + "." + name)) != null && owner != type.oid(); n++) {
      name = avroName(type.name()) + "_" + n;
    }
    if (owner != null) {
      g.writeString(namespace + "." + name);
      return;
    }
    records.put(namespace + "." + name, type.oid());
    startRecord(g, name, namespace);
    Set<String> used = new HashSet<>();
    for (PgType.Attribute a : type.attributes()) {
      writeField(g, unique(avroName(a.name()), used), true, a.typeOid(), types, records, depth + 1);
    }
    endRecord(g);
  }

  private static String unique(String name, Set<String> used) {
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
