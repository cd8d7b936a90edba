package io.pgcdc.engine.ops;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.pgcdc.decoder.Lsn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code GET /health}: one JSON object, {@code 200} when healthy, {@code 503} otherwise.
 *
 * <pre>
 * {"status":"ok","problem":null,"role":"leader","epoch":3,"node_id":"a-1","leader_id":"a-1",
 *  "received_lsn":"0/16B3748","journaled_lsn":"0/16B3748","confirmed_lsn":"0/16B3748",
 *  "flushed_lsn":"0/16B3748","server_lsn":"0/16B37A0","lag_bytes":88,"lag_seconds":0.0,
 *  "ring_occupancy":0,"ring_capacity":65536}
 * </pre>
 *
 * <p>{@code role}: {@code standalone}, {@code leader}, {@code standby}, or {@code suspended} (a
 * leader that lost its ZooKeeper connection: it publishes nothing and answers {@code 503} until
 * the term ends and it stands by). LSNs that are 0 ("none yet") are rendered as {@code null}. Threading: runs on the ops HTTP
 * thread; reads {@link PipelineStatus} only.
 */
final class HealthHandler implements HttpHandler {
  static final int HEALTHY = 200;
  static final int UNHEALTHY = 503;

  private static final JsonFactory JSON = new JsonFactory();

  private final PipelineStatus status;
  private final Clock clock;

  HealthHandler(PipelineStatus status, Clock clock) {
    this.status = status;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      Optional<String> problem = status.problem();
      byte[] body = render(problem);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(problem.isEmpty() ? HEALTHY : UNHEALTHY, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** The JSON document, built from one read of each status field. */
  byte[] render(Optional<String> problem) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", problem.isEmpty() ? "ok" : "unhealthy");
      json.writeStringField("problem", problem.orElse(null));
      json.writeStringField("role", status.role().label());
      json.writeNumberField("epoch", status.epoch());
      json.writeStringField("node_id", status.nodeId());
      json.writeStringField("leader_id", status.leaderId().orElse(null));
      lsn(json, "received_lsn", status.receivedLsn());
      lsn(json, "journaled_lsn", status.journaledLsn());
      lsn(json, "confirmed_lsn", status.confirmedLsn());
      lsn(json, "flushed_lsn", status.flushedLsn());
      lsn(json, "server_lsn", status.serverLsn());
      json.writeNumberField("lag_bytes", Lag.bytes(status));
      json.writeNumberField("lag_seconds", Lag.seconds(status, clock));
      json.writeNumberField("ring_occupancy", status.ringOccupancy());
      json.writeNumberField("ring_capacity", status.ringCapacity());
      long snapshotRows = status.snapshotRows();
      json.writeFieldName("snapshot_rows");
      if (snapshotRows < 0) {
        json.writeNull();
      } else {
        json.writeNumber(snapshotRows);
      }
      json.writeEndObject();
    }
    return bytes.toByteArray();
  }

  private static void lsn(JsonGenerator json, String field, long lsn) throws IOException {
    json.writeStringField(field, lsn == 0 ? null : Lsn.format(lsn));
  }
}
