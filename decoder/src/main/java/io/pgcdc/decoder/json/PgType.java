package io.pgcdc.decoder.json;

import java.util.List;
import java.util.Objects;

/**
 * What pgcdc needs to know about one PostgreSQL data type to render its values like
 * {@code to_json()}: a row of {@code pg_type} (plus the attributes of a composite type).
 *
 * <p>Immutable; safe to share between threads. Built-in types come from {@link BuiltinTypes};
 * everything else from the catalog query in {@link TypeCatalog}.
 *
 * @param oid the type's OID ({@code pg_type.oid}); OIDs are unsigned on the server, a Java
 *     {@code int} holds the same 32 bits
 * @param schema {@code pg_namespace.nspname}
 * @param name {@code pg_type.typname}
 * @param typtype {@code b} base, {@code c} composite, {@code d} domain, {@code e} enum,
 *     {@code r} range, {@code m} multirange
 * @param category {@code pg_type.typcategory} ({@code A} array, {@code N} numeric, {@code S}
 *     string, ...)
 * @param elementOid element type when this is a true array type ({@code typelem} of a varlena
 *     type), else 0
 * @param baseOid base type of a domain ({@code typbasetype}), else 0
 * @param delimiter {@code typdelim}: separates this type's values inside array text ({@code ,}
 *     for every built-in type except {@code box}, which uses {@code ;})
 * @param attributes a composite type's live attributes in {@code attnum} order (dropped ones
 *     left out), empty for every other type
 */
public record PgType(int oid, String schema, String name, char typtype, char category,
    int elementOid, int baseOid, char delimiter, List<Attribute> attributes) {

  /** One attribute (column) of a composite type. */
  public record Attribute(String name, int typeOid) {
    public Attribute {
      Objects.requireNonNull(name, "name");
    }
  }

  public PgType {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    attributes = List.copyOf(attributes);
  }

  /** A built-in, non-composite type of schema {@code pg_catalog}. */
  static PgType builtin(int oid, String name, char typtype, char category, int elementOid,
      char delimiter) {
    return new PgType(oid, "pg_catalog", name, typtype, category, elementOid, 0, delimiter,
        List.of());
  }

  public boolean isDomain() {
    return typtype == 'd';
  }

  public boolean isComposite() {
    return typtype == 'c';
  }

  public boolean isArray() {
    return elementOid != 0;
  }
}
