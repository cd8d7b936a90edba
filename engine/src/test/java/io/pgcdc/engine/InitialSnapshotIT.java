package io.pgcdc.engine;

import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;

/** {@link InitialSnapshotScenarios} on the shared PostgreSQL (Debian's 15 here). */
class InitialSnapshotIT extends InitialSnapshotScenarios {
  @Override
  PostgresServer server() {
    return TestServers.postgres();
  }
}
