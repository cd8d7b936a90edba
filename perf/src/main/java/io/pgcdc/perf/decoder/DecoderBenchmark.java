package io.pgcdc.perf.decoder;

import io.pgcdc.decoder.MessageType;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.TupleDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * pgoutput decoding throughput, one message per operation, on one thread: ops/s = messages/s.
 * Each benchmark wraps a message (full validation: every length, terminator and the tuple walk
 * against the cached relation) and reads what a consumer would (ids, tuple index).
 * Run with {@code -prof gc}: the target is ~0 B/op (see perf/README.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class DecoderBenchmark {
  private final PgOutputDecoder decoder = new PgOutputDecoder();
  private final PgOutputDecoder streamDecoder = new PgOutputDecoder();

  private byte[] relation;
  private byte[] begin;
  private byte[] commit;
  private byte[] insert;
  private byte[] streamedInsert;
  private byte[] updateWithKey;
  private byte[] updateFull;
  private byte[] delete;
  private byte[] truncate;
  private byte[] message;

  @Setup(Level.Trial)
  public void setUp() {
    relation = PgOutputMessages.relation(false);
    begin = PgOutputMessages.begin();
    commit = PgOutputMessages.commit();
    insert = PgOutputMessages.insert(false);
    streamedInsert = PgOutputMessages.insert(true);
    updateWithKey = PgOutputMessages.updateWithKey();
    updateFull = PgOutputMessages.updateFull();
    delete = PgOutputMessages.delete();
    truncate = PgOutputMessages.truncate();
    message = PgOutputMessages.logicalMessage();
    decoder.wrap(relation, 0, relation.length);
    byte[] start = PgOutputMessages.streamStart();
    streamDecoder.wrap(start, 0, start.length);
    byte[] streamedRelation = PgOutputMessages.relation(true);
    streamDecoder.wrap(streamedRelation, 0, streamedRelation.length);
  }

  /** Insert of 8 mixed-type columns: the headline number (target >= 5 M/s, 0 B/op). */
  @Benchmark
  public int insert() {
    decoder.wrap(insert, 0, insert.length);
    return touch(decoder.insert().newTuple()) + decoder.insert().relationId();
  }

  /** The same Insert inside a streamed transaction (v2+ xid prefix). */
  @Benchmark
  public long insertInStream() {
    streamDecoder.wrap(streamedInsert, 0, streamedInsert.length);
    return touch(streamDecoder.insert().newTuple()) + streamDecoder.streamXid();
  }

  @Benchmark
  public long begin() {
    decoder.wrap(begin, 0, begin.length);
    return decoder.begin().finalLsn() + decoder.begin().xid() + decoder.begin().commitTime();
  }

  @Benchmark
  public long commit() {
    decoder.wrap(commit, 0, commit.length);
    return decoder.commit().commitLsn() + decoder.commit().endLsn() + decoder.commit().commitTime();
  }

  @Benchmark
  public int updateWithKey() {
    decoder.wrap(updateWithKey, 0, updateWithKey.length);
    return touch(decoder.update().oldTuple()) + touch(decoder.update().newTuple());
  }

  @Benchmark
  public int updateFull() {
    decoder.wrap(updateFull, 0, updateFull.length);
    return touch(decoder.update().oldTuple()) + touch(decoder.update().newTuple());
  }

  @Benchmark
  public int delete() {
    decoder.wrap(delete, 0, delete.length);
    return touch(decoder.delete().oldTuple());
  }

  @Benchmark
  public int truncate() {
    decoder.wrap(truncate, 0, truncate.length);
    return decoder.truncate().relation(0).columnCount() + decoder.truncate().options();
  }

  /** Logical message, prefix resolved through the prefix cache. */
  @Benchmark
  public int logicalMessage() {
    decoder.wrap(message, 0, message.length);
    return decoder.message().prefix().length() + decoder.message().contentLength();
  }

  /** An identical Relation re-announcement (PostgreSQL re-sends them): recognised without parsing names. */
  @Benchmark
  public boolean relationUnchanged() {
    decoder.wrap(relation, 0, relation.length);
    return decoder.relationChanged();
  }

  private static int touch(TupleDecoder tuple) {
    int sum = tuple.columnCount();
    for (int i = 0; i < tuple.columnCount(); i++) {
      sum += tuple.valueOffset(i) + tuple.valueLength(i) + tuple.kind(i);
    }
    return sum;
  }

  /** The messages of this benchmark decode as what they claim to be (checked by DecoderBenchmarkTest). */
  MessageType[] selfCheck() {
    setUp();
    return new MessageType[] {
        decoder.wrap(insert, 0, insert.length), streamDecoder.wrap(streamedInsert, 0, streamedInsert.length),
        decoder.wrap(begin, 0, begin.length), decoder.wrap(commit, 0, commit.length),
        decoder.wrap(updateWithKey, 0, updateWithKey.length), decoder.wrap(updateFull, 0, updateFull.length),
        decoder.wrap(delete, 0, delete.length), decoder.wrap(truncate, 0, truncate.length),
        decoder.wrap(message, 0, message.length), decoder.wrap(relation, 0, relation.length)};
  }
}
