package io.pgcdc.decoder.json;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;

/**
 * {@link ToJsonOracle} against an in-process PostgreSQL 17 (zonky embedded binaries), so the
 * rendering rules are checked on the newest major too, not only on the shared 15.
 */
class ValueRenderingPg17IT extends ToJsonOracle {
  private EmbeddedPostgres postgres;

  @Override
  Connection openDatabase() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    return postgres.getPostgresDatabase().getConnection();
  }

  @Override
  void dropDatabase() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }
}
