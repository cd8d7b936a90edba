package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Steps a fresh {@link PgOutputDecoder} through a fixture, one expected message at a time. */
final class FixtureReplay {
  final Fixture fixture;
  final PgOutputDecoder decoder = new PgOutputDecoder();
  private int next;

  FixtureReplay(String id) {
    this.fixture = Fixture.load(id);
  }

  /** Decodes the next message and asserts its type. */
  PgOutputDecoder next(MessageType expected) {
    assertThat(next).as("messages left in %s", fixture.id()).isLessThan(fixture.frames().size());
    byte[] bytes = fixture.frames().get(next++).bytes();
    assertThat(decoder.wrap(bytes, 0, bytes.length)).as("message %d of %s", next - 1, fixture.id()).isEqualTo(expected);
    return decoder;
  }

  /** Decodes the next message whatever it is. */
  MessageType next() {
    byte[] bytes = fixture.frames().get(next++).bytes();
    return decoder.wrap(bytes, 0, bytes.length);
  }

  boolean hasNext() {
    return next < fixture.frames().size();
  }

  void assertDone() {
    assertThat(next).as("all messages of %s consumed", fixture.id()).isEqualTo(fixture.frames().size());
  }

  static List<String> values(TupleDecoder tuple) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < tuple.columnCount(); i++) {
      values.add(switch (tuple.kind(i)) {
        case TupleDecoder.NULL -> null;
        case TupleDecoder.UNCHANGED_TOAST -> "<unchanged>";
        default -> tuple.valueAsString(i);
      });
    }
    return values;
  }
}
