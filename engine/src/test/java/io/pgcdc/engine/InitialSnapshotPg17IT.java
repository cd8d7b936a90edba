package io.pgcdc.engine;

import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;

/** {@link InitialSnapshotScenarios} on PostgreSQL 17 (embedded). */
class InitialSnapshotPg17IT extends InitialSnapshotScenarios {
  @Override
  PostgresServer server() {
    return TestServers.postgres17();
  }
}
