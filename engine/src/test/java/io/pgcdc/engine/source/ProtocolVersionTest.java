package io.pgcdc.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** SPEC §4: pgoutput v1 always, v2 streaming from PostgreSQL 14, v4 from 16 (v3 two-phase never). */
class ProtocolVersionTest {

  @Test
  void eachMajorGetsTheNewestProtocolPgcdcUses() {
    assertThat(ReplicationConnections.protocolVersion(13)).isEqualTo(1);
    assertThat(ReplicationConnections.protocolVersion(14)).isEqualTo(2);
    assertThat(ReplicationConnections.protocolVersion(15)).isEqualTo(2);
    assertThat(ReplicationConnections.protocolVersion(16)).isEqualTo(4);
    assertThat(ReplicationConnections.protocolVersion(17)).isEqualTo(4);
  }
}
