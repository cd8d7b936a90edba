/**
 * The end-to-end benchmark (issue 7, SPEC §10): one command ({@code scripts/bench.sh}, main
 * class {@link io.pgcdc.perf.e2e.EndToEndBench}) that measures pgcdc against the two things that
 * bound it — PostgreSQL's WAL sender and RabbitMQ — on the same backlog, in the same run, on the
 * same machine, then its latency at a steady live rate; with {@code --debezium}, also Debezium
 * Server's RabbitMQ sink on the same backlog (SPEC §10: pgcdc >= 2x it).
 *
 * <p>Threads: the bench's main thread runs the phases one after another; {@code bench-sampler}
 * (one per phase) polls progress every 250 ms; {@code bench-writer-N} write the live load;
 * amqp-client's threads deliver acks and messages. pgcdc, pg_recvlogical and Debezium Server are
 * child processes.
 *
 * <pre>
 *  BenchDatabase: db + table + publication + slots A, B, C (+ D with --debezium)   (all before any write)
 *  BacklogWriter: N rows in K-row txns | M single-row txns    -> startLsn .. boundaryLsn .. endLsn
 *
 *  (a)  slot A --pgoutput v1--> pg_recvlogical -f /dev/null --endpos=endLsn     WAL sender's limit
 *  (a') slot C --pgoutput v2, streaming--> pg_recvlogical (the options pgcdc uses)
 *  (c)  slot B --> pgcdc run (child JVM) --> exchange db --public.bench_rows--> queue db.q
 *        done when queue depth = N + M and slot B's confirmed_flush_lsn >= endLsn
 *       (purge, BrokerSettle: queue empty + beam.smp quiet for 2 s)
 *  (b)  RawPublisher --same body size, confirms, persistent--> db.raw --> queue   broker's limit
 *  (e)  --debezium, after pgcdc's queues are deleted (BrokerSettle again):
 *        slot D --pgoutput--> Debezium Server 3.6.1
 *        (child JVM, Java 21+, its RabbitMQ sink: persistent, confirms per batch, JSON without
 *        schemas) --> exchange db.dbz --public.bench_rows--> queue db.dbz.q
 *        done when queue depth = N + M; ratio pgcdc / Debezium Server (target >= 2)
 *  (d)  LiveRun, last (alone with --rows 0 --single 0): vhost db_live (rabbitmqctl), slot db_live
 *       created now, a pgcdc of its own --> exchange db.live --> fresh queue db.live.q (x-queue-version)
 *       warm-up | BrokerSettle | BrokerBaseline (raw publisher at the rate) | BrokerSettle |
 *       bench-writer-* --rate tx/s--> PG --> pgcdc --> db.live.q --> consumer: arrival - commit_ts
 *       beside it: WalSenderProbe (slot db_lw, test_decoding), broker canary, CPU/disk/GC per second
 *
 *  CpuMeter: /proc snapshots (ProcCpu) at each backlog phase's start and end -> PhaseCpu (broker,
 *  PostgreSQL, consumer, other, machine busy %)
 *
 *  BenchReport --> table on stdout, perf/target/e2e-TIME.json;  BenchChart --> e2e-TIME.png
 *  cleanup (finally + shutdown hook): child processes (pgcdc, pg_recvlogical, Debezium Server),
 *  queues, exchanges, slots, database, work dir
 * </pre>
 */
package io.pgcdc.perf.e2e;
