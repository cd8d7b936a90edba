package io.pgcdc.perf.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A virtual host of its own for the live phase, created and deleted with {@code rabbitmqctl}
 * (AMQP cannot create vhosts; the management plugin may be off). RabbitMQ keeps a message store
 * per vhost, so (d) in its own vhost does not share one with the backlog phases' queues and their
 * clean-up. When {@code rabbitmqctl} is missing or not allowed (not root, no Erlang cookie), the
 * URI's own vhost is used and {@link #isolated()} says so. Main thread.
 */
final class RabbitVhost implements AutoCloseable {

  private static final long TIMEOUT_SECONDS = 60;

  private final String name;
  private final String uri;
  private final boolean isolated;
  private final String note;

  private RabbitVhost(String name, String uri, boolean isolated, String note) {
    this.name = name;
    this.uri = uri;
    this.isolated = isolated;
    this.note = note;
  }

  /** Creates {@code name} with full permissions for the URI's user; falls back to the URI's vhost. */
  static RabbitVhost create(String baseUri, String name) {
    String user = user(baseUri);
    String failed = run("add_vhost", name);
    if (failed == null) {
      failed = run("set_permissions", "-p", name, user, ".*", ".*", ".*");
      if (failed != null) {
        run("delete_vhost", name);
      }
    }
    if (failed != null) {
      return new RabbitVhost(name, baseUri, false, "own vhost not created (" + failed + "); (d) uses the URI's vhost");
    }
    return new RabbitVhost(name, withVhost(baseUri, name), true, "vhost " + name);
  }

  /** The URI's own vhost, shared with the backlog phases (nothing to create or delete). */
  static RabbitVhost shared(String uri) {
    return new RabbitVhost("", uri, false, "the URI's vhost (shared with the backlog phases)");
  }

  /** The AMQP URI with its path replaced by {@code vhost} (URL-encoded). */
  static String withVhost(String uri, String vhost) {
    URI u = URI.create(uri);
    String base = u.getScheme() + "://" + u.getRawAuthority();
    return base + "/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8);
  }

  static String user(String uri) {
    String info = URI.create(uri).getUserInfo();
    if (info == null) {
      return "guest";
    }
    int colon = info.indexOf(':');
    return colon < 0 ? info : info.substring(0, colon);
  }

  String uri() {
    return uri;
  }

  boolean isolated() {
    return isolated;
  }

  /** What the live phase runs in, for the log and the report. */
  String note() {
    return note;
  }

  /** Deletes the vhost (and everything in it) when this created it; never throws. */
  @Override
  public void close() {
    if (isolated) {
      String failed = run("delete_vhost", name);
      if (failed != null) {
        System.err.println("bench: could not delete vhost " + name + " (rabbitmqctl delete_vhost " + name + "): "
            + failed);
      }
    }
  }

  /**
   * Runs {@code rabbitmqctl args}; null on success, else why not. Its output goes to a file read
   * after the wait, so a hung rabbitmqctl hits the timeout instead of blocking a pipe read.
   */
  private static String run(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("rabbitmqctl", "-q"));
    cmd.addAll(List.of(args));
    Path log = null;
    try {
      log = Files.createTempFile("pgcdc-bench-rabbitmqctl", ".log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "rabbitmqctl " + args[0] + " timed out";
      }
      String out = Files.readString(log, StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 ? null : "rabbitmqctl " + args[0] + " exited " + p.exitValue() + ": " + out;
    } catch (java.io.IOException e) {
      return "rabbitmqctl not runnable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } finally {
      if (log != null) {
        try {
          Files.deleteIfExists(log);
        } catch (java.io.IOException ignored) {
          // a temp file left in /tmp is harmless
        }
      }
    }
  }
}
