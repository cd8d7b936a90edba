package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Flyweight over one {@code TupleData} of an Insert, Update or Delete. Walking the tuple records
 * each column's kind, value offset and value length in preallocated arrays (grown only when a
 * wider table appears), so reading columns allocates nothing and never re-parses.
 *
 * <pre>
 * TupleData: Int16 ncols, then per column:
 *   'n'                         NULL
 *   'u'                         unchanged TOASTed value (not sent)
 *   't' Int32 len, Byte[len]    text value
 *   'b' Int32 len, Byte[len]    binary value (only with the "binary" option)
 * </pre>
 *
 * <p>Valid until the owning {@link PgOutputDecoder} wraps the next message. Single-threaded.
 */
public final class TupleDecoder {
  /** Kind of a NULL column. */
  public static final char NULL = 'n';
  /** Kind of an unchanged TOASTed column: the value was not sent. */
  public static final char UNCHANGED_TOAST = 'u';
  /** Kind of a column in text format. */
  public static final char TEXT = 't';
  /** Kind of a column in binary format. */
  public static final char BINARY = 'b';

  private static final int INITIAL_COLUMNS = 16;

  private byte[] buffer;
  private int columnCount;
  private byte[] kinds = new byte[INITIAL_COLUMNS];
  private int[] offsets = new int[INITIAL_COLUMNS];
  private int[] lengths = new int[INITIAL_COLUMNS];

  /** Instances belong to a {@link PgOutputDecoder}. */
  TupleDecoder() {
  }

  /** Validates and indexes the tuple at the cursor; the relation must have {@code expectedColumns}. */
  void decode(MessageCursor c, int expectedColumns) {
    int countAt = c.position();
    int n = c.int16("tuple column count");
    if (n != expectedColumns) {
      throw c.malformedAt("column count mismatch: tuple has " + n + ", relation has " + expectedColumns, countAt);
    }
    ensureCapacity(n);
    // The hot loop of the decoder: locals instead of cursor calls, one bounds check per field.
    byte[] b = c.buffer();
    byte[] kinds = this.kinds;
    int[] offsets = this.offsets;
    int[] lengths = this.lengths;
    int limit = c.limit();
    int p = c.position();
    for (int i = 0; i < n; i++) {
      if (p >= limit) {
        throw truncated(c, p, 1, "column kind");
      }
      int kind = b[p] & 0xFF;
      kinds[i] = (byte) kind;
      if (kind == TEXT || kind == BINARY) {
        if (limit - p - 1 < 4) {
          throw truncated(c, p + 1, 4, "column value length");
        }
        int len = Bytes.int32(b, p + 1);
        if (len < 0) {
          columnCount = 0;
          throw c.malformedAt("negative length " + len + " for column value length", p + 1);
        }
        p += 5;
        if (limit - p < len) {
          throw truncated(c, p, len, "column value");
        }
        offsets[i] = p;
        lengths[i] = len;
        p += len;
      } else if (kind == NULL || kind == UNCHANGED_TOAST) {
        offsets[i] = -1;
        lengths[i] = 0;
        p++;
      } else {
        columnCount = 0;
        throw c.malformedAt("bad tuple kind 0x" + Integer.toHexString(kind) + " in column " + i, p);
      }
    }
    c.position(p);
    buffer = b;
    columnCount = n;
  }

  /** Leaves the tuple empty; the error names the field at {@code at} and what was left from there. */
  private MalformedMessageException truncated(MessageCursor c, int at, int need, String field) {
    columnCount = 0;
    c.position(at);
    return c.truncated(need, field);
  }

  private void ensureCapacity(int n) {
    if (n > kinds.length) {
      int size = Math.max(n, kinds.length * 2);
      kinds = new byte[size];
      offsets = new int[size];
      lengths = new int[size];
    }
  }

  /** The buffer the values live in (the one passed to {@link PgOutputDecoder#wrap}). */
  public byte[] buffer() {
    return buffer;
  }

  public int columnCount() {
    return columnCount;
  }

  /** {@link #NULL}, {@link #UNCHANGED_TOAST}, {@link #TEXT} or {@link #BINARY}. */
  public char kind(int column) {
    return (char) kinds[Objects.checkIndex(column, columnCount)];
  }

  public boolean isNull(int column) {
    return kind(column) == NULL;
  }

  public boolean isUnchangedToast(int column) {
    return kind(column) == UNCHANGED_TOAST;
  }

  /** True when the column has a value ({@link #TEXT} or {@link #BINARY}). */
  public boolean hasValue(int column) {
    char k = kind(column);
    return k == TEXT || k == BINARY;
  }

  /** Offset of the value's first byte in {@link #buffer()}, -1 for NULL or unchanged TOAST. */
  public int valueOffset(int column) {
    return offsets[Objects.checkIndex(column, columnCount)];
  }

  /** Length of the value in bytes, 0 for NULL or unchanged TOAST. */
  public int valueLength(int column) {
    return lengths[Objects.checkIndex(column, columnCount)];
  }

  /**
   * True when both columns have a value with the same bytes, or both are NULL. Allocation-free;
   * use it for "what changed" between an old and a new tuple. Unchanged TOAST equals nothing.
   */
  public boolean valueEquals(int column, TupleDecoder other, int otherColumn) {
    char k = kind(column);
    char ok = other.kind(otherColumn);
    if (k == NULL || ok == NULL) {
      return k == ok;
    }
    if (k == UNCHANGED_TOAST || ok == UNCHANGED_TOAST || k != ok) {
      return false;
    }
    int off = offsets[column];
    int oOff = other.offsets[otherColumn];
    return Arrays.equals(buffer, off, off + lengths[column], other.buffer, oOff, oOff + other.lengths[otherColumn]);
  }

  /** The value as a UTF-8 string, {@code null} for NULL or unchanged TOAST. Allocates: tests and tools only. */
  public String valueAsString(int column) {
    return hasValue(column) ? new String(buffer, offsets[column], lengths[column], StandardCharsets.UTF_8) : null;
  }
}
