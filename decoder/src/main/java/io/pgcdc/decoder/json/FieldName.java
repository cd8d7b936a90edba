package io.pgcdc.decoder.json;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A composite attribute's name, escaped once, the way {@code escape_json()} escapes it
 * (lower-case <code>&#92;u00xx</code>), so that {@code JsonGenerator.writeFieldName} copies bytes
 * instead of applying Jackson's own (upper-case) escaping to every row.
 *
 * <p>Immutable; thread-safe. In Jackson's terms "quoted" means escaped, without the
 * surrounding double quotes the generator adds itself.
 */
final class FieldName implements SerializableString {
  private final String name;
  private final byte[] escaped;
  private final byte[] plain;

  FieldName(String name) {
    this.name = name;
    this.plain = name.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[plain.length * PgJsonEscaper.MAX_EXPANSION];
    int n = PgJsonEscaper.escape(plain, 0, plain.length, out, 0);
    this.escaped = java.util.Arrays.copyOf(out, n);
  }

  @Override
  public String getValue() {
    return name;
  }

  @Override
  public int charLength() {
    return name.length();
  }

  @Override
  public char[] asQuotedChars() {
    return new String(escaped, StandardCharsets.UTF_8).toCharArray();
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return plain.clone();
  }

  @Override
  public byte[] asQuotedUTF8() {
    return escaped.clone();
  }

  @Override
  public int appendQuotedUTF8(byte[] buffer, int offset) {
    return copy(escaped, buffer, offset);
  }

  @Override
  public int appendQuoted(char[] buffer, int offset) {
    char[] chars = asQuotedChars();
    if (offset + chars.length > buffer.length) {
      return -1;
    }
    System.arraycopy(chars, 0, buffer, offset, chars.length);
    return chars.length;
  }

  @Override
  public int appendUnquotedUTF8(byte[] buffer, int offset) {
    return copy(plain, buffer, offset);
  }

  @Override
  public int appendUnquoted(char[] buffer, int offset) {
    if (offset + name.length() > buffer.length) {
      return -1;
    }
    name.getChars(0, name.length(), buffer, offset);
    return name.length();
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) throws IOException {
    out.write(escaped);
    return escaped.length;
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    out.write(plain);
    return plain.length;
  }

  @Override
  public int putQuotedUTF8(ByteBuffer buffer) {
    return put(escaped, buffer);
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer buffer) {
    return put(plain, buffer);
  }

  @Override
  public String toString() {
    return name;
  }

  private static int copy(byte[] source, byte[] buffer, int offset) {
    if (offset + source.length > buffer.length) {
      return -1;
    }
    System.arraycopy(source, 0, buffer, offset, source.length);
    return source.length;
  }

  private static int put(byte[] source, ByteBuffer buffer) {
    if (buffer.remaining() < source.length) {
      return -1;
    }
    buffer.put(source);
    return source.length;
  }
}
