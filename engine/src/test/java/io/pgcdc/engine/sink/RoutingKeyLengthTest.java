package io.pgcdc.engine.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing key's UTF-8 length, counted without encoding the key, agrees with Java's encoder. */
class RoutingKeyLengthTest {

  @Test
  void utf8LengthCountsLikeTheEncoderForEveryKindOfCharacter() {
    for (String key : List.of("", "public.orders", "schéma.tabelle_größe", "公共.订单", "emoji.\uD83D\uDE00",
        "lone.\uD83D", "lone.\uDE00x", "end.\uD83D", "x".repeat(300))) {
      assertThat(PublishHandler.utf8Length(key)).as(key).isEqualTo(key.getBytes(StandardCharsets.UTF_8).length);
    }
  }
}
