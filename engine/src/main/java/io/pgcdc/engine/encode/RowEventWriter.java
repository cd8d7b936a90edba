package io.pgcdc.engine.encode;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.pgcdc.decoder.TupleDecoder;
import io.pgcdc.decoder.UpdateDecoder;
import io.pgcdc.decoder.json.ValueRenderer;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.RingEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Insert, update and delete events: {@code key}, {@code before}, {@code after}, {@code diff},
 * {@code unchanged_toast} after the common envelope (SPEC §3).
 *
 * <pre>
 *   op  old tuple   key        before            after          diff
 *   I   -           from new   null              new row        = after
 *   R   -           (as I: a row of the initial snapshot)
 *   U   none (DEFAULT, key unchanged) from new  key only  new row  = after
 *   U   'K' (key changed)   from old   key only   new row        = after
 *   U   'O' (FULL)          from old   whole row  new row        columns that differ from before
 *   D   'K' | 'O'           from old   key | row  null           null
 * </pre>
 *
 * Unchanged TOAST values ('u') are filled from a whole-row before when it has them, otherwise
 * left out of {@code after} and named in {@code unchanged_toast}. When {@code diff} equals
 * {@code after}, its bytes are copied rather than rendered twice.
 *
 * <p>Threading: encode thread only; no allocation per event.
 */
final class RowEventWriter {
  private static final SerializedString KEY = new SerializedString("key");
  private static final SerializedString BEFORE = new SerializedString("before");
  private static final SerializedString AFTER = new SerializedString("after");
  private static final SerializedString DIFF = new SerializedString("diff");
  private static final SerializedString UNCHANGED_TOAST = new SerializedString("unchanged_toast");
  /** Written before a copy of "after"; the copy starts at the ':' Jackson writes before a value. */
  private static final byte[] DIFF_FIELD = ",\"diff\"".getBytes(StandardCharsets.US_ASCII);
  /** PostgreSQL's column limit (MaxHeapAttributeNumber). */
  private static final int MAX_COLUMNS = 1600;

  private final EnvelopeWriter envelope;
  private final JsonGenerator g;
  private final ValueRenderer values;
  private final int[] toast = new int[MAX_COLUMNS];

  RowEventWriter(EnvelopeWriter envelope, ValueRenderer values) {
    this.envelope = envelope;
    this.g = envelope.generator();
    this.values = values;
  }

  /** Writes one row event; {@code old} null when pgoutput sent no old tuple, {@code now} null for deletes. */
  void write(RingEvent event, Outbox out, char op, int ordinal, RelationInfo info, TupleDecoder old, char oldKind,
      TupleDecoder now) throws IOException {
    envelope.begin(out, info.routingKey((byte) op), (byte) op, ordinal);
    envelope.id(event.commitLsn(), ordinal);
    envelope.common(event, (byte) op, info.relation, ordinal, true);

    g.writeFieldName(KEY);
    columns(info, old != null ? old : now, true);

    boolean fullBefore = old != null && oldKind == UpdateDecoder.OLD_ROW;
    g.writeFieldName(BEFORE);
    if (op == 'I' || op == 'R') {
      g.writeNull();
    } else {
      columns(info, old != null ? old : now, !fullBefore);
    }

    int toastCount = 0;
    g.writeFieldName(AFTER);
    if (now == null) {
      g.writeNull();
      g.writeFieldName(DIFF);
      g.writeNull();
    } else {
      envelope.flush();
      int afterStart = out.position();
      toastCount = after(info, now, fullBefore ? old : null);
      envelope.flush();
      int afterEnd = out.position();
      if (fullBefore) {
        g.writeFieldName(DIFF);
        diff(info, now, old);
      } else {
        out.write(DIFF_FIELD, 0, DIFF_FIELD.length);
        out.repeat(afterStart, afterEnd);
      }
    }
    g.writeFieldName(UNCHANGED_TOAST);
    g.writeStartArray();
    for (int t = 0; t < toastCount; t++) {
      g.writeString(info.names[toast[t]]);
    }
    g.writeEndArray();
    envelope.end(out);
  }

  /** Writes "after"; returns how many unchanged TOAST columns it left out (indexes in {@code toast}). */
  private int after(RelationInfo info, TupleDecoder now, TupleDecoder wholeBefore) throws IOException {
    int toastCount = 0;
    g.writeStartObject();
    for (int i = 0; i < now.columnCount(); i++) {
      if (!now.isUnchangedToast(i)) {
        value(info, i, now);
      } else if (wholeBefore != null && !wholeBefore.isUnchangedToast(i)) {
        value(info, i, wholeBefore);
      } else {
        toast[toastCount++] = i;
      }
    }
    g.writeEndObject();
    return toastCount;
  }

  private void diff(RelationInfo info, TupleDecoder now, TupleDecoder before) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < now.columnCount(); i++) {
      if (!now.isUnchangedToast(i) && differs(now, before, i)) {
        value(info, i, now);
      }
    }
    g.writeEndObject();
  }

  private static boolean differs(TupleDecoder now, TupleDecoder before, int i) {
    if (before.isUnchangedToast(i) || now.isNull(i) != before.isNull(i)) {
      return true;
    }
    return !now.isNull(i) && !now.valueEquals(i, before, i);
  }

  private void columns(RelationInfo info, TupleDecoder tuple, boolean keyOnly) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < tuple.columnCount(); i++) {
      if (!keyOnly || info.key[i]) {
        value(info, i, tuple);
      }
    }
    g.writeEndObject();
  }

  private void value(RelationInfo info, int i, TupleDecoder tuple) throws IOException {
    switch (tuple.kind(i)) {
      case TupleDecoder.NULL -> {
        g.writeFieldName(info.names[i]);
        g.writeNull();
      }
      case TupleDecoder.TEXT -> {
        g.writeFieldName(info.names[i]);
        values.write(g, info.relation.column(i).typeOid(), tuple.buffer(), tuple.valueOffset(i), tuple.valueLength(i));
      }
      case TupleDecoder.BINARY -> {
        g.writeFieldName(info.names[i]);
        values.writeBinary(g, info.relation.column(i).typeOid(), tuple.buffer(), tuple.valueOffset(i),
            tuple.valueLength(i));
      }
      default -> {
        // Unchanged TOAST: not invented (SPEC §3); the caller names it in unchanged_toast.
      }
    }
  }
}
