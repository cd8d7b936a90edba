package io.pgcdc.engine.encode;

/**
 * {@code sink.rabbitmq.routing_key}: a template with {@code {schema}}, {@code {table}} and
 * {@code {op}} placeholders, expanded once per relation and op (the result is cached with the
 * relation, never built per event).
 *
 * <p>Immutable, thread-safe.
 */
public record RoutingKeyTemplate(String template) {

  /** Routing key of a schema event: {@code _schema.<schema>.<table>}. */
  public static String schemaKey(String schema, String table) {
    return "_schema." + schema + "." + table;
  }

  /** Routing key of a logical message: {@code _message.<prefix>} (the encoder caches it per prefix). */
  public static String messageKey(String prefix) {
    return "_message." + prefix;
  }

  /** The routing key for a row event of {@code schema.table} with SPEC §3 op letter {@code op}. */
  public String expand(String schema, String table, char op) {
    return template.replace("{schema}", schema).replace("{table}", table).replace("{op}", String.valueOf(op));
  }
}
