package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Corrupted and truncated variants of every golden fixture: each must raise exactly one
 * {@link MalformedMessageException} with key=value context, never another exception, and must
 * leave the decoder able to decode the intact message afterwards.
 */
class MalformedMessageTest {

  /** A decoder that has decoded the fixture's frames before {@code index}, like a live session. */
  private static PgOutputDecoder primed(Fixture f, int index) {
    PgOutputDecoder d = new PgOutputDecoder();
    for (int i = 0; i < index; i++) {
      byte[] b = f.frames().get(i).bytes();
      d.wrap(b, 0, b.length);
    }
    return d;
  }

  private static MalformedMessageException malformed(PgOutputDecoder d, byte[] bytes) {
    Throwable t = catchThrowable(() -> d.wrap(bytes, 0, bytes.length));
    assertThat(t).isInstanceOf(MalformedMessageException.class);
    return (MalformedMessageException) t;
  }

  @Test
  void everyTruncatedPrefixOfEveryFixtureMessageIsRejectedWithContext() {
    int checked = 0;
    for (Fixture f : Fixture.all()) {
      PgOutputDecoder d = new PgOutputDecoder();
      // The 2000 inserts of a streamed transaction differ only in their values: one message per
      // (kind, length, stream state) is enough.
      java.util.Set<String> shapes = new java.util.HashSet<>();
      for (Fixture.Frame frame : f.frames()) {
        byte[] bytes = frame.bytes();
        if (!shapes.add(frame.type() + "/" + bytes.length + "/" + d.inStream())) {
          d.wrap(bytes, 0, bytes.length);
          continue;
        }
        for (int n = 0; n < bytes.length; n++) {
          if (frame.type() == MessageType.STREAM_ABORT && n == 9) {
            continue; // a v4 abort cut after the subxid is a valid v2 abort
          }
          boolean inStream = d.inStream();
          Throwable t = catchThrowable(wrapping(d, bytes, n));
          assertThat(t).as("%s %s cut to %d bytes", f.id(), frame.type(), n)
              .isInstanceOf(MalformedMessageException.class)
              .hasMessageContaining(", offset=0, length=" + n + ", relation=");
          if (n > 0) {
            assertThat(t).hasMessageContaining("(type=" + frame.type() + ",");
          }
          assertThat(d.messageType()).isNull();
          assertThat(d.inStream()).isEqualTo(inStream);
          checked++;
        }
        assertThat(d.wrap(bytes, 0, bytes.length)).isEqualTo(frame.type());
      }
    }
    assertThat(checked).isGreaterThan(3_000);
  }

  private static org.assertj.core.api.ThrowableAssert.ThrowingCallable wrapping(PgOutputDecoder d, byte[] b, int n) {
    return () -> d.wrap(b, 0, n);
  }

  @Test
  void truncatedMessagesNameTheMissingField() {
    Fixture f = Fixture.load("v1/insert");
    byte[] begin = f.frames().get(0).bytes();
    assertThatThrownBy(() -> new PgOutputDecoder().wrap(begin, 0, 12))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("truncated: need 8 bytes for commit_time, 3 left (type=BEGIN, offset=0, length=12, relation=0, at=9)");
    byte[] relation = f.frames().get(2).bytes();
    int relationId = Bytes.int32(relation, 1);
    // 'R' relid "public\0" "items" <- cut inside the relation name
    assertThatThrownBy(() -> primed(f, 2).wrap(relation, 0, 1 + 4 + 7 + 3))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("string without terminator: relation name (type=RELATION, offset=0, length=15, relation="
            + relationId + ", at=12)");
    assertThatThrownBy(() -> new PgOutputDecoder().wrap(new byte[0], 0, 0))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("empty message (type=unknown, offset=0, length=0, relation=0, at=0)");
  }

  @Test
  void unknownTypeBytesAreRejectedAndOtherTypeBytesNeverEscapeAsOtherExceptions() {
    for (Fixture f : Fixture.all()) {
      List<Fixture.Frame> frames = f.frames();
      for (int i = 0; i < Math.min(frames.size(), 40); i++) {
        byte[] original = frames.get(i).bytes();
        for (int type = 0; type < 256; type++) {
          PgOutputDecoder d = primed(f, i);
          byte[] b = original.clone();
          b[0] = (byte) type;
          Throwable t = catchThrowable(() -> d.wrap(b, 0, b.length));
          if (MessageType.fromCode((byte) type) == null) {
            assertThat(t).isInstanceOf(MalformedMessageException.class)
                .hasMessage("unknown message type byte 0x" + Integer.toHexString(type)
                    + " (type=unknown, offset=0, length=" + b.length + ", relation=0, at=0)");
          } else if (t != null) {
            assertThat(t).as("%s frame %d as '%c'", f.id(), i, (char) type).isInstanceOf(MalformedMessageException.class);
          }
        }
      }
    }
  }

  @Test
  void columnCountThatDiffersFromTheRelationIsRejected() {
    Fixture f = Fixture.load("v1/insert");
    byte[] insert = f.frames().get(3).bytes().clone();
    int relationId = Bytes.int32(insert, 1);
    // 'I' relid 'N' ncols
    assertThat(Bytes.int16(insert, 6)).isEqualTo(8);
    insert[7] = 9;
    assertThat(malformed(primed(f, 3), insert)).hasMessage("column count mismatch: tuple has 9, relation has 8"
        + " (type=INSERT, offset=0, length=" + insert.length + ", relation=" + relationId + ", at=6)");
    insert[7] = 7;
    assertThat(malformed(primed(f, 3), insert).reason()).isEqualTo("column count mismatch: tuple has 7, relation has 8");
  }

  @Test
  void columnCountMismatchInTheOldTupleIsRejected() {
    Fixture f = Fixture.load("v1/update_full");
    byte[] update = f.frames().get(2).bytes().clone();
    // 'U' relid 'O' ncols
    assertThat(update[5]).isEqualTo((byte) 'O');
    update[7] = 2;
    MalformedMessageException e = malformed(primed(f, 2), update);
    assertThat(e.reason()).isEqualTo("column count mismatch: tuple has 2, relation has 3");
    assertThat(e.messageType()).isEqualTo(MessageType.UPDATE);
    assertThat(e.errorOffset()).isEqualTo(6);
  }

  @Test
  void unknownRelationIdIsRejectedForEveryRowMessage() {
    for (Fixture f : Fixture.all()) {
      PgOutputDecoder d = new PgOutputDecoder();
      for (Fixture.Frame frame : f.frames()) {
        byte[] b = frame.bytes();
        MessageType type = frame.type();
        if (type == MessageType.INSERT || type == MessageType.UPDATE || type == MessageType.DELETE) {
          byte[] bad = b.clone();
          int at = d.inStream() ? 5 : 1;
          bad[at] = 0x7F;
          bad[at + 1] = bad[at + 2] = bad[at + 3] = (byte) 0xFF;
          assertThat(malformed(d, bad)).hasMessage("unknown relation id 2147483647 (no Relation message for it"
              + " in this session) (type=" + type + ", offset=0, length=" + b.length + ", relation=2147483647, at=" + at + ")");
        }
        d.wrap(b, 0, b.length);
      }
    }
  }

  @Test
  void truncateNamingAnUnknownRelationIsRejected() {
    Fixture f = Fixture.load("v1/truncate");
    byte[] t = f.frames().get(2).bytes().clone();
    // 'T' nrels options relid
    t[6] = (byte) 0xFF;
    MalformedMessageException e = malformed(primed(f, 2), t);
    assertThat(e.reason()).startsWith("unknown relation id ").endsWith(" (relation 0 of 1)");
    assertThat(e.relationId()).isEqualTo(Bytes.int32(t, 6));
    byte[] negative = f.frames().get(2).bytes().clone();
    negative[1] = (byte) 0x80;
    assertThat(malformed(primed(f, 2), negative).reason()).isEqualTo("negative relation count -2147483647");
  }

  @Test
  void rowMessageWithoutItsRelationIsRejected() {
    byte[] insert = Fixture.load("v1/insert").frames().get(3).bytes();
    assertThat(malformed(new PgOutputDecoder(), insert).reason()).startsWith("unknown relation id ");
  }

  @Test
  void stringsWithoutTerminatorAreRejected() {
    record Case(String fixture, MessageType type, String field) {
    }
    for (Case c : List.of(
        new Case("v1/insert", MessageType.TYPE, "type name"),
        new Case("v1/origin", MessageType.ORIGIN, "origin name"),
        new Case("v3/prepare_commit", MessageType.BEGIN_PREPARE, "gid"),
        new Case("v3/prepare_commit", MessageType.PREPARE, "gid"),
        new Case("v3/prepare_commit", MessageType.COMMIT_PREPARED, "gid"),
        new Case("v3/prepare_rollback", MessageType.ROLLBACK_PREPARED, "gid"),
        new Case("v3/stream_prepare", MessageType.STREAM_PREPARE, "gid"))) {
      Fixture f = Fixture.load(c.fixture());
      int index = indexOf(f, c.type());
      byte[] b = f.frames().get(index).bytes();
      assertThat(b[b.length - 1]).isZero();
      // Drop the terminator: the string runs to the end of the message.
      assertThat(malformed(primed(f, index), Arrays.copyOf(b, b.length - 1)).reason())
          .as(c.toString()).isEqualTo("string without terminator: " + c.field());
    }
  }

  @Test
  void logicalMessagePrefixWithoutTerminatorIsRejected() {
    Fixture f = Fixture.load("v1/message");
    byte[] m = f.frames().get(1).bytes();
    // 'M' flags lsn "fx\0" -> cut right after "fx"
    assertThat(malformed(new PgOutputDecoder(), Arrays.copyOf(m, 12)).reason()).isEqualTo("string without terminator: prefix");
  }

  @Test
  void badTupleKindIsRejected() {
    Fixture f = Fixture.load("v1/insert");
    byte[] insert = f.frames().get(3).bytes().clone();
    // 'I' relid 'N' ncols kind
    assertThat(insert[8]).isEqualTo((byte) 't');
    insert[8] = 'x';
    MalformedMessageException e = malformed(primed(f, 3), insert);
    assertThat(e.reason()).isEqualTo("bad tuple kind 0x78 in column 0");
    assertThat(e.errorOffset()).isEqualTo(8);
  }

  @Test
  void negativeValueLengthIsRejected() {
    Fixture f = Fixture.load("v1/insert");
    byte[] insert = f.frames().get(3).bytes().clone();
    // 'I' relid 'N' ncols 't' len
    insert[9] = (byte) 0xFF;
    insert[10] = (byte) 0xFF;
    insert[11] = (byte) 0xFF;
    insert[12] = (byte) 0xFB;
    assertThat(malformed(primed(f, 3), insert)).hasMessageStartingWith("negative length -5 for column value length (type=INSERT,")
        .hasMessageEndingWith(", at=9)");
    byte[] message = Fixture.load("v1/message").frames().get(1).bytes().clone();
    // 'M' flags lsn "fx\0" length
    message[13] = (byte) 0x80;
    assertThat(malformed(new PgOutputDecoder(), message).reason()).isEqualTo("negative length -2147483643 for content length");
  }

  @Test
  void valueLengthBeyondTheMessageIsRejected() {
    Fixture f = Fixture.load("v1/insert");
    byte[] insert = f.frames().get(3).bytes().clone();
    insert[11] = 0x7F;
    assertThat(malformed(primed(f, 3), insert).reason()).startsWith("truncated: need ").endsWith(" for column value, "
        + (insert.length - 13) + " left");
  }

  @Test
  void trailingBytesAreRejected() {
    for (Fixture f : Fixture.all()) {
      PgOutputDecoder d = new PgOutputDecoder();
      for (Fixture.Frame frame : f.frames()) {
        byte[] b = frame.bytes();
        if (frame.type() != MessageType.STREAM_ABORT) {
          byte[] longer = Arrays.copyOf(b, b.length + 1);
          assertThat(malformed(d, longer).reason()).as(f.id() + " " + frame.type()).isEqualTo("1 trailing bytes");
        }
        d.wrap(b, 0, b.length);
      }
    }
  }

  @Test
  void streamMarkersOutOfOrderAreRejected() {
    Fixture f = Fixture.load("v2/stream_commit");
    byte[] start = f.frames().get(0).bytes();
    byte[] stop = f.frames().stream().filter(x -> x.type() == MessageType.STREAM_STOP).findFirst().orElseThrow().bytes();
    byte[] commit = f.frames().get(f.frames().size() - 1).bytes();
    PgOutputDecoder d = new PgOutputDecoder();
    assertThat(malformed(d, stop).reason()).isEqualTo("Stream Stop without Stream Start");
    d.wrap(start, 0, start.length);
    long xid = d.streamStart().xid();
    assertThat(malformed(d, start).reason()).isEqualTo("Stream Start while the stream of xid " + xid + " is open");
    assertThat(malformed(d, commit).reason())
        .isEqualTo("sent while the stream of xid " + xid + " is open (needs Stream Stop first)");
    assertThat(d.inStream()).isTrue();
    d.wrap(stop, 0, stop.length);
    assertThat(d.wrap(commit, 0, commit.length)).isEqualTo(MessageType.STREAM_COMMIT);
  }

  @Test
  void accessorOfAnotherMessageTypeFailsLoudly() {
    byte[] begin = Fixture.load("v1/insert").frames().get(0).bytes();
    PgOutputDecoder d = new PgOutputDecoder();
    d.wrap(begin, 0, begin.length);
    assertThatThrownBy(d::commit).isInstanceOf(IllegalStateException.class)
        .hasMessage("current message is BEGIN, not COMMIT");
  }

  private static int indexOf(Fixture f, MessageType type) {
    for (int i = 0; i < f.frames().size(); i++) {
      if (f.frames().get(i).type() == type) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " in " + f.id());
  }
}
