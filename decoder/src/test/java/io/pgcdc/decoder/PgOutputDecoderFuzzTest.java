package io.pgcdc.decoder;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target over {@link PgOutputDecoder#wrap}: whatever the bytes, only
 * {@link MalformedMessageException} may escape, and every accessor of a message that decoded
 * must read inside it.
 *
 * <p>Input: a session of messages, each as {@code u16 length, bytes}, so the fuzzer can reach
 * states that need earlier messages (relations known, a stream open). Seeds and every crasher
 * found live in {@code src/test/resources/io/pgcdc/decoder/PgOutputDecoderFuzzTestInputs/decodesAnyBytes/}.
 *
 * <ul>
 *   <li>Normal test run: regression mode, replays that directory (with {@code jazzer.hooks=false}
 *       from {@code junit-platform.properties}: instrumenting costs tens of seconds and a replay does
 *       not need it).</li>
 *   <li>Bounded fuzzing run (30 s):
 *       {@code JAZZER_FUZZ=1 mvn -pl decoder test -Dtest=PgOutputDecoderFuzzTest -Djazzer.hooks=true}
 *       (without {@code -Djazzer.hooks=true} it fuzzes blind: no coverage feedback). Crashers land
 *       in the inputs directory; keep them there as regression tests.</li>
 * </ul>
 */
class PgOutputDecoderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodesAnyBytes(byte[] input) {
    PgOutputDecoder decoder = new PgOutputDecoder();
    int p = 0;
    while (p + 2 <= input.length) {
      int length = Math.min(((input[p] & 0xFF) << 8) | (input[p + 1] & 0xFF), input.length - p - 2);
      p += 2;
      try {
        MessageType type = decoder.wrap(input, p, length);
        readEverything(decoder, type);
      } catch (MalformedMessageException expected) {
        // the only allowed failure
      }
      p += length;
    }
  }

  /** Touches every field, so an accessor reading outside the message would fail here. */
  static long readEverything(PgOutputDecoder d, MessageType type) {
    long sink = d.streamXid();
    switch (type) {
      case BEGIN -> sink += d.begin().finalLsn() + d.begin().commitTime() + d.begin().xid();
      case COMMIT -> sink += d.commit().flags() + d.commit().commitLsn() + d.commit().endLsn() + d.commit().commitTime();
      case ORIGIN -> sink += d.origin().originLsn() + d.origin().name().length();
      case RELATION -> sink += d.relation().columns().size() + (d.relationChanged() ? 1 : 0);
      case TYPE -> sink += d.typeInfo().name().length();
      case INSERT -> sink += tuple(d.insert().newTuple()) + d.insert().relationId();
      case UPDATE -> sink += (d.update().hasOldTuple() ? tuple(d.update().oldTuple()) : 0) + tuple(d.update().newTuple());
      case DELETE -> sink += tuple(d.delete().oldTuple()) + d.delete().oldTupleKind();
      case TRUNCATE -> {
        for (int i = 0; i < d.truncate().relationCount(); i++) {
          sink += d.truncate().relation(i).id();
        }
        sink += d.truncate().options();
      }
      case MESSAGE -> {
        LogicalMessageDecoder m = d.message();
        sink += m.lsn() + m.prefix().length() + m.flags();
        for (int i = 0; i < m.contentLength(); i++) {
          sink += m.buffer()[m.contentOffset() + i];
        }
      }
      case STREAM_START -> sink += d.streamStart().xid() + (d.streamStart().firstSegment() ? 1 : 0);
      case STREAM_STOP -> sink += 1;
      case STREAM_COMMIT -> sink += d.streamCommit().xid() + d.streamCommit().endLsn() + d.streamCommit().commitTime();
      case STREAM_ABORT -> sink += d.streamAbort().subXid() + d.streamAbort().abortLsn() + d.streamAbort().abortTime();
      case BEGIN_PREPARE -> sink += d.beginPrepare().xid() + d.beginPrepare().prepareTime() + d.beginPrepare().gid().length();
      case PREPARE -> sink += d.prepare().xid() + d.prepare().endLsn() + d.prepare().gid().length();
      case STREAM_PREPARE -> sink += d.streamPrepare().xid() + d.streamPrepare().gid().length();
      case COMMIT_PREPARED -> sink += d.commitPrepared().xid() + d.commitPrepared().commitTime() + d.commitPrepared().gid().length();
      case ROLLBACK_PREPARED -> sink += d.rollbackPrepared().rollbackTime() + d.rollbackPrepared().gid().length();
      default -> throw new AssertionError(type);
    }
    return sink;
  }

  private static long tuple(TupleDecoder t) {
    long sink = 0;
    for (int i = 0; i < t.columnCount(); i++) {
      if (t.hasValue(i)) {
        for (int j = 0; j < t.valueLength(i); j++) {
          sink += t.buffer()[t.valueOffset(i) + j];
        }
      }
    }
    return sink;
  }
}
