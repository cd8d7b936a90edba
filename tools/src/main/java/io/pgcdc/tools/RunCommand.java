package io.pgcdc.tools;

import io.pgcdc.engine.Node;
import io.pgcdc.engine.NodeStatus;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.ops.OpsServer;
import io.pgcdc.engine.ops.PipelineMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pgcdc run --config FILE}: runs a node until SIGTERM/SIGINT, then stops cleanly (drain the
 * ring, final status update to PostgreSQL, close broker and journal) before the JVM exits; a cluster
 * leader drains before it releases leadership, for at most what is left of its lease.
 *
 * <p>Exit: 0 after a signal-initiated stop; 1 with one line on stderr when the node cannot start
 * or its pipeline stopped on an error (lost slot, unroutable message, ...).
 *
 * <p>Threads: the command's thread waits for the node to terminate; the JVM's shutdown hook
 * closes the node and waits until the command's thread has finished.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a pgcdc node (standalone, or a cluster member when the config has a cluster section).")
public final class RunCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    PgcdcConfig c = config.load();
    PipelineMetrics metrics = PipelineMetrics.create();
    NodeStatus status = Node.newStatus(c);
    InetSocketAddress listen = new InetSocketAddress(c.metrics().host(), c.metrics().port());
    CountDownLatch finished = new CountDownLatch(1);
    try (OpsServer ops = startOps(listen, metrics, status)) {
      Node node;
      try {
        node = Node.start(c, metrics, status, ops.address());
      } catch (PipelineException e) {
        throw new UserException(e.getMessage(), e);
      }
      Thread hook = new Thread(() -> {
        node.close();
        awaitQuietly(finished);
      }, "pgcdc-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        node.terminated().get();
        return 0;
      } catch (ExecutionException e) {
        node.close();
        throw new UserException(e.getCause().getMessage(), e.getCause());
      }
    } finally {
      finished.countDown();
    }
  }

  private static OpsServer startOps(InetSocketAddress listen, PipelineMetrics metrics, NodeStatus status) {
    try {
      return OpsServer.start(listen, metrics, status);
    } catch (IOException e) {
      // OpsServer's message is already the one line for the user (address and the key to change).
      throw new UserException(e.getMessage(), e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
