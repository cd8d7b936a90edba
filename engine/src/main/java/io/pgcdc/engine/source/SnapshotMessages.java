package io.pgcdc.engine.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the pgoutput messages of an initial snapshot (protocol v1 layout, big-endian), so the ring's
 * stages see the snapshot as one ordinary transaction: Begin, a Relation per table, an Insert per
 * row, Commit. A row arrives as one line of {@code COPY ... TO STDOUT} text format and is
 * unescaped straight into the Insert's tuple data.
 *
 * <pre>
 *   Begin     'B' final_lsn:int64 commit_time:int64 xid:int32
 *   Relation  'R' relid:int32 namespace:cstring name:cstring replident:byte ncols:int16
 *                 { flags:byte (1 = key) name:cstring type_oid:int32 typmod:int32 } * ncols
 *   Insert    'I' relid:int32 'N' ncols:int16 { 'n' | 't' length:int32 text:byte[length] } * ncols
 *   Commit    'C' flags:byte(0) commit_lsn:int64 end_lsn:int64 commit_time:int64
 *
 *   COPY text line:  field \t field ... \n     \N = NULL,  \\ \b \f \n \r \t \v escapes
 * </pre>
 *
 * <p>Not thread-safe: the reader thread's. {@link #bytes()} is valid until the next write.
 */
final class SnapshotMessages {
  private byte[] buf = new byte[1024];
  private int length;

  byte[] bytes() {
    return buf;
  }

  int length() {
    return length;
  }

  void begin(long finalLsn, long commitMicros, int xid) {
    length = 0;
    put((byte) 'B');
    putLong(finalLsn);
    putLong(commitMicros);
    putInt(xid);
  }

  void commit(long commitLsn, long endLsn, long commitMicros) {
    length = 0;
    put((byte) 'C');
    put((byte) 0);
    putLong(commitLsn);
    putLong(endLsn);
    putLong(commitMicros);
  }

  void relation(SnapshotTable table) {
    length = 0;
    put((byte) 'R');
    putInt(table.oid());
    putCString(table.schema());
    putCString(table.name());
    put(table.replicaIdentity());
    putShort(table.columns().size());
    for (SnapshotTable.Column c : table.columns()) {
      put((byte) (c.key() ? 1 : 0));
      putCString(c.name());
      putInt(c.typeOid());
      putInt(c.typmod());
    }
  }

  /**
   * An Insert of {@code table} from one COPY text line ({@code line[0..lineLength)}, with or
   * without its final newline).
   *
   * @throws IllegalArgumentException when the line does not hold exactly the table's columns
   */
  void insert(SnapshotTable table, byte[] line, int lineLength) {
    int end = lineLength > 0 && line[lineLength - 1] == '\n' ? lineLength - 1 : lineLength;
    int columns = table.columns().size();
    length = 0;
    put((byte) 'I');
    putInt(table.oid());
    put((byte) 'N');
    putShort(columns);
    int p = 0;
    for (int c = 0; c < columns; c++) {
      if (c > 0) {
        if (p >= end) {
          throw fieldCount(table, c, line, end);
        }
        p++; // the tab field() stopped at
      }
      p = field(line, p, end);
    }
    if (p != end) {
      throw fieldCount(table, columns + 1, line, end);
    }
  }

  /** Writes the field starting at {@code p}; returns the index of its delimiter (tab) or {@code end}. */
  private int field(byte[] line, int p, int end) {
    if (p + 2 <= end && line[p] == '\\' && line[p + 1] == 'N' && (p + 2 == end || line[p + 2] == '\t')) {
      put((byte) 'n');
      return p + 2;
    }
    put((byte) 't');
    int lengthAt = length;
    putInt(0);
    while (p < end && line[p] != '\t') {
      byte b = line[p++];
      if (b == '\\' && p < end) {
        b = unescape(line[p++]);
      }
      put(b);
    }
    int n = length - lengthAt - 4;
    buf[lengthAt] = (byte) (n >>> 24);
    buf[lengthAt + 1] = (byte) (n >>> 16);
    buf[lengthAt + 2] = (byte) (n >>> 8);
    buf[lengthAt + 3] = (byte) n;
    return p;
  }

  /** COPY TO writes only these escapes (CopyAttributeOutText); any other escaped byte stands for itself. */
  private static byte unescape(byte b) {
    return switch (b) {
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'v' -> 0x0B;
      default -> b;
    };
  }

  private static IllegalArgumentException fieldCount(SnapshotTable table, int field, byte[] line, int end) {
    return new IllegalArgumentException("COPY row of " + table.schema() + "." + table.name() + " does not have "
        + table.columns().size() + " fields: field=" + field + ", line="
        + new String(line, 0, Math.min(end, 200), StandardCharsets.UTF_8));
  }

  private void put(byte b) {
    if (length == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    buf[length++] = b;
  }

  private void putShort(int v) {
    put((byte) (v >>> 8));
    put((byte) v);
  }

  private void putInt(int v) {
    putShort(v >>> 16);
    putShort(v);
  }

  private void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }

  private void putCString(String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      put(b);
    }
    put((byte) 0);
  }
}
