package io.pgcdc.engine;

import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;

/** {@link StreamingScenarios} on the shared PostgreSQL (15 here: protocol v2). */
class StreamingIT extends StreamingScenarios {
  @Override
  PostgresServer server() {
    return TestServers.postgres();
  }
}
