package io.pgcdc.engine.encode;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.PgTimestamp;
import io.pgcdc.decoder.Relation;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.RingEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one Jackson generator of the encode stage and the fields every event starts with:
 *
 * <pre>
 *   {"id":"&lt;slot&gt;/&lt;commit LSN&gt;/&lt;ordinal&gt;","op":"U","schema":"public","table":"users",
 *    "lsn":"0/16B3748","commit_lsn":"0/16B37A0","xid":745,"commit_ts":"...Z","ordinal":0, ...
 * </pre>
 *
 * LSNs, ids and timestamps are formatted into scratch arrays and written as raw UTF-8 strings:
 * nothing is allocated per event. What is the same for every event of a transaction (the id's
 * {@code <slot>/<commit LSN>/} head, {@code commit_lsn}, {@code commit_ts}) is formatted once per
 * transaction: {@code commit_ts} alone was ~9 % of the encode stage's CPU (perf/README.md, "Pipeline
 * without I/O"). {@link #begin} points the generator at the event's outbox;
 * {@link #end} flushes the generator into it, closing the message.
 *
 * <p>Threading: encode thread only.
 */
final class EnvelopeWriter {
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString OP = new SerializedString("op");
  private static final SerializedString SCHEMA = new SerializedString("schema");
  private static final SerializedString TABLE = new SerializedString("table");
  private static final SerializedString LSN = new SerializedString("lsn");
  private static final SerializedString COMMIT_LSN = new SerializedString("commit_lsn");
  private static final SerializedString XID = new SerializedString("xid");
  private static final SerializedString COMMIT_TS = new SerializedString("commit_ts");
  private static final SerializedString ORDINAL = new SerializedString("ordinal");
  private static final String OPS = "IUDTMSR";
  private static final int MAX_INT_DIGITS = 10;
  private static final String[] OP_TEXT = {"I", "U", "D", "T", "M", "S", "R"};

  private final OutboxStream stream = new OutboxStream();
  private final JsonGenerator g;
  private final byte[] idPrefix;
  private final byte[] scratch;
  /** {@code <slot>/<commit LSN>/} of {@link #headLsn}, then room for an ordinal's digits. */
  private final byte[] idHead;
  private int idHeadLength;
  private long headLsn;
  /** {@code commit_ts} text of {@link #tsMicros} (0: none formatted yet; 0 is never written as a time). */
  private final byte[] commitTs = new byte[PgTimestamp.ISO_LENGTH];
  private long tsMicros;

  EnvelopeWriter(String slot) {
    this.idPrefix = (slot + "/").getBytes(StandardCharsets.UTF_8);
    this.scratch = new byte[Lsn.MAX_TEXT_LENGTH];
    this.idHead = new byte[idPrefix.length + Lsn.MAX_TEXT_LENGTH + 1 + MAX_INT_DIGITS];
    try {
      this.g = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a JSON generator", e);
    }
    // Messages are separate JSON documents; no separator between them.
    g.setRootValueSeparator(null);
  }

  JsonGenerator generator() {
    return g;
  }

  /** Starts message {@code ordinal} of {@code out} and opens its JSON object. */
  void begin(Outbox out, String routingKey, byte op, int ordinal) throws IOException {
    stream.target(out);
    out.beginMessage(routingKey, op, ordinal);
    g.writeStartObject();
  }

  /** Closes the JSON object and the message. */
  void end(Outbox out) throws IOException {
    g.writeEndObject();
    g.flush();
    out.endMessage();
  }

  /** Flushes what the generator buffered, so {@link Outbox#position()} is exact. */
  void flush() throws IOException {
    g.flush();
  }

  /** {@code "id"} of a change: {@code <slot>/<commit LSN>/<ordinal>}. */
  void id(long commitLsn, int ordinal) throws IOException {
    head(commitLsn);
    int p = writeDecimal(ordinal, idHead, idHeadLength);
    g.writeFieldName(ID);
    g.writeRawUTF8String(idHead, 0, p);
  }

  /** Makes {@link #idHead} {@code <slot>/<commitLsn>/} unless it already is. */
  private void head(long commitLsn) {
    if (idHeadLength == 0 || headLsn != commitLsn) {
      System.arraycopy(idPrefix, 0, idHead, 0, idPrefix.length);
      int p = Lsn.write(commitLsn, idHead, idPrefix.length);
      idHead[p++] = '/';
      idHeadLength = p;
      headLsn = commitLsn;
    }
  }

  /** {@code "id"} of a schema event: {@code <slot>/<commit LSN>/<routing key>} (rare: may allocate). */
  void id(long commitLsn, String suffix) throws IOException {
    g.writeFieldName(ID);
    g.writeString(new String(idPrefix, StandardCharsets.UTF_8) + Lsn.format(commitLsn) + "/" + suffix);
  }

  /** The fields after "id", in SPEC order; {@code relation} null for logical messages. */
  void common(RingEvent event, byte op, Relation relation, int ordinal, boolean hasCommitTime) throws IOException {
    g.writeFieldName(OP);
    g.writeString(OP_TEXT[OPS.indexOf(op)]);
    if (relation != null) {
      g.writeFieldName(SCHEMA);
      g.writeString(relation.namespace());
      g.writeFieldName(TABLE);
      g.writeString(relation.name());
    }
    g.writeFieldName(LSN);
    g.writeRawUTF8String(scratch, 0, Lsn.write(event.walStart(), scratch, 0));
    g.writeFieldName(COMMIT_LSN);
    head(event.commitLsn());
    g.writeRawUTF8String(idHead, idPrefix.length, idHeadLength - 1 - idPrefix.length);
    g.writeFieldName(XID);
    g.writeNumber(event.xid());
    g.writeFieldName(COMMIT_TS);
    long micros = event.commitMicros();
    if (hasCommitTime && micros != 0) {
      if (micros != tsMicros) {
        PgTimestamp.format(micros, commitTs, 0);
        tsMicros = micros;
      }
      g.writeRawUTF8String(commitTs, 0, PgTimestamp.ISO_LENGTH);
    } else {
      g.writeNull();
    }
    g.writeFieldName(ORDINAL);
    g.writeNumber(ordinal);
  }

  private static int writeDecimal(int value, byte[] dst, int offset) {
    int digits = 1;
    for (int v = value; v >= 10; v /= 10) {
      digits++;
    }
    for (int i = offset + digits - 1; i >= offset; i--) {
      dst[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return offset + digits;
  }
}
