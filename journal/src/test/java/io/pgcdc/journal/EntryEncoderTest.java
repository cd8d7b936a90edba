package io.pgcdc.journal;

import static org.assertj.core.api.Assertions.assertThat;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The encoder must produce exactly the bytes Chronicle's own field writers produce, because the
 * reader ({@link JournalEntryCodec#read}) and every journal already on disk use Chronicle's format.
 */
class EntryEncoderTest {

  private static final long HIGH_WATER = 0x1_16B4_0000L;

  /** Texts covering 1-, 2- and 3-byte chars, a surrogate pair, and stop-bit lengths of 1 to 3 bytes. */
  private static final String[] TEXTS = {
      "", "a", "public.users", "Åkerfeldt", "日本語のテーブル", "emoji \uD83D\uDE00 here",
      "x".repeat(127), "x".repeat(128), "é".repeat(64), "€".repeat(43), "y".repeat(20_000)};

  @Test
  void writesEveryFieldAsChronicleWritesItSoTheReaderStaysUnchanged() {
    for (String text : TEXTS) {
      JournalRecord r = record(text, new StringBuilder(text));
      assertThat(encoded(r)).as("entry with text of length %d", text.length()).isEqualTo(chronicle(r));
    }
  }

  @Test
  void anEncodedEntryReadsBackFieldForField() {
    JournalRecord r = record("ключ.таблица", new StringBuilder("0/16B3748"));
    Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(256);
    new EntryEncoder().write(bytes, r, HIGH_WATER);
    assertThat(JournalEntryCodec.highWaterLsn(bytes)).isEqualTo(HIGH_WATER);
    JournalRecord back = new JournalRecord();
    JournalEntryCodec.read(bytes, back);
    assertThat(back.toString()).isEqualTo(r.toString());
    assertThat(back.headersAsMap()).isEqualTo(r.headersAsMap());
    assertThat(back.bodyCopy()).isEqualTo(r.bodyCopy());
    assertThat(back.commitTimeMicros()).isEqualTo(r.commitTimeMicros());
  }

  @Test
  void readsAnEntryWrittenBeforeTheHighWaterFieldWithItsCommitLsnAsTheHighWaterMark() {
    JournalRecord r = record("public.users", "0/16B3748");
    Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(256);
    bytes.write(chronicle(r, JournalEntryCodec.VERSION_1));
    assertThat(JournalEntryCodec.highWaterLsn(bytes)).isEqualTo(r.commitLsn());
    JournalRecord back = new JournalRecord();
    JournalEntryCodec.read(bytes, back);
    assertThat(back.toString()).isEqualTo(r.toString());
    assertThat(back.headersAsMap()).isEqualTo(r.headersAsMap());
    assertThat(back.bodyCopy()).isEqualTo(r.bodyCopy());
  }

  @Test
  void reusesItsBufferForSmallerEntriesAfterALargeOne() {
    EntryEncoder encoder = new EntryEncoder();
    Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(256);
    encoder.write(bytes, record("z".repeat(5000), "v"), HIGH_WATER);
    bytes.clear();
    JournalRecord small = record("public.t", "w");
    encoder.write(bytes, small, HIGH_WATER);
    assertThat(bytes.toByteArray()).isEqualTo(chronicle(small));
  }

  private static JournalRecord record(String text, CharSequence headerValue) {
    byte[] body = ("{\"k\":\"" + text + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new JournalRecord().lsn(0x1_16B3_7480L).commitLsn(0x1_16B3_9000L).xid(4711).epoch(3).ordinal(7)
        .commitTimeMicros(1_795_000_000_123_456L).op('U').messageId("slot/1/16B39000/" + text)
        .contentType("application/json").routingKey(text).body(body, 0, body.length)
        .clearHeaders()
        .header("pgcdc-lsn", headerValue)
        .header("pgcdc-xid", 4711)
        .header(text, text)
        .headerInt("pgcdc-events", -5);
  }

  private static byte[] encoded(JournalRecord r) {
    Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(256);
    new EntryEncoder().write(bytes, r, HIGH_WATER);
    return bytes.toByteArray();
  }

  private static byte[] chronicle(JournalRecord r) {
    return chronicle(r, JournalEntryCodec.VERSION);
  }

  /**
   * The layout written with Chronicle's field writers, as the journal did before EntryEncoder;
   * {@link JournalEntryCodec#VERSION_1} leaves out the high-water field, as journals did before it.
   */
  private static byte[] chronicle(JournalRecord r, byte version) {
    Bytes<byte[]> out = Bytes.allocateElasticOnHeap(256);
    out.writeByte(version);
    out.writeByte(r.opByte());
    out.writeByte((byte) r.headerCount());
    out.writeByte((byte) 0);
    out.writeInt(r.ordinal());
    out.writeLong(r.lsn());
    out.writeLong(r.commitLsn());
    out.writeLong(r.xid());
    out.writeLong(r.epoch());
    out.writeLong(r.commitTimeMicros());
    if (version != JournalEntryCodec.VERSION_1) {
      out.writeLong(HIGH_WATER);
    }
    utf8(out, r.messageId());
    utf8(out, r.contentType());
    utf8(out, r.routingKey());
    for (int i = 0; i < r.headerCount(); i++) {
      utf8(out, r.headerName(i));
      out.writeByte(r.headerType(i));
      switch (r.headerType(i)) {
        case JournalRecord.HEADER_STRING -> utf8(out, r.headerString(i));
        case JournalRecord.HEADER_INT -> out.writeInt((int) r.headerLong(i));
        default -> out.writeLong(r.headerLong(i));
      }
    }
    out.writeInt(r.bodyLength());
    out.write(r.body(), r.bodyOffset(), r.bodyLength());
    return out.toByteArray();
  }

  private static void utf8(Bytes<?> out, CharSequence text) {
    if (text instanceof String s) {
      out.writeUtf8(s);
    } else {
      out.writeUtf8(text);
    }
  }
}
