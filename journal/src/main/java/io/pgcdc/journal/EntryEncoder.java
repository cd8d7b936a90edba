package io.pgcdc.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Writes one entry in {@link JournalEntryCodec}'s layout with two copies into the mapped file: the
 * fixed fields, texts and headers are first encoded into a reused heap array, then that array and
 * the body go out with one {@code write} each.
 *
 * <p>Why: writing field by field into Chronicle's mapped {@link Bytes} pays a bounds and state check
 * per call (about 40 calls, and one per character of every text), which made an append cost about
 * twice a raw copy of the same bytes (perf/README.md, "Journal"). Plain array stores are what the
 * JIT does best; the mapped file then sees two bulk copies.
 *
 * <p>The bytes are exactly what Chronicle's own {@code writeByte/writeInt/writeLong/writeUtf8}
 * produce (native byte order; a stop-bit length and then each {@code char} as 1, 2 or 3 bytes,
 * surrogates each on their own, the way Chronicle's {@code readUtf8} reads them back), so the
 * reader is unchanged. {@code EntryEncoderTest} checks this against Chronicle byte for byte.
 *
 * <p>Threading: the appending thread only (one per {@link JournalAppender}). Allocates only when
 * an entry's framing outgrows every earlier one.
 */
final class EntryEncoder {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  /** Longest stop-bit length prefix of an int, plus room for the longest value written without a check. */
  private static final int MAX_STOP_BIT_BYTES = 5;

  private byte[] buf = new byte[512];
  private int pos;

  /**
   * Appends {@code r} at {@code out}'s write position.
   *
   * @param highWaterLsn the highest commit LSN of {@code r} and of every entry before it in the
   *     journal (see {@link JournalEntryCodec})
   */
  void write(Bytes<?> out, JournalRecord r, long highWaterLsn) {
    pos = 0;
    ensure(JournalEntryCodec.FIXED_LENGTH);
    byte[] b = buf;
    b[0] = JournalEntryCodec.VERSION;
    b[1] = r.opByte();
    b[2] = (byte) r.headerCount();
    b[3] = 0;
    INT.set(b, JournalEntryCodec.OFFSET_ORDINAL, r.ordinal());
    LONG.set(b, JournalEntryCodec.OFFSET_LSN, r.lsn());
    LONG.set(b, JournalEntryCodec.OFFSET_COMMIT_LSN, r.commitLsn());
    LONG.set(b, 24, r.xid());
    LONG.set(b, 32, r.epoch());
    LONG.set(b, 40, r.commitTimeMicros());
    LONG.set(b, JournalEntryCodec.OFFSET_HIGH_WATER, highWaterLsn);
    pos = JournalEntryCodec.FIXED_LENGTH;
    text(r.messageId());
    text(r.contentType());
    text(r.routingKey());
    for (int i = 0, n = r.headerCount(); i < n; i++) {
      byte type = r.headerType(i);
      text(r.headerName(i));
      ensure(1 + Long.BYTES);
      buf[pos++] = type;
      switch (type) {
        case JournalRecord.HEADER_STRING -> text(r.headerString(i));
        case JournalRecord.HEADER_INT -> {
          INT.set(buf, pos, (int) r.headerLong(i));
          pos += Integer.BYTES;
        }
        default -> {
          LONG.set(buf, pos, r.headerLong(i));
          pos += Long.BYTES;
        }
      }
    }
    ensure(Integer.BYTES);
    INT.set(buf, pos, r.bodyLength());
    pos += Integer.BYTES;
    out.write(buf, 0, pos);
    out.write(r.body(), r.bodyOffset(), r.bodyLength());
  }

  /** Stop-bit length of the encoded text, then its chars as Chronicle encodes them. */
  private void text(CharSequence s) {
    int chars = s.length();
    if (chars < 0x80) {
      // The usual case (ids, LSNs, header names): short ASCII, one pass with a one-byte length.
      ensure(1 + chars);
      byte[] b = buf;
      int p = pos + 1;
      for (int i = 0; i < chars; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          anyText(s);
          return;
        }
        b[p++] = (byte) c;
      }
      b[pos] = (byte) chars;
      pos = p;
      return;
    }
    anyText(s);
  }

  /** {@link #text} for any length and content: counts the encoded bytes first, then writes. */
  private void anyText(CharSequence s) {
    int chars = s.length();
    int bytes = 0;
    boolean ascii = true;
    for (int i = 0; i < chars; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else {
        ascii = false;
        bytes += c < 0x800 ? 2 : 3;
      }
    }
    ensure(MAX_STOP_BIT_BYTES + bytes);
    byte[] b = buf;
    int p = pos;
    int n = bytes;
    while ((n & ~0x7F) != 0) {
      b[p++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    b[p++] = (byte) n;
    if (ascii) {
      for (int i = 0; i < chars; i++) {
        b[p++] = (byte) s.charAt(i);
      }
    } else {
      for (int i = 0; i < chars; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          b[p++] = (byte) c;
        } else if (c < 0x800) {
          b[p++] = (byte) (0xC0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        } else {
          b[p++] = (byte) (0xE0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        }
      }
    }
    pos = p;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }
}
