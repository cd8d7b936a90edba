package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelationCacheTest {

  private static Relation table(int id, String... columns) {
    return Relation.of(id, "public", "t" + id, Relation.IDENTITY_DEFAULT,
        java.util.Arrays.stream(columns).map(c -> new Column(c, 25, -1, false)).toList());
  }

  @Test
  void reportsNewAndChangedRelationsButNotIdenticalOnes() {
    RelationCache cache = new RelationCache();
    assertThat(cache.put(table(1, "a"))).isTrue();
    assertThat(cache.put(table(1, "a"))).isFalse();
    assertThat(cache.put(table(1, "a", "b"))).isTrue();
    assertThat(cache.relation(1).columnCount()).isEqualTo(2);
    assertThat(cache.relationCount()).isEqualTo(1);
  }

  @Test
  void holdsThousandsOfRelationsIncludingOidsAboveTwoToThe31() {
    RelationCache cache = new RelationCache();
    for (int i = 0; i < 5000; i++) {
      cache.put(table(16384 + i * 7, "a"));
    }
    cache.put(table(0xFFFF_FFF0, "a"));
    assertThat(cache.relationCount()).isEqualTo(5001);
    for (int i = 0; i < 5000; i++) {
      assertThat(cache.relation(16384 + i * 7).id()).isEqualTo(16384 + i * 7);
    }
    assertThat(cache.relation(0xFFFF_FFF0)).isNotNull();
    assertThat(cache.relation(16385)).isNull();
    cache.clear();
    assertThat(cache.relation(16384)).isNull();
    assertThat(cache.relations()).isEmpty();
  }

  @Test
  void keepsAnnouncedTypes() {
    RelationCache cache = new RelationCache();
    cache.put(new PgTypeInfo(70000, "public", "mood"));
    assertThat(cache.type(70000)).isEqualTo(new PgTypeInfo(70000, "public", "mood"));
    assertThat(cache.type(25)).isNull();
    assertThat(cache.relations()).isEqualTo(List.of());
  }
}
