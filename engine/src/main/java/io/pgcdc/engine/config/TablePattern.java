package io.pgcdc.engine.config;

import java.util.regex.Pattern;

/**
 * One entry of {@code source.tables}: {@code schema.table}, where {@code *} in either part
 * matches any run of characters ({@code public.*}, {@code sales.order_*}). Names compare as
 * PostgreSQL stores them (unquoted identifiers are lower case).
 *
 * <p>Immutable, thread-safe.
 */
public record TablePattern(String schema, String table) {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_$*]{1,63}");

  /** Parses {@code schema.table}; throws {@link IllegalArgumentException} saying the valid form. */
  public static TablePattern parse(String text) {
    int dot = text.indexOf('.');
    if (dot < 0 || dot != text.lastIndexOf('.')
        || !PART.matcher(text.substring(0, dot)).matches()
        || !PART.matcher(text.substring(dot + 1)).matches()) {
      throw new IllegalArgumentException("must be schema.table, where * matches any name (e.g. public.*)");
    }
    return new TablePattern(text.substring(0, dot), text.substring(dot + 1));
  }

  /** True when {@code schema.table} is selected by this pattern. */
  public boolean matches(String schemaName, String tableName) {
    return glob(schema, schemaName) && glob(table, tableName);
  }

  /** True when the pattern names exactly one table (no {@code *}). */
  public boolean isExact() {
    return schema.indexOf('*') < 0 && table.indexOf('*') < 0;
  }

  /**
   * True for {@code schema.*} with a literal schema: every table of one schema, now and later, which
   * a publication can hold as {@code TABLES IN SCHEMA}.
   */
  public boolean isWholeSchema() {
    return "*".equals(table) && schema.indexOf('*') < 0;
  }

  /** The pattern as an SQL {@code LIKE} expression part, for catalog queries: {@code *} -> {@code %}. */
  public String schemaLike() {
    return like(schema);
  }

  /** @see #schemaLike() */
  public String tableLike() {
    return like(table);
  }

  private static String like(String part) {
    return part.replace("_", "\\_").replace('*', '%');
  }

  private static boolean glob(String pattern, String name) {
    return name.matches(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
  }

  @Override
  public String toString() {
    return schema + "." + table;
  }
}
