/**
 * Cluster membership, leader election and fencing epochs on ZooKeeper (Curator 5).
 *
 * <h2>Why LeaderSelector, not LeaderLatch</h2>
 * A pgcdc leadership term is an activity with a beginning and an end (claim an epoch, run the
 * pipeline, tear it down), not a flag. Curator's {@code LeaderSelector} models exactly that:
 * leadership lasts as long as {@code takeLeadership} runs on one dedicated thread, and is
 * released (the mutex node deleted) only when that method returns. So
 * <ul>
 *   <li>the epoch compare-and-set happens <em>while holding</em> the mutex, on the term thread
 *       (and checks, in the same transaction, that the lock node still exists);</li>
 *   <li>release is ordered after teardown: {@link io.pgcdc.ha.ClusterNode} waits for
 *       {@code onRevoked} before returning, so a clean handover never overlaps two publishers;</li>
 *   <li>{@code autoRequeue()} re-contends after every term, at the back of the queue, which is
 *       the "RECONNECTED: re-contend" rule for free.</li>
 * </ul>
 * {@code LeaderLatch} only flips a boolean ({@code isLeader}/{@code notLeader} callbacks on an
 * event thread) and keeps its node after losing leadership on SUSPENDED, re-creating it on
 * RECONNECTED; start/stop ordering and the epoch claim would have to be rebuilt around it.
 *
 * <h2>States of one node</h2>
 * <pre>
 *              start()
 *   (new) ---------------&gt; STANDBY &lt;---------------------------------------------+
 *                             |                                                  |
 *                             | mutex won with a lock node of this session,      | release mutex,
 *                             | epoch CAS n -&gt; n+1 (one transaction)             | autoRequeue
 *                             v                                                  |
 *                         LEADER(e) ---- newer epoch seen, close(), --------&gt; REVOKING(e)
 *                        onElected(e)    onElected threw, LOST               onRevoked(e, reason)
 *                             |                                                  ^
 *                             | Disconnected/Expired (fast fence) or             |
 *                             | SUSPENDED: isLeading(e) = false at once          | RECONNECTED, LOST,
 *                             | (also: won before the first CONNECTED arrived)   | first CONNECTED,
 *                             v                                                  | close()
 *                        SUSPENDED(e) -------------------------------------------+
 *                        onSuspended(e), role() = SUSPENDED
 *
 *   ZooKeeper unreachable: stays STANDBY, Curator keeps reconnecting.
 * </pre>
 * A term whose {@code onElected} throws ends at once ({@code FAILED}); the node then holds the
 * mutex for a backoff (500 ms doubling to the session timeout) before it requeues behind the
 * waiting nodes, so that a node that cannot stream does not spin through epochs.
 * A suspended term is never resumed: even when the session survives, RECONNECTED ends it and
 * the node contends again (a new win claims a new epoch). A blip thus costs one failover, and
 * there is never a question of whether a node that stopped may publish again.
 *
 * <h2>Claiming an epoch</h2>
 * Winning Curator's mutex is not enough: after a session is replaced (LOST, new session), the
 * mutex can still hand leadership to a lock node the <em>old</em> session created and the server
 * has not expired yet (seen here after a ZooKeeper restart: two nodes believed they led for
 * 380 ms). So a node claims an epoch only if the winning lock node carries its id and is owned by
 * its current session, and the claim is one transaction: {@code check(lock node)} +
 * {@code setData(epoch, version)}. Otherwise it returns, Curator deletes the stale node, and the
 * node queues again with a fresh one.
 *
 * <h2>Fencing</h2>
 * {@link io.pgcdc.ha.ClusterNode#isLeading(long)} = term epoch matches AND not suspended AND
 * lease fresh. The lease is renewed by reading the epoch znode every {@code sessionTimeout/6};
 * a read sent at {@code t} that returns this term's epoch extends it to
 * {@code t + sessionTimeout/2}. No other node can win before our session expires, which is at
 * the earliest {@code t + sessionTimeout} for any request the server answered, so the lease ends
 * before anyone else can start; a frozen process (SIGSTOP, long GC) wakes up with a lapsed lease
 * and publishes nothing until it has re-read the epoch znode — and then it finds the newer epoch.
 * A raw ZooKeeper watcher (installed through Curator's {@code ZookeeperFactory}) sees Disconnected
 * and Expired on ZooKeeper's event thread <em>before</em> Curator does and suspends the term at
 * once: on Expired Curator first closes the old handle, and the server may then drop our lock
 * node and let another node win before Curator's own LOST reaches us (measured: ~50 ms).
 *
 * <h2>Fencing at the broker</h2>
 * The lease check runs in the client, before each {@code basic.publish}; frames a process wrote
 * to its socket just before it froze still reach RabbitMQ when it runs again, possibly after the
 * new leader's first messages. So the engine also fences at the broker: the leader of epoch N
 * publishes only to its own exchange {@code <exchange>.e<N>} (bound to the main exchange), and a
 * new leader deletes the exchanges of older epochs before it publishes anything; a stale frame
 * then meets a missing exchange (404) instead of being routed. Which epochs to delete comes from
 * {@link io.pgcdc.ha.RetiredEpochs}: the floor below which everything is already gone, moved up
 * by each leader once it has deleted {@code [floor, N)} ({@link io.pgcdc.ha.ClusterNode#retiredBelow()},
 * {@link io.pgcdc.ha.ClusterNode#retireBelow(long)}). This module only keeps the floor; the
 * exchanges are {@code io.pgcdc.engine.sink.EpochExchanges}'.
 *
 * <h2>Znodes</h2>
 * <pre>
 * /pgcdc/&lt;cluster&gt;/epoch                "epoch=N\nnode=ID"   persistent, setData(version) per win
 * /pgcdc/&lt;cluster&gt;/retired              "below=N\nnode=ID"   persistent, CAS to the larger value
 * /pgcdc/&lt;cluster&gt;/leader/_c_…-lock-NNN  data = node id      ephemeral sequential (LeaderSelector)
 * /pgcdc/&lt;cluster&gt;/members/&lt;node id&gt;    "id=\nhost=\nmetrics=" ephemeral (PersistentNode)
 * </pre>
 *
 * <h2>Threads</h2>
 * ZooKeeper's event thread calls the fast fence; Curator's connection-state thread calls
 * {@code ClusterNode.connectionChanged};
 * {@code pgcdc-ha-leader-<id>} runs the term; {@code pgcdc-ha-lease-<id>} renews the lease;
 * {@code pgcdc-ha-view-<id>} caches leader and members so that {@code /health} never blocks;
 * {@code pgcdc-ha-events-<id>} runs every {@link io.pgcdc.ha.LeadershipListener} callback, one at
 * a time. The publish path only reads two volatiles ({@code isLeading}).
 */
package io.pgcdc.ha;
