package io.pgcdc.ha;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * A Curator client to a cluster's ZooKeeper plus the threads it needs, closed together.
 *
 * <p>Why not a bare {@code CuratorFramework}: Curator 5.9 creates a "SafeNotifyService" executor
 * per client and never shuts it down on {@code close()}; we hand it our own and stop it here.
 *
 * <p>Curator's standard error policy applies: {@code SUSPENDED} and {@code LOST} both count as
 * losing the connection, and a suspension longer than the negotiated session timeout is reported
 * as {@code LOST} even before the server says so.
 */
public final class ZooKeeperConnection implements AutoCloseable {
  private static final int BASE_SLEEP_MS = 200;
  private static final int MAX_RETRIES = 5;
  private static final int MAX_SLEEP_MS = 2_000;

  private final CuratorFramework client;
  private final ExecutorService notifier;

  private ZooKeeperConnection(CuratorFramework client, ExecutorService notifier) {
    this.client = client;
    this.notifier = notifier;
  }

  /** A new, not yet started client; {@code name} labels its notifier thread. */
  public static ZooKeeperConnection create(ClusterConfig config, String name) {
    return create(config, name, event -> { });
  }

  /**
   * As {@link #create(ClusterConfig, String)}, and {@code sessionWatcher} sees every session
   * event (Disconnected, Expired, SyncConnected...) on ZooKeeper's event thread <em>before</em>
   * Curator handles it. That order matters for fencing: on Expired, Curator closes the old handle
   * first, and the server may then delete the session's ephemeral nodes at once.
   */
  public static ZooKeeperConnection create(ClusterConfig config, String name, Watcher sessionWatcher) {
    // Discards what arrives after close(): ZooKeeper's event thread may still fire a watcher
    // then, and a notification to a closed client is meaningless.
    ExecutorService notifier = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "pgcdc-ha-notify-" + name);
          thread.setDaemon(true);
          return thread;
        },
        new ThreadPoolExecutor.DiscardPolicy());
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(config.zookeeper())
        .sessionTimeoutMs(Math.toIntExact(config.sessionTimeout().toMillis()))
        .connectionTimeoutMs(Math.toIntExact(config.connectionTimeout().toMillis()))
        .retryPolicy(new ExponentialBackoffRetry(BASE_SLEEP_MS, MAX_RETRIES, MAX_SLEEP_MS))
        .runSafeService(notifier)
        .zookeeperFactory(new SessionWatchingFactory(sessionWatcher))
        .build();
    return new ZooKeeperConnection(client, notifier);
  }

  public CuratorFramework client() {
    return client;
  }

  /** Creates ZooKeeper handles whose default watcher calls {@code sessionWatcher} first. */
  private record SessionWatchingFactory(Watcher sessionWatcher) implements ZookeeperFactory {
    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
        throws Exception {
      return new ZooKeeper(connectString, sessionTimeout, wrap(watcher), canBeReadOnly);
    }

    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly,
        ZKClientConfig clientConfig) throws Exception {
      return clientConfig == null
          ? newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly)
          : new ZooKeeper(connectString, sessionTimeout, wrap(watcher), canBeReadOnly, clientConfig);
    }

    private Watcher wrap(Watcher curator) {
      return event -> {
        if (event.getType() == Watcher.Event.EventType.None) {
          sessionWatcher.process(event);
        }
        curator.process(event);
      };
    }
  }

  /** Closes the client (its session and ephemeral znodes go with it) and its threads. */
  @Override
  public void close() {
    client.close();
    notifier.shutdown();
    try {
      notifier.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
