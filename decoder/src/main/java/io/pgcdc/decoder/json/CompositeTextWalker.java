package io.pgcdc.decoder.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Walks composite (row) text as {@code record_out} prints it and writes the JSON object
 * {@code to_json()} gives, keyed by the type's live attribute names in order.
 *
 * <pre>
 *   (1,"a ""b"" \\c",,"")    ->   {"x":1,"y":"a \"b\" \\c","z":null,"w":""}
 *   field = empty (NULL) | bare | "..." with "" and \ doubling
 * </pre>
 *
 * <p>Like {@link ArrayTextWalker}: checks first ({@code g == null}), then writes, so malformed
 * text (including a field count that differs from the type's attributes) writes nothing. Not
 * thread-safe: belongs to one {@link ValueRenderer}.
 */
final class CompositeTextWalker {
  private final ValueRenderer values;
  private final Arena arena;

  CompositeTextWalker(ValueRenderer values, Arena arena) {
    this.values = values;
    this.arena = arena;
  }

  /** Checks, then writes; false (nothing written) when the text is not record_out's format. */
  boolean write(JsonGenerator g, Rendering r, byte[] b, int off, int len) throws IOException {
    int end = off + len;
    if (node(null, r, b, off, end) != end) {
      return false;
    }
    node(g, r, b, off, end);
    return true;
  }

  /** {@code (...)} from {@code p}: position after its ')', -1 if malformed. */
  private int node(JsonGenerator g, Rendering r, byte[] b, int p, int end) throws IOException {
    if (p >= end || b[p] != '(') {
      return -1;
    }
    FieldName[] names = r.fieldNames;
    if (g != null) {
      g.writeStartObject();
    }
    p++;
    if (names.length == 0) {
      return p < end && b[p] == ')' ? endObject(g, p) : -1;
    }
    for (int field = 0; field < names.length; field++) {
      if (g != null) {
        g.writeFieldName(names[field]);
      }
      p = field(g, r.fields[field], b, p, end);
      if (p < 0 || p >= end) {
        return -1;
      }
      boolean last = field == names.length - 1;
      if (b[p] != (last ? ')' : ',')) {
        return -1;
      }
      p++;
    }
    return endObject(g, p - 1);
  }

  private static int endObject(JsonGenerator g, int closingParen) throws IOException {
    if (g != null) {
      g.writeEndObject();
    }
    return closingParen + 1;
  }

  private int field(JsonGenerator g, Rendering field, byte[] b, int p, int end)
      throws IOException {
    if (p >= end) {
      return -1;
    }
    if (b[p] == ',' || b[p] == ')') {
      if (g != null) {
        g.writeNull();
      }
      return p;
    }
    return b[p] == '"' ? quoted(g, field, b, p, end) : bare(g, field, b, p, end);
  }

  /** An unquoted field; record_out quotes anything with quotes, backslashes, parens, commas. */
  private int bare(JsonGenerator g, Rendering field, byte[] b, int p, int end)
      throws IOException {
    int q = p;
    while (q < end && b[q] != ',' && b[q] != ')') {
      if (b[q] == '"' || b[q] == '\\' || b[q] == '(') {
        return -1;
      }
      q++;
    }
    if (g != null) {
      values.render(g, field, b, p, q - p);
    }
    return q;
  }

  /** A {@code "..."} field: {@code ""} is a quote, a backslash escapes the next byte. */
  private int quoted(JsonGenerator g, Rendering field, byte[] b, int p, int end)
      throws IOException {
    int base = arena.top();
    byte[] a = g != null ? arena.reserve(end - p) : null;
    int o = base;
    for (int i = p + 1; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        if (i + 1 >= end || b[i + 1] != '"') {
          if (g != null) {
            arena.top(o);
            values.render(g, field, a, base, o - base);
            arena.top(base);
          }
          return i + 1;
        }
        i++;
      } else if (c == '\\' && ++i >= end) {
        return -1;
      }
      if (a != null) {
        a[o] = b[i];
      }
      o++;
    }
    return -1;
  }
}
