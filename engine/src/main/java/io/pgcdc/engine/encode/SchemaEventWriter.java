package io.pgcdc.engine.encode;

import com.fasterxml.jackson.core.JsonGenerator;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.json.PgType;
import io.pgcdc.decoder.json.TypeRegistry;
import io.pgcdc.engine.pipeline.MessageIds;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.RingEvent;
import java.io.IOException;

/**
 * Schema events ({@code _schema.<schema>.<table>}, op {@code S}): sent the first time a streaming
 * session sees a relation and whenever its Relation message changes.
 *
 * <pre>
 *   {"id":"&lt;slot&gt;/&lt;commit LSN&gt;/_schema.public.users","op":"S", ...common...,
 *    "relation_id":16385,"replica_identity":"default",
 *    "columns":[{"name":"id","type_oid":23,"type_name":"int4","type_modifier":-1,"key":true,"nullable":false}],
 *    "avro":{"type":"record","name":"users","namespace":"public","fields":[...]}}
 * </pre>
 *
 * <p>Threading: encode thread only; runs once per relation version, so it may allocate.
 */
final class SchemaEventWriter {
  private final EnvelopeWriter envelope;
  private final JsonGenerator g;
  private final TypeRegistry types;

  SchemaEventWriter(EnvelopeWriter envelope, TypeRegistry types) {
    this.envelope = envelope;
    this.g = envelope.generator();
    this.types = types;
  }

  /** Writes the schema event of {@code info}; {@code ordinal} is negative (see EncodeHandler). */
  void write(RingEvent event, Outbox out, RelationInfo info, int ordinal) throws IOException {
    Relation relation = info.relation;
    envelope.begin(out, info.schemaRoutingKey, (byte) 'S', ordinal);
    envelope.id(event.commitLsn(), MessageIds.schemaSuffix(info.schemaRoutingKey, ordinal));
    envelope.common(event, (byte) 'S', relation, ordinal, false);
    g.writeNumberField("relation_id", Integer.toUnsignedLong(relation.id()));
    g.writeStringField("replica_identity", switch (relation.replicaIdentity()) {
      case Relation.IDENTITY_FULL -> "full";
      case Relation.IDENTITY_NOTHING -> "nothing";
      case Relation.IDENTITY_INDEX -> "index";
      default -> "default";
    });
    g.writeArrayFieldStart("columns");
    for (int i = 0; i < relation.columnCount(); i++) {
      int oid = relation.column(i).typeOid();
      PgType type = types.type(oid);
      g.writeStartObject();
      g.writeStringField("name", relation.column(i).name());
      g.writeNumberField("type_oid", Integer.toUnsignedLong(oid));
      g.writeStringField("type_name", type == null ? "unknown" : type.name());
      g.writeNumberField("type_modifier", relation.column(i).typeModifier());
      g.writeBooleanField("key", info.key[i]);
      g.writeBooleanField("nullable", !info.notNull[i]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeFieldName("avro");
    AvroSchemaWriter.write(g, info, types);
    envelope.end(out);
  }
}
