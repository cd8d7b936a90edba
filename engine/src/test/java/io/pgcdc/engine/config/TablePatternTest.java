package io.pgcdc.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TablePatternTest {
  @Test
  void starMatchesAnyNameInItsPart() {
    TablePattern p = TablePattern.parse("public.*");

    assertThat(p.matches("public", "orders")).isTrue();
    assertThat(p.matches("sales", "orders")).isFalse();
    assertThat(p.isExact()).isFalse();
  }

  @Test
  void starMatchesInsideAName() {
    TablePattern p = TablePattern.parse("sales.order_*");

    assertThat(p.matches("sales", "order_lines")).isTrue();
    assertThat(p.matches("sales", "orders")).isFalse();
  }

  @Test
  void exactPatternMatchesOneTable() {
    TablePattern p = TablePattern.parse("public.users");

    assertThat(p.isExact()).isTrue();
    assertThat(p.matches("public", "users")).isTrue();
    assertThat(p.matches("public", "users2")).isFalse();
  }

  @Test
  void likeFormEscapesUnderscore() {
    TablePattern p = TablePattern.parse("my_schema.t_*");

    assertThat(p.schemaLike()).isEqualTo("my\\_schema");
    assertThat(p.tableLike()).isEqualTo("t\\_%");
  }

  @Test
  void rejectsNamesWithoutSchema() {
    assertThatThrownBy(() -> TablePattern.parse("orders")).hasMessageContaining("schema.table");
    assertThatThrownBy(() -> TablePattern.parse("a.b.c")).hasMessageContaining("schema.table");
  }

  @Test
  void onlyALiteralSchemaWithAStarTableIsAWholeSchema() {
    assertThat(TablePattern.parse("public.*").isWholeSchema()).isTrue();
    assertThat(TablePattern.parse("public.order_*").isWholeSchema()).isFalse();
    assertThat(TablePattern.parse("*.*").isWholeSchema()).isFalse();
    assertThat(TablePattern.parse("public.orders").isWholeSchema()).isFalse();
  }
}
