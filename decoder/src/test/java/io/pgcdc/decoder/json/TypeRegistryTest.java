package io.pgcdc.decoder.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TypeRegistryTest {
  private static final int PAIR = 80001;

  @Test
  void knowsEveryBuiltinTypeWithoutRegistration() {
    TypeRegistry types = new TypeRegistry();
    assertThat(types.type(BuiltinTypes.INT4).name()).isEqualTo("int4");
    assertThat(types.type(1009).name()).isEqualTo("_text");
    assertThat(types.type(1009).elementOid()).isEqualTo(BuiltinTypes.TEXT);
    assertThat(types.type(BuiltinTypes.type(603).oid()).delimiter()).isEqualTo(';');
    assertThat(types.knows(BuiltinTypes.JSONB)).isTrue();
    assertThat(types.knows(16384)).isFalse();
    assertThat(BuiltinTypes.all()).extracting(PgType::oid).doesNotHaveDuplicates();
  }

  @Test
  void rendersAnUnknownOidAsText() {
    assertThat(new Rendered(new TypeRegistry()).json(123_456, "42")).isEqualTo("\"42\"");
  }

  @Test
  void replacesARegisteredTypeByOid() {
    TypeRegistry types = new TypeRegistry();
    types.register(pair("a", "b"));
    Rendered rendered = new Rendered(types);
    assertThat(rendered.json(PAIR, "(1,2)")).isEqualTo("{\"a\":1,\"b\":2}");

    types.register(pair("x", "y"));

    assertThat(rendered.json(PAIR, "(1,2)")).isEqualTo("{\"x\":1,\"y\":2}");
    assertThat(types.type(PAIR).attributes()).extracting(PgType.Attribute::name)
        .containsExactly("x", "y");
  }

  @Test
  void registeringSaysWhetherATypeWasNewOrChanged() {
    TypeRegistry types = new TypeRegistry();
    assertThat(types.registerAll(List.of(pair("a", "b")))).as("new").isTrue();
    assertThat(types.registerAll(List.of(pair("a", "b")))).as("the same again").isFalse();
    assertThat(types.registerAll(List.of(pair("a", "c")))).as("an attribute renamed").isTrue();
  }

  @Test
  void aCompositeValueWithMoreFieldsThanItsTypeIsAMismatchWrittenAsText() {
    TypeRegistry types = new TypeRegistry();
    types.register(pair("a", "b"));
    Rendered rendered = new Rendered(types);
    assertThat(rendered.json(PAIR, "(1,2,3)")).isEqualTo("\"(1,2,3)\"");
    assertThat(rendered.compositeMismatches()).isEqualTo(1);
    assertThat(rendered.json(PAIR, "(1,2)")).isEqualTo("{\"a\":1,\"b\":2}");
    assertThat(rendered.compositeMismatches()).isEqualTo(1);
    assertThat(rendered.json(1009, "{\"unterminated}")).as("not a composite").startsWith("\"");
    assertThat(rendered.compositeMismatches()).isEqualTo(1);
  }

  @Test
  void rendersADomainCycleAsTextInsteadOfRecursingForever() {
    TypeRegistry types = new TypeRegistry();
    types.registerAll(List.of(
        new PgType(80002, "public", "d1", 'd', 'N', 0, 80003, ',', List.of()),
        new PgType(80003, "public", "d2", 'd', 'N', 0, 80002, ',', List.of())));
    assertThat(new Rendered(types).json(80002, "1")).isEqualTo("\"1\"");
  }

  @Test
  void rendersACompositeThatContainsItsOwnArrayWithoutRecursingForever() {
    TypeRegistry types = new TypeRegistry();
    types.registerAll(List.of(
        new PgType(80004, "public", "node", 'c', 'C', 0, 0, ',', List.of(
            new PgType.Attribute("v", BuiltinTypes.INT4),
            new PgType.Attribute("kids", 80005))),
        new PgType(80005, "public", "_node", 'b', 'A', 80004, 0, ',', List.of())));
    assertThat(new Rendered(types).json(80004, "(1,\"{\"\"(2,{})\"\"}\")"))
        .isEqualTo("{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[]}]}");
  }

  @Test
  @Timeout(30)
  void registersWhileAnotherThreadRenders() throws Exception {
    TypeRegistry types = new TypeRegistry();
    types.register(pair("a", "b"));
    AtomicBoolean running = new AtomicBoolean(true);
    CompletableFuture<Void> renderer = CompletableFuture.runAsync(() -> {
      Rendered rendered = new Rendered(types);
      while (running.get()) {
        assertThat(rendered.json(PAIR, "(1,2)")).matches("\\{\"[a-z]\":1,\"[a-z]\":2}");
      }
    });
    for (int i = 0; i < 2_000; i++) {
      types.register(i % 2 == 0 ? pair("x", "y") : pair("a", "b"));
    }
    running.set(false);
    renderer.get(20, TimeUnit.SECONDS);
  }

  private static PgType pair(String first, String second) {
    return new PgType(PAIR, "public", "pair", 'c', 'C', 0, 0, ',', List.of(
        new PgType.Attribute(first, BuiltinTypes.INT4),
        new PgType.Attribute(second, BuiltinTypes.INT4)));
  }
}
