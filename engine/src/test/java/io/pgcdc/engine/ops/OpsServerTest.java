package io.pgcdc.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.ha.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OpsServerTest {
  private static final Instant NOW = Instant.parse("2026-11-21T22:00:10Z");

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final FakeStatus status = new FakeStatus();
  private final PipelineMetrics metrics = PipelineMetrics.create();
  private OpsServer server;

  @BeforeEach
  void start() throws IOException {
    server = OpsServer.start(loopback(0), metrics, status, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listensOnAnEphemeralPortWhenAskedForPortZero() {
    assertThat(server.port()).isPositive();
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void healthReportsRoleEpochAndLsnsAsJsonWith200() throws Exception {
    status.role = Role.LEADER;
    status.epoch = 3;
    status.nodeId = "a-1";
    status.leaderId = "a-1";
    status.received = 0x16B37A0L;
    status.journaled = 0x16B37A0L;
    status.confirmed = 0x16B3748L;
    status.flushed = 0x16B3748L;
    status.server = 0x1_0000_00A0L;
    status.ringOccupancy = 7;

    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode json = new ObjectMapper().readTree(response.body());
    assertThat(json.get("status").asText()).isEqualTo("ok");
    assertThat(json.get("problem").isNull()).isTrue();
    assertThat(json.get("role").asText()).isEqualTo("leader");
    assertThat(json.get("epoch").asLong()).isEqualTo(3);
    assertThat(json.get("node_id").asText()).isEqualTo("a-1");
    assertThat(json.get("leader_id").asText()).isEqualTo("a-1");
    assertThat(json.get("received_lsn").asText()).isEqualTo("0/16B37A0");
    assertThat(json.get("journaled_lsn").asText()).isEqualTo("0/16B37A0");
    assertThat(json.get("confirmed_lsn").asText()).isEqualTo("0/16B3748");
    assertThat(json.get("flushed_lsn").asText()).isEqualTo("0/16B3748");
    assertThat(json.get("server_lsn").asText()).isEqualTo("1/A0");
    assertThat(json.get("lag_bytes").asLong()).isEqualTo(0x1_0000_00A0L - 0x16B3748L);
    assertThat(json.get("ring_occupancy").asLong()).isEqualTo(7);
    assertThat(json.get("ring_capacity").asLong()).isEqualTo(1024);
    assertThat(json.get("snapshot_rows").isNull()).as("no snapshot in progress").isTrue();
  }

  @Test
  void healthAndMetricsShowTheProgressOfAnInitialSnapshot() throws Exception {
    status.snapshotRows = 123_456;

    assertThat(new ObjectMapper().readTree(get("/health").body()).get("snapshot_rows").asLong()).isEqualTo(123_456);
    assertThat(get("/metrics").body()).contains("pgcdc_snapshot_rows 123456.0");
    status.snapshotRows = -1;
    assertThat(get("/metrics").body()).contains("pgcdc_snapshot_rows 0.0");
  }

  @Test
  void healthRendersLsnsNotYetKnownAsNull() throws Exception {
    status.role = Role.STANDBY;
    status.leaderId = null;

    JsonNode json = new ObjectMapper().readTree(get("/health").body());

    assertThat(json.get("role").asText()).isEqualTo("standby");
    assertThat(json.get("leader_id").isNull()).isTrue();
    assertThat(json.get("received_lsn").isNull()).isTrue();
    assertThat(json.get("flushed_lsn").isNull()).isTrue();
  }

  @Test
  void healthAnswers503WithTheProblemWhenUnhealthy() throws Exception {
    status.problem = "not connected to PostgreSQL: Connection refused";

    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode json = new ObjectMapper().readTree(response.body());
    assertThat(json.get("status").asText()).isEqualTo("unhealthy");
    assertThat(json.get("problem").asText()).isEqualTo("not connected to PostgreSQL: Connection refused");
  }

  @Test
  void healthRejectsPostWith405() throws Exception {
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(uri("/health")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
  }

  @Test
  void metricsExportCountersInPrometheusTextFormat() throws Exception {
    metrics.events().inc(42);
    metrics.bytes().inc(4200);
    metrics.transactions().inc(40);
    metrics.publishRecoveries().inc(2);
    metrics.publishResent().inc(7);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain"));
    assertThat(response.body())
        .contains("pgcdc_events_total 42.0")
        .contains("pgcdc_bytes_total 4200.0")
        .contains("pgcdc_transactions_total 40.0")
        .contains("pgcdc_publish_recoveries_total 2.0")
        .contains("pgcdc_publish_resent_total 7.0");
  }

  @Test
  void metricsExportLatenciesAsSummariesInSeconds() throws Exception {
    metrics.publishConfirmLatency().update(4, TimeUnit.MILLISECONDS);
    metrics.journalWriteLatency().update(20, TimeUnit.MICROSECONDS);

    String body = get("/metrics").body();

    assertThat(body)
        .contains("pgcdc_publish_confirm_latency{quantile=\"0.99\"} 0.004")
        .contains("pgcdc_publish_confirm_latency_count 1")
        .contains("pgcdc_journal_write_latency{quantile=\"0.5\"} 2.0E-5");
  }

  @Test
  void metricsExportStatusGaugesReadAtScrapeTime() throws Exception {
    status.ringOccupancy = 12;
    status.server = 0x2000;
    status.flushed = 0x1000;
    status.epoch = 5;
    status.oldestPendingCommitMicros = NOW.minusMillis(1500).toEpochMilli() * 1000;

    String body = get("/metrics").body();

    assertThat(body)
        .contains("pgcdc_ring_occupancy 12.0")
        .contains("pgcdc_ring_capacity 1024.0")
        .contains("pgcdc_source_lag_bytes 4096.0")
        .contains("pgcdc_source_lag_seconds 1.5")
        .contains("pgcdc_epoch 5.0")
        .contains("pgcdc_lsn_safety_violations 0.0");

    status.ringOccupancy = 3;
    assertThat(get("/metrics").body()).contains("pgcdc_ring_occupancy 3.0");
  }

  @Test
  void metricsLabelTheCurrentRoleWithOne() throws Exception {
    status.role = Role.STANDBY;

    String body = get("/metrics").body();

    assertThat(body)
        .contains("pgcdc_role_standby 1.0")
        .contains("pgcdc_role_leader 0.0")
        .contains("pgcdc_role_standalone 0.0");
  }

  @Test
  void unknownPathsAnswer404() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/admin").statusCode()).isEqualTo(404);
  }

  @Test
  void busyAddressFailsWithOneLineNamingItAndTheSetting() {
    assertThatThrownBy(() -> OpsServer.start(loopback(server.port()), PipelineMetrics.create(), status))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot listen on 127.0.0.1:" + server.port() + " for /metrics and /health: ")
        .hasMessageContaining("set metrics.listen")
        .hasMessageNotContaining("\n");
  }

  @Test
  void closeStopsServing() {
    server.close();
    assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }
}
