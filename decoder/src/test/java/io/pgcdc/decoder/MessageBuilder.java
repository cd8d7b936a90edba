package io.pgcdc.decoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pgoutput messages by hand, for shapes the fixtures do not have (e.g. very wide tables). */
final class MessageBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static MessageBuilder type(char type) {
    return new MessageBuilder().int8(type);
  }

  MessageBuilder int8(int v) {
    out.write(v);
    return this;
  }

  MessageBuilder int16(int v) {
    return int8(v >>> 8).int8(v);
  }

  MessageBuilder int32(int v) {
    return int16(v >>> 16).int16(v);
  }

  MessageBuilder int64(long v) {
    return int32((int) (v >>> 32)).int32((int) v);
  }

  MessageBuilder string(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    return int8(0);
  }

  MessageBuilder text(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    int8('t').int32(b.length);
    out.writeBytes(b);
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** A Relation message for {@code public.<name>} with {@code columns} text columns, the first the key. */
  static byte[] relation(int id, String name, int columns) {
    MessageBuilder b = type('R').int32(id).string("public").string(name).int8('d').int16(columns);
    for (int i = 0; i < columns; i++) {
      b.int8(i == 0 ? 1 : 0).string("c" + i).int32(25).int32(-1);
    }
    return b.bytes();
  }

  /** An Insert whose column i holds the text {@code "v<i>"}. */
  static byte[] insert(int relationId, int columns) {
    MessageBuilder b = type('I').int32(relationId).int8('N').int16(columns);
    for (int i = 0; i < columns; i++) {
      b.text("v" + i);
    }
    return b.bytes();
  }
}
