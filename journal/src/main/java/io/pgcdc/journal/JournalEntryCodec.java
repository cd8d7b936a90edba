package io.pgcdc.journal;

import net.openhft.chronicle.bytes.Bytes;

/**
 * Byte layout of one journal entry inside a Chronicle Queue document. Numbers are in Chronicle
 * Bytes' native order (little-endian on x86/ARM); strings are UTF-8 behind a stop-bit length.
 *
 * <pre>
 *  offset  size  field
 *  0       1     format version (2; 1 is still read, see below)
 *  1       1     op (ASCII letter)
 *  2       1     header count (0..16)
 *  3       1     reserved (0)
 *  4       4     ordinal
 *  8       8     lsn
 *  16      8     commit lsn
 *  24      8     xid
 *  32      8     epoch
 *  40      8     commit time (micros since the Unix epoch)
 *  48      8     high-water commit lsn <- read in place by the binary search
 *  56      var   message-id, content-type, routing key     (stop-bit length + UTF-8 each)
 *  ..      var   header x count: name (stop-bit + UTF-8), type 'S'|'l'|'I',
 *                value (stop-bit + UTF-8 | 8-byte long | 4-byte int)
 *  ..      4     body length n
 *  ..      n     body
 * </pre>
 *
 * <p><b>High-water commit LSN</b>: the highest commit LSN of this entry and of every entry appended
 * before it in the same directory (as far as the appender knows it). A directory is not in commit
 * order when a later session re-journals from the slot's confirmed position; this running maximum
 * is, so it is what {@link QueueJournalReader#seek} binary-searches.
 *
 * <p>Version 1 (journals written before the high-water field) has no such field and its variable
 * part starts at 48; it is read as before, with the commit LSN standing in for the high-water
 * mark (a seek in a version-1 directory that rewound can start too late, as it always could).
 *
 * <p>{@link EntryEncoder} writes this layout; this class reads it. Stateless; allocates nothing.
 */
final class JournalEntryCodec {

  static final byte VERSION = 2;
  /** Before the high-water field: read, never written. */
  static final byte VERSION_1 = 1;
  static final int OFFSET_ORDINAL = 4;
  static final int OFFSET_LSN = 8;
  static final int OFFSET_COMMIT_LSN = 16;
  static final int OFFSET_HIGH_WATER = 48;
  static final int FIXED_LENGTH = 56;

  private JournalEntryCodec() {
  }

  /** Reads the entry starting at {@code in.readPosition()} into {@code r}'s own buffers. */
  static void read(Bytes<?> in, JournalRecord r) {
    long start = in.readPosition();
    byte version = in.readByte();
    if (version != VERSION && version != VERSION_1) {
      throw new JournalException("unknown journal entry format: version=" + version
          + " position=" + start + " (written by a newer pgcdc?)");
    }
    r.opByte(in.readByte());
    int headers = in.readUnsignedByte();
    if (headers > JournalRecord.MAX_HEADERS) {
      throw new JournalException("corrupt journal entry: headerCount=" + headers + " max="
          + JournalRecord.MAX_HEADERS + " position=" + start);
    }
    in.readByte();
    r.ordinal(in.readInt());
    r.lsn(in.readLong());
    r.commitLsn(in.readLong());
    r.xid(in.readLong());
    r.epoch(in.readLong());
    r.commitTimeMicros(in.readLong());
    if (version == VERSION) {
      in.readSkip(Long.BYTES); // high-water commit LSN: for seeks, not part of the message
    }
    in.readUtf8(r.ownMessageId());
    in.readUtf8(r.ownContentType());
    in.readUtf8(r.ownRoutingKey());
    r.clearHeaders();
    for (int i = 0; i < headers; i++) {
      in.readUtf8(r.readHeader(i));
      byte type = in.readByte();
      r.readHeaderType(i, type);
      readHeaderValue(in, r, i, type);
    }
    int length = in.readInt();
    in.read(r.ownBody(length), 0, length);
    r.ownedBody(length);
  }

  private static void readHeaderValue(Bytes<?> in, JournalRecord r, int i, byte type) {
    switch (type) {
      case JournalRecord.HEADER_STRING -> in.readUtf8(r.readHeaderString(i));
      case JournalRecord.HEADER_INT -> r.readHeaderLong(i, in.readInt());
      case JournalRecord.HEADER_LONG -> r.readHeaderLong(i, in.readLong());
      default -> throw new JournalException("unknown header type: type=" + type + " header=" + i);
    }
  }

  /**
   * High-water commit LSN of the entry starting at {@code in.readPosition()}, read in place (its
   * commit LSN for a version-1 entry).
   */
  static long highWaterLsn(Bytes<?> in) {
    long start = in.readPosition();
    return in.readByte(start) == VERSION_1 ? in.readLong(start + OFFSET_COMMIT_LSN)
        : in.readLong(start + OFFSET_HIGH_WATER);
  }
}
