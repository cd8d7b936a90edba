package io.pgcdc.decoder.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Walks array text as {@code array_out} prints it and writes the JSON array {@code to_json()}
 * gives: dimension decorations dropped, one nested JSON array per dimension, unquoted
 * {@code NULL} as {@code null}, and every element rendered by its element type.
 *
 * <pre>
 *   [0:1][1:2]={{1,NULL},{"a \"b\"",x}}
 *   └ optional ┘ { element (delimiter element)* } ; element = {...} | "..." (\ escapes) | bare
 * </pre>
 *
 * <p>Each method runs in two modes: with {@code g == null} it only checks the syntax (so a
 * malformed value is detected before anything is written), otherwise it writes. Not
 * thread-safe: belongs to one {@link ValueRenderer}.
 */
final class ArrayTextWalker {
  private static final byte[] NULL_TEXT = {'N', 'U', 'L', 'L'};

  private final ValueRenderer values;
  private final Arena arena;

  ArrayTextWalker(ValueRenderer values, Arena arena) {
    this.values = values;
    this.arena = arena;
  }

  /** Checks, then writes; false (nothing written) when the text is not array_out's format. */
  boolean write(JsonGenerator g, Rendering r, byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int start = skipDimensions(b, off, end);
    if (start < 0 || node(null, r, b, start, end) != end) {
      return false;
    }
    node(g, r, b, start, end);
    return true;
  }

  /**
   * int2vector/oidvector text ({@code "1 2 3"}, single spaces, no quoting) as a JSON array;
   * false (nothing written) when malformed.
   */
  boolean writeVector(JsonGenerator g, Rendering r, byte[] b, int off, int len)
      throws IOException {
    int end = off + len;
    for (int i = off; i < end; i++) {
      boolean misplacedSpace = b[i] == ' ' && (i == off || i == end - 1 || b[i - 1] == ' ');
      if (misplacedSpace || b[i] == '"' || b[i] == '{') {
        return false;
      }
    }
    g.writeStartArray();
    for (int p = off; p < end; ) {
      int q = p;
      while (q < end && b[q] != ' ') {
        q++;
      }
      values.render(g, r.element, b, p, q - p);
      p = q + 1;
    }
    g.writeEndArray();
    return true;
  }

  /** Position after {@code [1:2][0:3]=}, {@code off} when absent, -1 when malformed. */
  private static int skipDimensions(byte[] b, int off, int end) {
    if (off >= end || b[off] != '[') {
      return off;
    }
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (c == '=') {
        return i + 1;
      }
      if (c != '[' && c != ']' && c != ':' && c != '-' && (c < '0' || c > '9')) {
        return -1;
      }
    }
    return -1;
  }

  /** One {@code {...}} level from {@code p}: position after its '}', -1 if malformed. */
  private int node(JsonGenerator g, Rendering r, byte[] b, int p, int end) throws IOException {
    if (p >= end || b[p] != '{') {
      return -1;
    }
    if (g != null) {
      g.writeStartArray();
    }
    p++;
    if (p < end && b[p] == '}') {
      if (g != null) {
        g.writeEndArray();
      }
      return p + 1;
    }
    while (true) {
      if (p >= end) {
        return -1;
      }
      byte c = b[p];
      if (c == '{') {
        p = node(g, r, b, p, end);
      } else if (c == '"') {
        p = quoted(g, r.element, b, p, end);
      } else {
        p = bare(g, r.element, b, p, end, r.delimiter);
      }
      if (p < 0 || p >= end) {
        return -1;
      }
      if (b[p] == r.delimiter) {
        p++;
      } else if (b[p] == '}') {
        if (g != null) {
          g.writeEndArray();
        }
        return p + 1;
      } else {
        return -1;
      }
    }
  }

  /** An unquoted element; array_out quotes anything with braces, quotes or backslashes. */
  private int bare(JsonGenerator g, Rendering element, byte[] b, int p, int end,
      byte delimiter) throws IOException {
    int q = p;
    while (q < end && b[q] != delimiter && b[q] != '}') {
      if (b[q] == '{' || b[q] == '"' || b[q] == '\\') {
        return -1;
      }
      q++;
    }
    if (q == p) {
      return -1;
    }
    if (g != null) {
      if (q - p == NULL_TEXT.length && isNull(b, p)) {
        g.writeNull();
      } else {
        values.render(g, element, b, p, q - p);
      }
    }
    return q;
  }

  /** A {@code "..."} element: a backslash escapes the next byte. */
  private int quoted(JsonGenerator g, Rendering element, byte[] b, int p, int end)
      throws IOException {
    int base = arena.top();
    byte[] a = g != null ? arena.reserve(end - p) : null;
    int o = base;
    for (int i = p + 1; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        if (g != null) {
          arena.top(o);
          values.render(g, element, a, base, o - base);
          arena.top(base);
        }
        return i + 1;
      }
      if (c == '\\' && ++i >= end) {
        return -1;
      }
      if (a != null) {
        a[o] = b[i];
      }
      o++;
    }
    return -1;
  }

  private static boolean isNull(byte[] b, int off) {
    for (int i = 0; i < NULL_TEXT.length; i++) {
      if ((b[off + i] & ~0x20) != NULL_TEXT[i]) {
        return false;
      }
    }
    return true;
  }
}
