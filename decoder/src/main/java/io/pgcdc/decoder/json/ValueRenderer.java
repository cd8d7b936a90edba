package io.pgcdc.decoder.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Renders one column value, given as the text pgoutput sends, into a Jackson
 * {@link JsonGenerator} exactly as PostgreSQL's {@code to_json()} renders it (SPEC §3).
 *
 * <p>Input: the UTF-8 text of a {@code 't'} tuple column, in the formats the replication
 * session's settings produce: {@code TimeZone=UTC, DateStyle=ISO, IntervalStyle=postgres,
 * extra_float_digits=3}. NULL ({@code 'n'}) and unchanged-TOAST ({@code 'u'}) columns have no
 * text: the caller writes {@code null} or leaves them out.
 *
 * <table>
 *   <caption>Rendering by type, after domains are resolved to their base type</caption>
 *   <tr><th>type</th><th>text</th><th>JSON</th></tr>
 *   <tr><td>int2/4/8, float4/8, numeric</td><td>{@code 1.50}, {@code NaN}</td>
 *       <td>{@code 1.50} (digit for digit), {@code "NaN"} (any non-JSON number is a string)</td></tr>
 *   <tr><td>bool</td><td>{@code t}</td><td>{@code true}</td></tr>
 *   <tr><td>json, jsonb</td><td>{@code {"a": 1}}</td><td>embedded unchanged</td></tr>
 *   <tr><td>timestamp</td><td>{@code 2026-11-21 22:41:03.5}</td><td>{@code "2026-11-21T22:41:03.5"}</td></tr>
 *   <tr><td>timestamptz</td><td>{@code 0044-03-15 12:00:00+00 BC}</td><td>{@code "0044-03-15T12:00:00+00:00 BC"}</td></tr>
 *   <tr><td>arrays</td><td>{@code [0:1]={NULL,"a\"b"}}</td><td>{@code [null,"a\"b"]} (bounds dropped)</td></tr>
 *   <tr><td>composites</td><td>{@code (1,"x y",)}</td><td>{@code {"a":1,"b":"x y","c":null}}</td></tr>
 *   <tr><td>hstore (extension)</td><td>{@code "a"=>"1", "b"=>NULL}</td>
 *       <td>{@code {"a": "1", "b": null}} (its cast to json, with spaces)</td></tr>
 *   <tr><td>int2vector, oidvector</td><td>{@code 1 2}</td><td>{@code [1,2]} / {@code ["1","2"]}</td></tr>
 *   <tr><td>everything else (text, date, time, interval, uuid, bytea, money, inet, enums, ranges...)</td>
 *       <td>{@code a"b}</td><td>{@code "a\"b"}, escaped like {@code escape_json()}</td></tr>
 * </table>
 *
 * <p>Malformed text never throws: a value whose text does not have its type's shape (garbage
 * in a bool, a timestamp without a time, an array with an unterminated quote) is written as a
 * JSON string of its text, the way {@code to_json()} treats every non-number in a number
 * column, and counted in {@link #fallbacks()}. The JSON written is always well formed: arrays
 * and composites are checked before their first byte is written, so a fallback replaces only
 * the malformed level. Only the generator's own {@link IOException} escapes. Bytes that are
 * not well-formed UTF-8 (only a SQL_ASCII database can send them) become U+FFFD in strings.
 *
 * <p>The generator must be byte-based (created from an {@code OutputStream} or
 * {@code DataOutput}, i.e. Jackson's {@code UTF8JsonGenerator}): strings are written with
 * {@link JsonGenerator#writeRawUTF8String} after escaping them the way PostgreSQL does.
 *
 * <p>Allocation: none per value in the steady state; scratch buffers grow to the largest value
 * seen and are kept. Threading: not thread-safe (it owns scratch buffers); use one per thread.
 * The {@link TypeRegistry} may be shared and updated concurrently.
 */
public final class ValueRenderer {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final TypeRegistry types;
  private final RawSlice raw = new RawSlice();
  private final Arena arena = new Arena();
  private final ArrayTextWalker arrays = new ArrayTextWalker(this, arena);
  private final CompositeTextWalker composites = new CompositeTextWalker(this, arena);
  /** Leaf output: escaped strings, rewritten timestamps, hstore objects. */
  private byte[] out = new byte[512];
  private long fallbacks;
  private long compositeMismatches;

  public ValueRenderer(TypeRegistry types) {
    this.types = types;
  }

  /**
   * Writes one value (the text of a {@code 't'} column) as the generator's next value.
   *
   * @param typeOid the column's type OID (from the Relation message)
   * @param buf the bytes holding the text (UTF-8)
   * @param off where the text starts
   * @param len how many bytes it has
   * @throws IOException only when the generator does
   */
  public void write(JsonGenerator g, int typeOid, byte[] buf, int off, int len)
      throws IOException {
    arena.top(0);
    render(g, types.rendering(typeOid), buf, off, len);
  }

  /**
   * Writes a value that arrived in binary form (tuple kind {@code 'b'}), which pgcdc never
   * requests (it streams in text mode, so the server sends {@code 'b'} only if the
   * {@code binary} option were set). Binary formats are per type and not decoded here: the bytes
   * are written as a bytea-style string {@code "\\x0a1b..."} — exactly {@code to_json()}'s
   * output for bytea, a documented stand-in for other types (counted in {@link #fallbacks()}).
   */
  public void writeBinary(JsonGenerator g, int typeOid, byte[] buf, int off, int len)
      throws IOException {
    if (typeOid != BuiltinTypes.BYTEA) {
      fallbacks++;
    }
    byte[] o = ensureOut(3 + 2 * len);
    o[0] = '\\';
    o[1] = '\\';
    o[2] = 'x';
    int n = 3;
    for (int i = off, end = off + len; i < end; i++) {
      o[n++] = HEX[(buf[i] >> 4) & 0xF];
      o[n++] = HEX[buf[i] & 0xF];
    }
    g.writeRawUTF8String(o, 0, n);
  }

  /**
   * How many values so far were malformed for their type and written as strings instead.
   * Written by the owning thread only; another thread (a metrics reporter) may read a
   * slightly stale count.
   */
  public long fallbacks() {
    return fallbacks;
  }

  /**
   * How many composite values so far did not have the shape of their type's attributes (a field
   * count that differs, or text that is not record_out's), and went out as strings. A value of a
   * type altered since it was registered ({@code ALTER TYPE ... ADD ATTRIBUTE}) is one: pgoutput
   * does not say when a composite type changes, so the caller may register the type again and
   * render once more. Same threading as {@link #fallbacks()}.
   */
  public long compositeMismatches() {
    return compositeMismatches;
  }

  /** Renders one value or element; the walkers call back here for nested values. */
  void render(JsonGenerator g, Rendering r, byte[] b, int off, int len) throws IOException {
    switch (r.kind) {
      case NUMBER -> number(g, b, off, len);
      case BOOLEAN -> bool(g, b, off, len);
      case STRING -> string(g, b, off, len);
      case JSON -> g.writeRawValue(raw.wrap(b, off, len));
      case TIMESTAMP -> timestamp(g, b, off, len, false);
      case TIMESTAMPTZ -> timestamp(g, b, off, len, true);
      case ARRAY -> checked(g, arrays.write(g, r, b, off, len), b, off, len);
      case VECTOR -> checked(g, arrays.writeVector(g, r, b, off, len), b, off, len);
      case COMPOSITE -> composite(g, r, b, off, len);
      case HSTORE -> hstore(g, b, off, len);
    }
  }

  private void number(JsonGenerator g, byte[] b, int off, int len) throws IOException {
    if (JsonNumberSyntax.isNumber(b, off, len)) {
      g.writeRawValue(raw.wrap(b, off, len));
    } else if (JsonNumberSyntax.isSpecialFloat(b, off, len)) {
      string(g, b, off, len);
    } else {
      fallback(g, b, off, len);
    }
  }

  private void bool(JsonGenerator g, byte[] b, int off, int len) throws IOException {
    if (len == 1 && b[off] == 't') {
      g.writeBoolean(true);
    } else if (len == 1 && b[off] == 'f') {
      g.writeBoolean(false);
    } else {
      fallback(g, b, off, len);
    }
  }

  private void string(JsonGenerator g, byte[] b, int off, int len) throws IOException {
    if (!PgJsonEscaper.needsEscaping(b, off, len)) {
      g.writeRawUTF8String(b, off, len);
      return;
    }
    int n = PgJsonEscaper.escape(b, off, len, ensureOut(len * PgJsonEscaper.MAX_EXPANSION), 0);
    g.writeRawUTF8String(out, 0, n);
  }

  /**
   * {@code to_json()} prints timestamps with {@code USE_XSD_DATES}: ISO text with {@code 'T'}
   * instead of the space, and (timestamptz) an offset that always has minutes. Infinite values
   * ({@code infinity}, {@code -infinity}) and the {@code " BC"} suffix are the same in both.
   */
  private void timestamp(JsonGenerator g, byte[] b, int off, int len, boolean withZone)
      throws IOException {
    int space = indexOf(b, off, off + len, (byte) ' ');
    if (space < 0) {
      if (DateTimeText.isInfinity(b, off, len)) {
        g.writeRawUTF8String(b, off, len);
      } else {
        fallback(g, b, off, len);
      }
      return;
    }
    int n = withZone
        ? DateTimeText.isoZoned(b, off, len, space - off, ensureOut(len + 3))
        : DateTimeText.iso(b, off, len, space - off, ensureOut(len));
    if (n < 0) {
      fallback(g, b, off, len);
    } else {
      g.writeRawUTF8String(out, 0, n);
    }
  }

  private void hstore(JsonGenerator g, byte[] b, int off, int len) throws IOException {
    int n = HstoreText.toJson(b, off, len, ensureOut(HstoreText.maxOutput(len)));
    if (n < 0) {
      fallback(g, b, off, len);
    } else {
      g.writeRawValue(raw.wrap(out, 0, n));
    }
  }

  private void composite(JsonGenerator g, Rendering r, byte[] b, int off, int len) throws IOException {
    if (!composites.write(g, r, b, off, len)) {
      compositeMismatches++;
      fallback(g, b, off, len);
    }
  }

  /** A walker writes nothing when the text is malformed; then the text goes out as a string. */
  private void checked(JsonGenerator g, boolean written, byte[] b, int off, int len)
      throws IOException {
    if (!written) {
      fallback(g, b, off, len);
    }
  }

  private void fallback(JsonGenerator g, byte[] b, int off, int len) throws IOException {
    fallbacks++;
    string(g, b, off, len);
  }

  private byte[] ensureOut(int capacity) {
    if (out.length < capacity) {
      out = Arrays.copyOf(out, Math.max(capacity, out.length * 2));
    }
    return out;
  }

  private static int indexOf(byte[] b, int from, int end, byte c) {
    for (int i = from; i < end; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
