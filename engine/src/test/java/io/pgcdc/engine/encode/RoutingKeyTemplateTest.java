package io.pgcdc.engine.encode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoutingKeyTemplateTest {
  @Test
  void expandsSchemaTableAndOp() {
    RoutingKeyTemplate t = new RoutingKeyTemplate("cdc.{schema}.{table}.{op}");
    assertThat(t.expand("public", "users", 'U')).isEqualTo("cdc.public.users.U");
    assertThat(new RoutingKeyTemplate("{schema}.{table}").expand("s", "t", 'I')).isEqualTo("s.t");
  }

  @Test
  void schemaAndMessageKeysHaveFixedPrefixes() {
    assertThat(RoutingKeyTemplate.schemaKey("public", "users")).isEqualTo("_schema.public.users");
    assertThat(RoutingKeyTemplate.messageKey("audit")).isEqualTo("_message.audit");
  }
}
