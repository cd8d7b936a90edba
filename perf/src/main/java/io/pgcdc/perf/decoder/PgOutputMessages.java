package io.pgcdc.perf.decoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds pgoutput messages for the benchmarks: the same bytes PostgreSQL would send for a table
 * of eight columns of common types (values as text, as pgcdc requests them). Public for the
 * pipeline benchmark ({@code io.pgcdc.perf.pipeline}), which streams whole transactions of them.
 */
public final class PgOutputMessages {
  static final int RELATION_ID = 16_385;
  static final int XID = 1_234;
  static final String[] COLUMNS = {"id", "email", "amount", "active", "created_at", "attrs", "tags", "ref"};
  /** int8, text, numeric, bool, timestamptz, jsonb, text[], uuid. */
  static final int[] TYPES = {20, 25, 1700, 16, 1184, 3802, 1009, 2950};
  static final String[] VALUES = {
      "4242424242", "mikael.akerfeldt@example.com", "12345.67", "t", "2026-11-21 22:41:03.123456+00",
      "{\"plan\": \"pro\", \"seats\": 12}", "{red,green,\"dark blue\"}", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"};

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private PgOutputMessages(char type) {
    out.write(type);
  }

  private PgOutputMessages int8(int v) {
    out.write(v);
    return this;
  }

  private PgOutputMessages int16(int v) {
    return int8(v >>> 8).int8(v);
  }

  private PgOutputMessages int32(int v) {
    return int16(v >>> 16).int16(v);
  }

  private PgOutputMessages int64(long v) {
    return int32((int) (v >>> 32)).int32((int) v);
  }

  private PgOutputMessages string(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    return int8(0);
  }

  private PgOutputMessages tuple(String[] values) {
    int16(values.length);
    for (String v : values) {
      if (v == null) {
        int8('n');
      } else {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        int8('t').int32(b.length);
        out.writeBytes(b);
      }
    }
    return this;
  }

  private byte[] bytes() {
    return out.toByteArray();
  }

  static byte[] streamStart() {
    return new PgOutputMessages('S').int32(XID).int8(1).bytes();
  }

  public static byte[] relation(boolean inStream) {
    PgOutputMessages m = new PgOutputMessages('R');
    if (inStream) {
      m.int32(XID);
    }
    m.int32(RELATION_ID).string("public").string("accounts").int8('d').int16(COLUMNS.length);
    for (int i = 0; i < COLUMNS.length; i++) {
      m.int8(i == 0 ? 1 : 0).string(COLUMNS[i]).int32(TYPES[i]).int32(i == 2 ? (12 << 16 | 2) + 4 : -1);
    }
    return m.bytes();
  }

  public static byte[] begin() {
    return new PgOutputMessages('B').int64(0x16B3748L).int64(817_080_063_123_456L).int32(XID).bytes();
  }

  public static byte[] commit() {
    return new PgOutputMessages('C').int8(0).int64(0x16B3748L).int64(0x16B37A0L).int64(817_080_063_123_456L).bytes();
  }

  public static byte[] insert(boolean inStream) {
    PgOutputMessages m = new PgOutputMessages('I');
    if (inStream) {
      m.int32(XID);
    }
    return m.int32(RELATION_ID).int8('N').tuple(VALUES).bytes();
  }

  /** Update that changed the key: 'K' tuple (key only) then the new row. */
  static byte[] updateWithKey() {
    String[] key = new String[VALUES.length];
    key[0] = "4242424241";
    return new PgOutputMessages('U').int32(RELATION_ID).int8('K').tuple(key).int8('N').tuple(VALUES).bytes();
  }

  /** Update under REPLICA IDENTITY FULL: 'O' tuple (the old row) then the new row. */
  static byte[] updateFull() {
    return new PgOutputMessages('U').int32(RELATION_ID).int8('O').tuple(VALUES).int8('N').tuple(VALUES).bytes();
  }

  static byte[] delete() {
    String[] key = new String[VALUES.length];
    key[0] = VALUES[0];
    return new PgOutputMessages('D').int32(RELATION_ID).int8('K').tuple(key).bytes();
  }

  static byte[] truncate() {
    return new PgOutputMessages('T').int32(1).int8(3).int32(RELATION_ID).bytes();
  }

  static byte[] logicalMessage() {
    byte[] content = "{\"event\": \"signup\", \"user\": 42}".getBytes(StandardCharsets.UTF_8);
    PgOutputMessages m = new PgOutputMessages('M').int8(1).int64(0x16B3700L).string("app.events").int32(content.length);
    m.out.writeBytes(content);
    return m.bytes();
  }
}
