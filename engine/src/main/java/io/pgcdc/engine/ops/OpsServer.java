package io.pgcdc.engine.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP endpoint for operators, on {@code metrics.listen}:
 *
 * <pre>
 *   GET /metrics  -> Prometheus text format: Dropwizard registry -> DropwizardExports -> MetricsHandler
 *   GET /health   -> JSON from PipelineStatus, 200 healthy / 503 not
 *   anything else -> 404
 * </pre>
 *
 * <p>Threading: one daemon thread ({@code pgcdc-ops}) serves every request, one at a time; it
 * only reads metrics and {@link PipelineStatus}. Start once per process, close on shutdown.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

  private final HttpServer http;
  private final ExecutorService executor;

  private OpsServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  /** Starts serving on {@code listen} (port 0 picks a free port, see {@link #port()}). */
  public static OpsServer start(InetSocketAddress listen, PipelineMetrics metrics, PipelineStatus status)
      throws IOException {
    return start(listen, metrics, status, Clock.systemUTC());
  }

  /**
   * As {@link #start(InetSocketAddress, PipelineMetrics, PipelineStatus)}, measuring lag with
   * {@code clock}; also binds the status gauges into {@code metrics}.
   *
   * @throws IOException with a message naming the address when it cannot be bound
   */
  public static OpsServer start(
      InetSocketAddress listen, PipelineMetrics metrics, PipelineStatus status, Clock clock) throws IOException {
    HttpServer http;
    try {
      http = HttpServer.create(listen, 0);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + hostPort(listen) + " for /metrics and /health: " + e.getMessage()
          + "; set metrics.listen (or PGCDC_METRICS_LISTEN) to a free host:port", e);
    }
    metrics.bind(status, clock);
    PrometheusRegistry prometheus = new PrometheusRegistry();
    DropwizardExports.builder().dropwizardRegistry(metrics.registry()).register(prometheus);
    http.createContext("/metrics", new MetricsHandler(prometheus));
    http.createContext("/health", new HealthHandler(status, clock));
    http.createContext("/", OpsServer::notFound);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "pgcdc-ops");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.start();
    OpsServer server = new OpsServer(http, executor);
    LOG.info("ops endpoint listening on http://{}/ (/metrics, /health)", hostPort(server.address()));
    return server;
  }

  /** The bound address; its port is the real one when {@code metrics.listen} asked for port 0. */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** Stops accepting requests and ends the serving thread. Idempotent. */
  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.sendResponseHeaders(404, -1);
    }
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    return host + ":" + address.getPort();
  }
}
