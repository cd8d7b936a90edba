package io.pgcdc.ha;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.CloseableExecutorService;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a pgcdc cluster: registers itself, contends for leadership, claims an epoch on
 * every win and tells a {@link LeadershipListener} when to start, pause and stop streaming.
 *
 * <p>Fencing: {@link #isLeading(long)} is true only while (1) this node holds the leader mutex
 * in a term that won exactly that epoch, (2) the connection is not suspended, and (3) its
 * <em>lease</em> is fresh: a background read of the epoch znode, sent at time {@code t} and
 * answered with this term's epoch, extends the lease to {@code t + sessionTimeout/2}. ZooKeeper
 * cannot expire the session (and so cannot elect anyone else) before {@code t + sessionTimeout},
 * so a node that was frozen (GC, SIGSTOP) past its session finds its lease lapsed the moment it
 * runs again, before it could learn anything from ZooKeeper, and a node that reads a newer
 * epoch ends its term ({@link RevokeReason#SUPERSEDED}).
 *
 * <p>Threads: Curator's own (connection, events), {@code pgcdc-ha-leader-<id>} (the
 * LeaderSelector's term thread, which claims the epoch and waits for the term to end),
 * {@code pgcdc-ha-lease-<id>} (lease renewal), {@code pgcdc-ha-view-<id>} (refreshes the cached
 * leader and members) and {@code pgcdc-ha-events-<id>} (every listener callback). All of them are stopped by {@link #close()}. Queries are safe from any thread.
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final long VIEW_REFRESH_MILLIS = 1_000;

  private final ClusterConfig config;
  private final Member self;
  private final LeadershipListener listener;
  private final ClusterPaths paths;
  private final ZooKeeperConnection connection;
  private final CuratorFramework client;
  private final EpochStore epochs;
  private final RetiredEpochs retired;
  private final ClusterView view;
  private final ExecutorService events;
  private final ScheduledExecutorService leaseTimer;
  private final ScheduledExecutorService viewTimer;
  private final ExecutorService termThread;
  private final LeaderSelector selector;
  private final PersistentNode registration;

  /** Epoch this node may publish with; 0 while not leading or suspended. */
  private volatile long leadingEpoch;
  /** {@link System#nanoTime()} after which {@link #isLeading} is false until renewed. */
  private volatile long leaseDeadlineNanos;
  /** The running term, null between terms. */
  private volatile Term term;
  /** Epoch of the current or most recent term (0 before the first win). */
  private volatile long lastEpoch;
  private volatile boolean connected;
  /** Set by the first CONNECTED; until then the view thread warns once that ZooKeeper is unreachable. */
  private volatile boolean everConnected;
  private boolean warnedUnreachable;
  private long startedNanos;
  private volatile boolean closed;
  /** Only touched by the term thread. */
  private long failureBackoffMillis;
  private volatile Optional<String> cachedLeader = Optional.empty();
  private volatile List<Member> cachedMembers = List.of();
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * @param config cluster settings; {@code config.nodeId()} must equal {@code self.nodeId()}
   * @param self how other nodes and {@code pgcdc status} see this node
   * @param listener told about leadership changes on the event thread
   */
  public ClusterNode(ClusterConfig config, Member self, LeadershipListener listener) {
    if (!config.nodeId().equals(self.nodeId())) {
      throw new IllegalArgumentException(
          "cluster.node_id=" + config.nodeId() + " but member nodeId=" + self.nodeId());
    }
    this.config = config;
    this.self = self;
    this.listener = listener;
    this.paths = ClusterPaths.of(config.name());
    this.connection = ZooKeeperConnection.create(config, self.nodeId(), this::sessionEvent);
    this.client = connection.client();
    this.epochs = new EpochStore(client, paths.epoch());
    this.retired = new RetiredEpochs(client, paths.retired());
    this.view = new ClusterView(client, paths);
    this.events = Executors.newSingleThreadExecutor(named("pgcdc-ha-events-" + self.nodeId()));
    this.leaseTimer = Executors.newSingleThreadScheduledExecutor(named("pgcdc-ha-lease-" + self.nodeId()));
    this.viewTimer = Executors.newSingleThreadScheduledExecutor(named("pgcdc-ha-view-" + self.nodeId()));
    this.termThread = Executors.newSingleThreadExecutor(named("pgcdc-ha-leader-" + self.nodeId()));
    this.selector = new LeaderSelector(client, paths.leader(), new CloseableExecutorService(termThread, true),
        new Contender(this));
    this.selector.setId(self.nodeId());
    this.selector.autoRequeue();
    this.registration = new PersistentNode(client, CreateMode.EPHEMERAL, false, paths.member(self.nodeId()), self.encode());
  }

  /**
   * Connects, registers and starts contending. Does not wait for ZooKeeper: while it is
   * unreachable the node simply stays {@link Role#STANDBY}.
   */
  public synchronized void start() {
    if (closed || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("cluster node " + self.nodeId() + " already started or closed");
    }
    // Registered before start() so that the first CONNECTED is not missed.
    client.getConnectionStateListenable().addListener((c, state) -> connectionChanged(state));
    startedNanos = System.nanoTime();
    client.start();
    registration.start();
    selector.start();
    long renewMillis = Math.max(100, config.sessionTimeout().toMillis() / 6);
    leaseTimer.scheduleWithFixedDelay(this::renewLease, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    viewTimer.scheduleWithFixedDelay(this::refreshView, 0, VIEW_REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    LOG.info("cluster {}: node {} started (session timeout {} ms)", config.name(), self.nodeId(),
        config.sessionTimeout().toMillis());
  }

  /**
   * True while the term of {@code epoch} lives and is not suspended, whether or not its lease is
   * current ({@link #isLeading} needs both): a lapsed lease is renewed, or the term ends.
   */
  public boolean holds(long epoch) {
    return epoch != 0 && epoch == leadingEpoch;
  }

  /**
   * True while this node may publish messages stamped with {@code epoch}. Two volatile reads and
   * {@link System#nanoTime()}: cheap enough to call for every message.
   */
  public boolean isLeading(long epoch) {
    return epoch != 0 && epoch == leadingEpoch && System.nanoTime() - leaseDeadlineNanos < 0;
  }

  /**
   * {@link Role#LEADER} exactly when {@code isLeading(epoch())}; {@link Role#SUSPENDED} while a
   * term lives on without a ZooKeeper connection; {@link Role#STANDBY} otherwise.
   */
  public Role role() {
    if (isLeading(leadingEpoch)) {
      return Role.LEADER;
    }
    Term current = term;
    return current != null && current.isSuspended() && !current.isEnded() ? Role.SUSPENDED : Role.STANDBY;
  }

  /** Epoch won by the current or most recent term of this node, 0 before its first win. */
  public long epoch() {
    return lastEpoch;
  }

  public String nodeId() {
    return self.nodeId();
  }

  public ClusterConfig config() {
    return config;
  }

  /**
   * The leader's node id: this node's own while it leads, else the holder of the leader mutex as
   * last read (refreshed every second), empty while unknown or ZooKeeper is unreachable. Never
   * blocks: {@code /health} calls it.
   */
  public Optional<String> leaderId() {
    if (role() == Role.LEADER) {
      return Optional.of(self.nodeId());
    }
    return connected ? cachedLeader : Optional.empty();
  }

  /** Registered members as last read (refreshed every second); never blocks. */
  public List<Member> members() {
    return cachedMembers;
  }

  /** The cluster's newest epoch (a ZooKeeper read). */
  public Epoch clusterEpoch() throws Exception {
    return view.epoch();
  }

  /**
   * The lowest epoch whose leader may still own resources outside ZooKeeper (see
   * {@link RetiredEpochs}); 1 when none was ever retired. A ZooKeeper read: call it from the
   * listener's thread, never on the publish path.
   */
  public long retiredBelow() throws Exception {
    return retired.below();
  }

  /**
   * Records that the resources of every epoch below {@code epoch} are gone. Only a leader of
   * {@code epoch} may call it, after removing them; the floor never moves down.
   */
  public void retireBelow(long epoch) throws Exception {
    retired.retireBelow(self.nodeId(), epoch);
  }

  /** The underlying client, for tests that inject faults. */
  CuratorFramework client() {
    return client;
  }

  /**
   * Ends the current term ({@link RevokeReason#CLOSED}, waiting for {@code onRevoked} so that the
   * next leader starts only after this one stopped), deregisters and stops every thread.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (started.get()) {
      // Interrupts the term thread; it runs onRevoked(CLOSED), then LeaderSelector releases the
      // mutex on that same thread. Waiting for the thread to end orders: pipeline stopped, mutex
      // released, session closed.
      selector.close();
      awaitQuietly(termThread, revokeTimeoutMillis() + 5_000);
      closeQuietly(registration);
    } else {
      termThread.shutdownNow();
    }
    leaseTimer.shutdownNow();
    viewTimer.shutdownNow();
    connection.close();
    events.shutdown();
    awaitQuietly(events, 5_000);
    awaitQuietly(leaseTimer, 5_000);
    awaitQuietly(viewTimer, 5_000);
    LOG.info("cluster {}: node {} closed", config.name(), self.nodeId());
  }

  // ---- term lifecycle (called from the leader thread) ----

  /** Body of LeaderSelector's takeLeadership: one term, from epoch claim to onRevoked. */
  void lead() throws Exception {
    if (closed) {
      return;
    }
    long sentNanos = System.nanoTime();
    long epoch = claimEpoch();
    if (epoch < 0) {
      return; // LeaderSelector deletes the stale lock node and queues us again with a fresh one
    }
    Term won = new Term(epoch);
    begin(won, sentNanos);
    try {
      won.awaitEnd();
    } finally {
      finish(won);
    }
    backOffAfter(won);
  }

  /**
   * Increments the epoch if, and only if, the winning lock node is ours <em>and belongs to our
   * current session</em>; -1 otherwise. Curator's mutex can hand leadership to a lock node
   * created by a session that has since been replaced (LOST, then a new session) and that the
   * server has not expired yet, e.g. after a ZooKeeper restart: when the server expires it,
   * another node wins while this one still believes it leads. Measured here: 380 ms with two
   * leaders until the lease check saw the newer epoch. The ownership check prevents the term,
   * and the transaction makes the claim fail if the lock node vanishes before the write.
   */
  private long claimEpoch() throws Exception {
    long session = client.getZookeeperClient().getZooKeeper().getSessionId();
    Optional<ClusterView.LockNode> lock = view.leaderLock();
    if (lock.isEmpty() || lock.get().owner() != session || !lock.get().nodeId().equals(self.nodeId())) {
      LOG.warn("cluster {}: node {} won the mutex with a lock node of an earlier session ({}); contending again",
          config.name(), self.nodeId(), lock.map(ClusterView.LockNode::path).orElse("gone"));
      return -1;
    }
    long epoch = epochs.incrementWhileHolding(self.nodeId(), lock.get().path());
    if (epoch < 0) {
      LOG.warn("cluster {}: node {} lost its lock node {} while claiming an epoch; contending again",
          config.name(), self.nodeId(), lock.get().path());
    }
    return epoch;
  }

  /**
   * After a term whose {@code onElected} failed, keeps the mutex a little before requeueing
   * (500 ms, doubling up to the session timeout): a node that cannot start its pipeline must not
   * spin through elections, burning an epoch and logging an error each time. Other nodes wait at
   * most one session timeout, within the failover budget. A good term resets the backoff.
   */
  private void backOffAfter(Term ended) throws InterruptedException {
    if (ended.reasonOrNull() != RevokeReason.FAILED) {
      failureBackoffMillis = 0;
      return;
    }
    failureBackoffMillis = Math.min(Math.max(500, failureBackoffMillis * 2), config.sessionTimeout().toMillis());
    LOG.warn("cluster {}: node {} could not start leading; contending again in {} ms", config.name(), self.nodeId(),
        failureBackoffMillis);
    TimeUnit.MILLISECONDS.sleep(failureBackoffMillis);
  }

  private void begin(Term won, long sentNanos) {
    synchronized (won) {
      term = won;
      lastEpoch = won.epoch;
      leaseDeadlineNanos = sentNanos + leaseNanos();
      leadingEpoch = won.epoch;
      LOG.info("cluster {}: node {} elected leader, epoch {}", config.name(), self.nodeId(), won.epoch);
      events.execute(() -> {
        if (!safely("onElected", () -> listener.onElected(won.epoch))) {
          // Holding leadership without a pipeline would stall the cluster: let another node try.
          endTerm(won, RevokeReason.FAILED);
        }
      });
    }
    // Dekker-style re-checks: the connection listener and close() may have looked at `term`
    // before it was set.
    if (!connected) {
      suspend(won);
    }
    if (closed) {
      won.end(RevokeReason.CLOSED);
    }
  }

  private void finish(Term ended) throws InterruptedException {
    RevokeReason reason = ended.end(closed ? RevokeReason.CLOSED : RevokeReason.INTERRUPTED);
    // close() while leading: this node still holds the mutex and its session until onRevoked has
    // returned, so it may go on publishing what is in flight (the pipeline drains) under its
    // current lease, which is no longer renewed. The connection fences still apply: the term stays
    // visible to them (suspend() clears leadingEpoch even for an ended term). Any other end stops
    // publishing at once.
    boolean drain = reason == RevokeReason.CLOSED;
    if (!drain) {
      stopLeading(ended);
    }
    LOG.info("cluster {}: node {} gives up leadership of epoch {} ({})", config.name(), self.nodeId(),
        ended.epoch, reason);
    Future<?> revoked = events.submit(() -> safely("onRevoked", () -> listener.onRevoked(ended.epoch, reason)));
    try {
      revoked.get(revokeTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("cluster {}: node {} onRevoked({}) did not finish in {} ms; releasing leadership anyway",
          config.name(), self.nodeId(), ended.epoch, revokeTimeoutMillis());
    } catch (InterruptedException e) {
      // close() or Curator cancelled us: still let the pipeline stop before the mutex goes.
      Thread.interrupted();
      awaitRevoke(revoked);
      Thread.currentThread().interrupt();
    } finally {
      stopLeading(ended);
    }
  }

  /** Nothing more may be published under {@code ended}, and connection events no longer concern it. */
  private void stopLeading(Term ended) {
    synchronized (ended) {
      if (leadingEpoch == ended.epoch) {
        leadingEpoch = 0;
      }
      if (term == ended) {
        term = null;
      }
    }
  }

  private void awaitRevoke(Future<?> revoked) {
    try {
      revoked.get(revokeTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("cluster {}: node {} could not wait for onRevoked: {}", config.name(), self.nodeId(), e.toString());
    }
  }

  // ---- connection states (called from Curator's connection-state thread) ----

  void connectionChanged(ConnectionState state) {
    switch (state) {
      case CONNECTED -> {
        connected = true;
        everConnected = true;
        LOG.info("cluster {}: node {} connected to ZooKeeper {}", config.name(), self.nodeId(), config.zookeeper());
        // Curator delivers connection states on its own thread, so the election can be won before
        // this first CONNECTED arrives; begin() then suspended the term, and nothing else would ever
        // end it. It ends as a term that outlived a connection loss does: contend again, connected.
        endSuspendedTerm(RevokeReason.RECONNECTED);
      }
      case RECONNECTED -> {
        connected = true;
        LOG.info("cluster {}: node {} reconnected to ZooKeeper", config.name(), self.nodeId());
        endSuspendedTerm(RevokeReason.RECONNECTED);
      }
      case SUSPENDED, READ_ONLY -> {
        connected = false;
        LOG.warn("cluster {}: node {} lost its ZooKeeper connection (suspended)", config.name(), self.nodeId());
        Term current = term;
        if (current != null) {
          suspend(current);
        }
      }
      case LOST -> {
        connected = false;
        LOG.warn("cluster {}: node {} lost its ZooKeeper session", config.name(), self.nodeId());
        endSuspendedTerm(RevokeReason.SESSION_LOST);
      }
    }
  }

  /**
   * The fast fence, on ZooKeeper's event thread before Curator sees the event: a Disconnected or
   * Expired session event suspends the term right here. Curator's SUSPENDED/LOST come later from
   * its connection-state thread (tens of milliseconds on a busy machine), and on Expired Curator
   * first closes the old handle, after which the server may delete our lock node at once and
   * another node elect itself within that lag.
   */
  private void sessionEvent(WatchedEvent event) {
    KeeperState state = event.getState();
    if (state == KeeperState.Disconnected
        || state == KeeperState.Expired) {
      connected = false;
      Term current = term;
      if (current != null) {
        suspend(current);
      }
    }
  }

  /**
   * Ends the term that lived through the connection loss. Every such term was suspended by the
   * fast fence; a term that is not suspended was won on the new connection after it came back
   * (Curator's RECONNECTED/LOST can reach us after that) and stays.
   */
  private void endSuspendedTerm(RevokeReason reason) {
    Term current = term;
    if (current != null && current.isSuspended()) {
      endTerm(current, reason);
    }
  }

  private void endTerm(RevokeReason reason) {
    Term current = term;
    if (current != null) {
      endTerm(current, reason);
    }
  }

  private void endTerm(Term current, RevokeReason reason) {
    synchronized (current) {
      if (leadingEpoch == current.epoch) {
        leadingEpoch = 0;
      }
    }
    current.end(reason);
  }

  private void suspend(Term current) {
    synchronized (current) {
      // The fence first: also for a term that ended and is draining (see finish).
      if (leadingEpoch == current.epoch) {
        leadingEpoch = 0;
      }
      if (current.suspended || current.isEnded()) {
        return;
      }
      current.suspended = true;
      events.execute(() -> safely("onSuspended", () -> listener.onSuspended(current.epoch)));
    }
  }

  // ---- lease (called from the lease thread) ----

  private void renewLease() {
    Term current = term;
    if (current == null || current.isSuspended() || current.isEnded()) {
      return;
    }
    long sentNanos = System.nanoTime();
    Epoch seen;
    try {
      seen = epochs.current();
    } catch (Exception e) {
      LOG.debug("cluster {}: lease renewal failed: {}", config.name(), e.toString());
      return;
    }
    if (seen.value() != current.epoch) {
      LOG.warn("cluster {}: node {} sees epoch {} (won by {}) newer than its own {}: stepping down",
          config.name(), self.nodeId(), seen.value(), seen.nodeId(), current.epoch);
      endTerm(RevokeReason.SUPERSEDED);
      return;
    }
    synchronized (current) {
      if (!current.suspended && !current.isEnded()) {
        leaseDeadlineNanos = sentNanos + leaseNanos();
      }
    }
  }

  // ---- cached view (called from the view thread; its ZooKeeper reads may block while retrying) ----

  private void refreshView() {
    if (!connected) {
      warnIfNeverConnected();
      return;
    }
    try {
      cachedLeader = view.leaderId();
      cachedMembers = List.copyOf(view.members());
    } catch (Exception e) {
      LOG.debug("cluster {}: view refresh failed: {}", config.name(), e.toString());
    }
  }

  /**
   * Curator retries an unreachable ensemble quietly (its loggers are at ERROR), and a node that never
   * connects only stands by: after the connection timeout, say once what is wrong. View thread.
   */
  private void warnIfNeverConnected() {
    if (!everConnected && !warnedUnreachable
        && System.nanoTime() - startedNanos > config.connectionTimeout().toNanos()) {
      warnedUnreachable = true;
      LOG.warn("cluster {}: node {} cannot reach ZooKeeper at {} (no connection after {} ms); it stands by and keeps"
          + " trying: check cluster.zookeeper and that ZooKeeper runs", config.name(), self.nodeId(),
          config.zookeeper(), config.connectionTimeout().toMillis());
    }
  }

  private long leaseNanos() {
    return TimeUnit.MILLISECONDS.toNanos(effectiveSessionTimeoutMillis() / 2);
  }

  /** The smaller of the configured and the server-negotiated session timeout. */
  private long effectiveSessionTimeoutMillis() {
    long configured = config.sessionTimeout().toMillis();
    try {
      int negotiated = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
      return negotiated > 0 ? Math.min(configured, negotiated) : configured;
    } catch (Exception e) {
      return configured;
    }
  }

  private long revokeTimeoutMillis() {
    return 2 * config.sessionTimeout().toMillis();
  }

  // ---- helpers ----

  /**
   * Runs a listener callback; logs and returns false when it throws. Errors too: an uncaught one
   * would kill the event thread (e.g. {@code NoClassDefFoundError} from a jar replaced on disk).
   */
  private boolean safely(String callback, Runnable call) {
    try {
      call.run();
      return true;
    } catch (LeadershipListener.Declined e) {
      LOG.error("cluster {}: node {}: {}", config.name(), self.nodeId(), e.getMessage());
      return false;
    } catch (RuntimeException | Error e) {
      LOG.error("cluster {}: node {} listener {} failed", config.name(), self.nodeId(), callback, e);
      return false;
    }
  }

  private static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("close failed: {}", e.toString());
    }
  }

  private static void awaitQuietly(ExecutorService executor, long millis) {
    try {
      executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One leadership term: the epoch it won and why it ended. Guarded by its own monitor. */
  private static final class Term {
    final long epoch;
    final CountDownLatch ended = new CountDownLatch(1);
    boolean suspended;
    private RevokeReason reason;

    Term(long epoch) {
      this.epoch = epoch;
    }

    /** Records the first reason; returns the reason that ended the term. */
    synchronized RevokeReason end(RevokeReason why) {
      if (reason == null) {
        reason = why;
        ended.countDown();
      }
      return reason;
    }

    synchronized boolean isSuspended() {
      return suspended;
    }

    synchronized RevokeReason reasonOrNull() {
      return reason;
    }

    synchronized boolean isEnded() {
      return reason != null;
    }

    void awaitEnd() throws InterruptedException {
      ended.await();
    }
  }
}
