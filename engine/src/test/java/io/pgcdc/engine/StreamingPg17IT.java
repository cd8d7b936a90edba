package io.pgcdc.engine;

import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;

/** {@link StreamingScenarios} on PostgreSQL 17, where pgcdc asks for protocol v4 ({@code streaming parallel}). */
class StreamingPg17IT extends StreamingScenarios {
  @Override
  PostgresServer server() {
    return TestServers.postgres17();
  }
}
