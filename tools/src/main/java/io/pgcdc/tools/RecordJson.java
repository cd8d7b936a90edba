package io.pgcdc.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.journal.JournalRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One journal entry as one JSON line ({@code replay --to stdout}, {@code journal dump}):
 *
 * <pre>
 * {"lsn":"0/16B3748","commit_lsn":"0/16B37A0","xid":745,"epoch":0,"ordinal":0,"op":"U",
 *  "commit_ts":"2026-11-21T22:41:03.123456Z","message_id":"pgcdc_slot/0/16B37A0/0",
 *  "routing_key":"public.users","content_type":"application/json",
 *  "headers":{"pgcdc-lsn":"0/16B3748",...},"body":{...exactly the published bytes...}}
 * </pre>
 *
 * A JSON body is embedded verbatim (its bytes, not a re-rendering: numeric digits stay as they
 * were); any other body, including JSON with malformed UTF-8 in it, is given as
 * {@code "body_base64"}. Single-threaded.
 */
final class RecordJson {
  /** For {@link #isJson}; a JsonFactory is thread-safe. */
  private static final JsonFactory PARSERS = new JsonFactory();

  private final JsonFactory factory = new JsonFactory();
  private final JsonGenerator out;

  RecordJson(Writer writer) throws IOException {
    this.out = factory.createGenerator(writer);
    out.setRootValueSeparator(null);
  }

  void write(JournalRecord r) throws IOException {
    out.writeStartObject();
    out.writeStringField("lsn", Lsn.format(r.lsn()));
    out.writeStringField("commit_lsn", Lsn.format(r.commitLsn()));
    out.writeNumberField("xid", r.xid());
    out.writeNumberField("epoch", r.epoch());
    out.writeNumberField("ordinal", r.ordinal());
    out.writeStringField("op", String.valueOf(r.op()));
    out.writeStringField("commit_ts", commitTime(r.commitTimeMicros()));
    out.writeStringField("message_id", r.messageId().toString());
    out.writeStringField("routing_key", r.routingKey().toString());
    out.writeStringField("content_type", r.contentType().toString());
    writeHeaders(r);
    // Checked as bytes: malformed UTF-8 inside a JSON string would become U+FFFD as a String.
    if (isJson(r.body(), r.bodyOffset(), r.bodyLength())) {
      out.writeFieldName("body");
      out.writeRawValue(new String(r.body(), r.bodyOffset(), r.bodyLength(), StandardCharsets.UTF_8));
    } else {
      out.writeStringField("body_base64",
          Base64.getEncoder().encodeToString(r.bodyCopy()));
    }
    out.writeEndObject();
    out.writeRaw('\n');
    out.flush();
  }

  private void writeHeaders(JournalRecord r) throws IOException {
    out.writeObjectFieldStart("headers");
    for (int i = 0; i < r.headerCount(); i++) {
      String name = r.headerName(i).toString();
      if (r.headerType(i) == JournalRecord.HEADER_STRING) {
        out.writeStringField(name, r.headerString(i).toString());
      } else {
        out.writeNumberField(name, r.headerLong(i));
      }
    }
    out.writeEndObject();
  }

  private static String commitTime(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
        .toString();
  }

  /**
   * Whether {@code bytes[offset, offset + length)} is exactly one JSON value, read as bytes (so
   * malformed UTF-8 is not JSON); streamed, nothing built. Thread-safe.
   */
  static boolean isJson(byte[] bytes, int offset, int length) {
    try (JsonParser parser = PARSERS.createParser(bytes, offset, length)) {
      return oneValue(parser);
    } catch (IOException e) {
      return false;
    }
  }

  /** One value and nothing after it: a lenient tree read would accept {@code {} {}} and drop the rest. */
  private static boolean oneValue(JsonParser parser) throws IOException {
    if (parser.nextToken() == null) {
      return false;
    }
    parser.skipChildren();
    return parser.nextToken() == null;
  }
}
