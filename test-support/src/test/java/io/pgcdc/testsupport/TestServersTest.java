package io.pgcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestServersTest {

  @Test
  void postgresComesFromTheEnvironmentWithPostgresAsDefaultUser() {
    PostgresServer pg = TestServers.locatePostgres(Map.of(TestServers.PG_URL, "jdbc:postgresql://h:5433/postgres?ssl=false"));

    assertThat(pg.user()).isEqualTo("postgres");
    assertThat(pg.password()).isEmpty();
    assertThat(pg.jdbcUrl("other")).isEqualTo("jdbc:postgresql://h:5433/other?ssl=false");
    assertThat(pg.properties()).doesNotContainKey("password");
  }

  @Test
  void rabbitMqComesFromTheEnvironmentAndHidesItsPassword() {
    RabbitServer rabbit = TestServers.locateRabbit(Map.of(TestServers.RABBITMQ_URI, "amqp://u:secret@h:5672"));

    assertThat(rabbit.uri()).isEqualTo("amqp://u:secret@h:5672");
    assertThat(rabbit.toString()).doesNotContain("secret");
  }
}
