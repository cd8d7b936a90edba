package io.pgcdc.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.decoder.BeginDecoder;
import io.pgcdc.decoder.MessageType;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.TupleDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snapshot's synthetic pgoutput messages, read back by the decoder the ring's stages use. */
class SnapshotMessagesTest {
  private static final SnapshotTable TABLE = new SnapshotTable(16384, "public", "Größe", false, (byte) 'd',
      List.of(new SnapshotTable.Column("id", 23, -1, true), new SnapshotTable.Column("txt", 25, -1, false),
          new SnapshotTable.Column("n", 1700, 655366, false)));

  private final SnapshotMessages messages = new SnapshotMessages();
  private final PgOutputDecoder decoder = new PgOutputDecoder();

  private TupleDecoder insert(String copyLine) {
    messages.relation(TABLE);
    assertThat(decoder.wrap(messages.bytes(), 0, messages.length())).isEqualTo(MessageType.RELATION);
    byte[] line = copyLine.getBytes(StandardCharsets.UTF_8);
    messages.insert(TABLE, line, line.length);
    assertThat(decoder.wrap(messages.bytes(), 0, messages.length())).isEqualTo(MessageType.INSERT);
    return decoder.insert().newTuple();
  }

  @Test
  void aRelationMessageDescribesTheTableAsPgoutputWould() {
    messages.relation(TABLE);
    decoder.wrap(messages.bytes(), 0, messages.length());
    Relation r = decoder.relation();
    assertThat(r.id()).isEqualTo(16384);
    assertThat(r.namespace()).isEqualTo("public");
    assertThat(r.name()).isEqualTo("Größe");
    assertThat(r.replicaIdentity()).isEqualTo('d');
    assertThat(r.keyColumnCount()).isEqualTo(1);
    assertThat(r.column(2).typeOid()).isEqualTo(1700);
    assertThat(r.column(2).typeModifier()).isEqualTo(655366);
  }

  @Test
  void copyEscapesAreUndoneAndBackslashNIsNull() {
    TupleDecoder t = insert("1\ttab\\there\\nnew line \\\\ back\\r\\b\\f\\v\t\\N\n");
    assertThat(t.columnCount()).isEqualTo(3);
    assertThat(t.valueAsString(0)).isEqualTo("1");
    assertThat(t.valueAsString(1)).isEqualTo("tab\there\nnew line \\ back\r\b\f\u000B");
    assertThat(t.isNull(2)).isTrue();
  }

  @Test
  void emptyFieldsAreEmptyTextNotNull() {
    TupleDecoder t = insert("7\t\t\n");
    assertThat(t.valueAsString(1)).isEmpty();
    assertThat(t.isNull(1)).isFalse();
    assertThat(t.valueAsString(2)).isEmpty();
  }

  @Test
  void theTextBackslashNIsAValueWhenEscaped() {
    // COPY writes the two characters \N of a text value as \\N.
    assertThat(insert("1\t\\\\N\t12.50\n").valueAsString(1)).isEqualTo("\\N");
  }

  @Test
  void multiByteTextPassesThroughUnchanged() {
    assertThat(insert("1\tÅkerfeldt 🎸\t1\n").valueAsString(1)).isEqualTo("Åkerfeldt 🎸");
  }

  @Test
  void aLineWithTooFewOrTooManyFieldsIsRefusedWithTheTableAndLine() {
    byte[] few = "1\tonly two\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> messages.insert(TABLE, few, few.length))
        .hasMessageContaining("public.Größe").hasMessageContaining("3 fields").hasMessageContaining("1\tonly two");
    byte[] many = "1\ta\tb\tc\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> messages.insert(TABLE, many, many.length)).hasMessageContaining("3 fields");
  }

  @Test
  void beginAndCommitCarryTheSnapshotsLsnsAndTime() {
    messages.begin(0x16B379FL, 123_456L, 745);
    assertThat(decoder.wrap(messages.bytes(), 0, messages.length())).isEqualTo(MessageType.BEGIN);
    BeginDecoder b = decoder.begin();
    assertThat(b.finalLsn()).isEqualTo(0x16B379FL);
    assertThat(b.commitTime()).isEqualTo(123_456L);
    assertThat(b.xid()).isEqualTo(745);
    messages.commit(0x16B379FL, 0x16B37A0L, 123_456L);
    assertThat(decoder.wrap(messages.bytes(), 0, messages.length())).isEqualTo(MessageType.COMMIT);
    assertThat(decoder.commit().commitLsn()).isEqualTo(0x16B379FL);
    assertThat(decoder.commit().endLsn()).isEqualTo(0x16B37A0L);
  }

  @Test
  void copySqlReadsOnlyTheTableUnlessItIsAPartitionedRoot() {
    assertThat(TABLE.copySql()).isEqualTo("COPY (SELECT \"id\", \"txt\", \"n\" FROM ONLY \"public\".\"Größe\") TO STDOUT");
    SnapshotTable root = new SnapshotTable(1, "s", "m", true, (byte) 'f', TABLE.columns());
    assertThat(root.copySql()).isEqualTo("COPY (SELECT \"id\", \"txt\", \"n\" FROM \"s\".\"m\") TO STDOUT");
  }
}
