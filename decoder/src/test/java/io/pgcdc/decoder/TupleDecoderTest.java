package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TupleDecoderTest {

  private static PgOutputDecoder decode(PgOutputDecoder d, byte[]... messages) {
    for (byte[] m : messages) {
      d.wrap(m, 0, m.length);
    }
    return d;
  }

  @Test
  void growsItsIndexWhenAWiderTableAppears() {
    PgOutputDecoder d = decode(new PgOutputDecoder(),
        MessageBuilder.relation(1, "narrow", 2), MessageBuilder.insert(1, 2),
        MessageBuilder.relation(2, "wide", 1600), MessageBuilder.insert(2, 1600));
    TupleDecoder t = d.insert().newTuple();
    assertThat(t.columnCount()).isEqualTo(1600);
    assertThat(t.valueAsString(0)).isEqualTo("v0");
    assertThat(t.valueAsString(1599)).isEqualTo("v1599");
    decode(d, MessageBuilder.insert(1, 2));
    assertThat(d.insert().newTuple().columnCount()).isEqualTo(2);
    assertThat(d.insert().newTuple().valueAsString(1)).isEqualTo("v1");
  }

  @Test
  void rejectsColumnIndexesOutsideTheTuple() {
    PgOutputDecoder d = decode(new PgOutputDecoder(), MessageBuilder.relation(1, "t", 2), MessageBuilder.insert(1, 2));
    TupleDecoder t = d.insert().newTuple();
    assertThatThrownBy(() -> t.kind(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> t.valueOffset(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void decodesTableWithoutColumns() {
    PgOutputDecoder d = decode(new PgOutputDecoder(), MessageBuilder.relation(7, "empty", 0), MessageBuilder.insert(7, 0));
    assertThat(d.insert().newTuple().columnCount()).isZero();
    assertThat(d.insert().relation().keyColumnCount()).isZero();
  }

  @Test
  void comparesValuesByBytesAndNullsAsEqual() {
    byte[] update = MessageBuilder.type('U').int32(1).int8('O').int16(3).text("a").int8('n').text("x")
        .int8('N').int16(3).text("a").int8('n').int8('u').bytes();
    PgOutputDecoder d = decode(new PgOutputDecoder(), MessageBuilder.relation(1, "t", 3), update);
    TupleDecoder old = d.update().oldTuple();
    TupleDecoder now = d.update().newTuple();
    assertThat(old.valueEquals(0, now, 0)).isTrue();
    assertThat(old.valueEquals(1, now, 1)).isTrue();
    assertThat(old.valueEquals(2, now, 2)).as("unchanged TOAST equals nothing").isFalse();
    assertThat(old.valueEquals(0, now, 1)).isFalse();
  }

  @Test
  void binaryValuesAreIndexedLikeText() {
    byte[] insert = MessageBuilder.type('I').int32(1).int8('N').int16(1).int8('b').int32(3).int8(1).int8(2).int8(3).bytes();
    PgOutputDecoder d = decode(new PgOutputDecoder(), MessageBuilder.relation(1, "t", 1), insert);
    TupleDecoder t = d.insert().newTuple();
    assertThat(t.kind(0)).isEqualTo(TupleDecoder.BINARY);
    assertThat(t.hasValue(0)).isTrue();
    assertThat(t.valueOffset(0)).isEqualTo(insert.length - 3);
    assertThat(t.valueLength(0)).isEqualTo(3);
  }
}
