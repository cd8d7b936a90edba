package io.pgcdc.decoder.json;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Flyweight over bytes that are already valid JSON (a number, a json/jsonb text), handed to
 * {@code JsonGenerator.writeRawValue(SerializableString)}: Jackson then writes the value
 * separator and copies the bytes straight into its output buffer, with no String in between.
 *
 * <p>Only when the bytes do not fit into the rest of Jackson's buffer does Jackson ask for
 * {@link #asUnquotedUTF8()}, which copies (once per buffer-full of output, not per value).
 *
 * <p>Not thread-safe: one per {@link ValueRenderer}, valid only during one write call.
 */
final class RawSlice implements SerializableString {
  private byte[] buffer;
  private int offset;
  private int length;

  RawSlice wrap(byte[] buffer, int offset, int length) {
    this.buffer = buffer;
    this.offset = offset;
    this.length = length;
    return this;
  }

  @Override
  public String getValue() {
    return new String(buffer, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public int charLength() {
    return getValue().length();
  }

  @Override
  public char[] asQuotedChars() {
    return getValue().toCharArray();
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return Arrays.copyOfRange(buffer, offset, offset + length);
  }

  @Override
  public byte[] asQuotedUTF8() {
    return asUnquotedUTF8();
  }

  @Override
  public int appendQuotedUTF8(byte[] target, int at) {
    return appendUnquotedUTF8(target, at);
  }

  @Override
  public int appendQuoted(char[] target, int at) {
    return appendUnquoted(target, at);
  }

  @Override
  public int appendUnquotedUTF8(byte[] target, int at) {
    if (at + length > target.length) {
      return -1;
    }
    System.arraycopy(buffer, offset, target, at, length);
    return length;
  }

  @Override
  public int appendUnquoted(char[] target, int at) {
    String value = getValue();
    if (at + value.length() > target.length) {
      return -1;
    }
    value.getChars(0, value.length(), target, at);
    return value.length();
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) throws IOException {
    return writeUnquotedUTF8(out);
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    out.write(buffer, offset, length);
    return length;
  }

  @Override
  public int putQuotedUTF8(ByteBuffer target) {
    return putUnquotedUTF8(target);
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer target) {
    if (target.remaining() < length) {
      return -1;
    }
    target.put(buffer, offset, length);
    return length;
  }
}
