package io.pgcdc.decoder.json;

import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;
import java.sql.Connection;

/** {@link ToJsonOracle} against the shared PostgreSQL 15, in a database of its own. */
class ValueRenderingIT extends ToJsonOracle {
  private final PostgresServer postgres = TestServers.postgres();
  private String database;

  @Override
  Connection openDatabase() throws Exception {
    database = postgres.createDatabase("pgcdc_values");
    return postgres.connect(database);
  }

  @Override
  void dropDatabase() throws Exception {
    if (database != null) {
      postgres.dropDatabase(database);
    }
  }
}
