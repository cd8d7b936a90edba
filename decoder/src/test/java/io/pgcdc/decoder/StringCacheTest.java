package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringCacheTest {
  private final StringCache keys = new StringCache(prefix -> "_message." + prefix);

  private String key(String prefix) {
    byte[] framed = ("xx" + prefix + "yy").getBytes(StandardCharsets.UTF_8);
    return keys.get(framed, 2, framed.length - 4);
  }

  @Test
  void theSameBytesGiveTheSameObjectAndOthersTheirOwnText() {
    String audit = key("audit");

    assertThat(audit).isEqualTo("_message.audit");
    assertThat(key("billing")).isEqualTo("_message.billing");
    assertThat(key("audit")).isSameAs(audit);
    assertThat(key("äudit")).isEqualTo("_message.äudit");
    assertThat(key("")).isEqualTo("_message.");
  }

  @Test
  void withoutAFunctionItCachesTheDecodedStrings() {
    StringCache names = new StringCache();
    byte[] origin = "node_a".getBytes(StandardCharsets.UTF_8);

    assertThat(names.get(origin, 0, origin.length)).isEqualTo("node_a")
        .isSameAs(names.get(origin.clone(), 0, origin.length));
  }

  @Test
  void itHoldsAFixedNumberOfEntriesSoDistinctStringsReplaceOldOnes() {
    String first = key("p0");
    for (int i = 1; i < StringCache.ENTRIES; i++) {
      key("p" + i);
    }
    assertThat(key("p0")).as("still among the last %d", StringCache.ENTRIES).isSameAs(first);

    for (int i = 0; i < 10_000; i++) {
      assertThat(key("distinct-" + i)).isEqualTo("_message.distinct-" + i);
    }
    assertThat(key("p0")).as("replaced, made anew").isEqualTo("_message.p0").isNotSameAs(first);
  }

  @Test
  void aStringLongerThanTheLimitIsMadeEachTimeNotKept() {
    String huge = "x".repeat(StringCache.MAX_LENGTH + 1);
    String kept = key("short");
    for (int i = 1; i < StringCache.ENTRIES; i++) {
      key("p" + i);
    }

    assertThat(key(huge)).isEqualTo("_message." + huge).isNotSameAs(key(huge));
    assertThat(key("short")).as("the next entry to replace was not taken by the long one").isSameAs(kept);
  }
}
