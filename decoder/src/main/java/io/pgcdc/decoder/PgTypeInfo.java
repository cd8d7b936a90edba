package io.pgcdc.decoder;

/**
 * A data type announced by a Type ({@code 'Y'}) message. pgoutput sends one before the first
 * Relation that uses a non-builtin type (enum, domain, composite, extension type...).
 *
 * @param oid the type's OID
 * @param namespace schema name ({@code ""} stands for {@code pg_catalog})
 * @param name type name
 */
public record PgTypeInfo(int oid, String namespace, String name) {
}
