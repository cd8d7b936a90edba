package io.pgcdc.decoder.json;

/**
 * hstore text to the JSON object {@code to_json()} gives for it. hstore is the one common
 * extension type with a cast to json, and {@code to_json()} uses such casts
 * ({@code hstore_to_json}), so its output, unlike every other value's, has spaces after
 * {@code :} and {@code ,}:
 *
 * <pre>
 *   "a"=>"1", "b c"=>NULL, "q\"x"=>"v\\w"   ->   {"a": "1", "b c": null, "q\"x": "v\\w"}
 *   (empty text)                           ->   {}
 * </pre>
 *
 * <p>hstore_out quotes every key and value and backslash-escapes {@code "} and {@code \} in
 * them; a NULL value is a bare {@code NULL}. Stateless; thread-safe; allocates nothing.
 */
final class HstoreText {
  private HstoreText() {
  }

  /** Bytes {@code out} needs for a text of {@code len} bytes. */
  static int maxOutput(int len) {
    return len * PgJsonEscaper.MAX_EXPANSION + 2;
  }

  /**
   * Converts {@code b[off, off+len)} into {@code out}.
   *
   * @return bytes written, -1 when the text is not hstore_out's format
   */
  static int toJson(byte[] b, int off, int len, byte[] out) {
    int end = off + len;
    int p = off;
    int o = 0;
    out[o++] = '{';
    while (p < end) {
      if (o > 1) {
        if (p + 1 >= end || b[p] != ',' || b[p + 1] != ' ') {
          return -1;
        }
        p += 2;
        out[o++] = ',';
        out[o++] = ' ';
      }
      long key = quoted(b, p, end, out, o);
      if (key < 0) {
        return -1;
      }
      p = (int) (key >>> 32);
      o = (int) key;
      if (p + 2 > end || b[p] != '=' || b[p + 1] != '>') {
        return -1;
      }
      p += 2;
      out[o++] = ':';
      out[o++] = ' ';
      if (p + 4 <= end && b[p] == 'N' && b[p + 1] == 'U' && b[p + 2] == 'L' && b[p + 3] == 'L') {
        p += 4;
        out[o++] = 'n';
        out[o++] = 'u';
        out[o++] = 'l';
        out[o++] = 'l';
      } else {
        long value = quoted(b, p, end, out, o);
        if (value < 0) {
          return -1;
        }
        p = (int) (value >>> 32);
        o = (int) value;
      }
    }
    out[o++] = '}';
    return o;
  }

  /**
   * Copies one {@code "..."} token from {@code b[p]}, unescaping hstore's backslashes and
   * escaping like {@code escape_json()}, quotes included.
   *
   * @return {@code (position after the token) << 32 | (output position)}, -1 if malformed
   */
  private static long quoted(byte[] b, int p, int end, byte[] out, int o) {
    if (p >= end || b[p] != '"') {
      return -1;
    }
    out[o++] = '"';
    int i = p + 1;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        out[o++] = '"';
        return ((long) (i + 1) << 32) | o;
      }
      if (c == '\\') {
        if (i + 1 >= end) {
          return -1;
        }
        o = PgJsonEscaper.escape(b, i + 1, 1, out, o); // the escaped byte: '"' or '\\'
        i += 2;
        continue;
      }
      // a run up to the next quote or backslash, escaped at once so that multi-byte UTF-8
      // sequences stay whole
      int run = i;
      while (run < end && b[run] != '"' && b[run] != '\\') {
        run++;
      }
      o = PgJsonEscaper.escape(b, i, run - i, out, o);
      i = run;
    }
    return -1;
  }
}
