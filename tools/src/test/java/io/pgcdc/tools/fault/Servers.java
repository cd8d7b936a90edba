package io.pgcdc.tools.fault;

import static org.awaitility.Awaitility.await;

import io.pgcdc.testsupport.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts of the SHARED local servers, for ITs tagged {@code disruptive} only: every other IT on
 * the machine sees these outages. Each method returns once the server answers again; call the
 * {@code ensure*} methods in {@code finally} so a failing test still leaves the server running.
 *
 * <p>Commands: {@code rabbitmqctl stop_app|start_app|await_startup} and
 * {@code pg_ctlcluster --skip-systemctl-redirect 15 main restart|start}. Threading: one test thread.
 */
public final class Servers {
  private static final Logger LOG = LoggerFactory.getLogger(Servers.class);
  private static final Duration BACK = Duration.ofSeconds(90);
  private static final List<String> PG_CTL = List.of("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main");

  private Servers() {}

  /** {@code rabbitmqctl stop_app}: the node stays up, the broker application (and every connection) goes. */
  public static void stopRabbitApp() throws IOException, InterruptedException {
    run("rabbitmqctl", "stop_app");
  }

  /** {@code rabbitmqctl start_app}, then waits until AMQP connections succeed. */
  public static void startRabbitApp() throws IOException, InterruptedException {
    run("rabbitmqctl", "start_app");
    awaitRabbit();
  }

  /** Starts the broker application if it is not running; for {@code finally} blocks. */
  public static void ensureRabbitRunning() throws IOException, InterruptedException {
    if (!rabbitAnswers()) {
      startRabbitApp();
    }
  }

  /** {@code pg_ctlcluster ... restart} (fast shutdown: sessions and walsenders are cut), then waits for connections. */
  public static void restartPostgres() throws IOException, InterruptedException {
    run(concat("restart"));
    awaitPostgres();
  }

  /** Starts PostgreSQL if it does not answer; for {@code finally} blocks. */
  public static void ensurePostgresRunning() throws IOException, InterruptedException {
    if (!postgresAnswers()) {
      run(concat("start"));
      awaitPostgres();
    }
  }

  private static void awaitRabbit() {
    await("RabbitMQ accepts connections").atMost(BACK).pollInterval(Duration.ofMillis(500)).until(Servers::rabbitAnswers);
  }

  private static void awaitPostgres() {
    await("PostgreSQL accepts connections").atMost(BACK).pollInterval(Duration.ofMillis(500))
        .until(Servers::postgresAnswers);
  }

  private static boolean rabbitAnswers() {
    try (com.rabbitmq.client.Connection c = TestServers.rabbitmq().connect()) {
      return c.isOpen();
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean postgresAnswers() {
    try (java.sql.Connection c = TestServers.postgres().connect()) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  private static String[] concat(String action) {
    String[] command = PG_CTL.toArray(new String[PG_CTL.size() + 1]);
    command[PG_CTL.size()] = action;
    return command;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    LOG.warn("disruptive: {}", String.join(" ", command));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read first: a full pipe would block the command. It ends when the command closes its output.
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 120 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + output.strip());
    }
  }
}
