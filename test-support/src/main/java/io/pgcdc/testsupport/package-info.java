/**
 * Real servers for integration tests.
 *
 * <p>An IT asks {@link io.pgcdc.testsupport.TestServers} for "a PostgreSQL with logical
 * replication", "a RabbitMQ" or "a ZooKeeper". The answer comes from, in order:
 *
 * <ol>
 *   <li>the environment printed by {@code scripts/services.sh env} ({@code PGCDC_TEST_PG_URL},
 *       {@code PGCDC_TEST_PG_USER}, {@code PGCDC_TEST_PG_PASSWORD}, {@code PGCDC_TEST_RABBITMQ_URI},
 *       {@code PGCDC_TEST_ZOOKEEPER});
 *   <li>Testcontainers, when the environment is empty and a Docker engine answers;
 *   <li>otherwise the test fails with one line saying how to provide the servers.
 * </ol>
 *
 * <p>ZooKeeper without {@code PGCDC_TEST_ZOOKEEPER} runs in-process (curator-test
 * {@code TestingServer}), one per JVM.
 *
 * <p>Threading: every method is thread-safe; servers are started lazily once per JVM.
 */
package io.pgcdc.testsupport;
