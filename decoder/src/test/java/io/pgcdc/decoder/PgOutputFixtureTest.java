package io.pgcdc.decoder;

import static io.pgcdc.decoder.FixtureReplay.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Decodes the golden fixtures (real pgoutput bytes recorded by {@link PgOutputFixtureIT}) and
 * checks every field against what the scenario SQL in {@link FixtureScenarios} did. LSNs and
 * times differ between recordings, so they are checked for consistency (Begin's final LSN is
 * Commit's LSN, ...) and plausibility; xids are compared with {@code txid_current()} recorded
 * alongside.
 */
class PgOutputFixtureTest {
  /** 2026-01-01 and 2100-01-01 in pgoutput time (microseconds since 2000-01-01). */
  private static final long EARLIEST = 820_454_400_000_000L;
  private static final long LATEST = 3_155_760_000_000_000L;
  private static final List<String> ITEM_COLUMNS =
      List.of("id", "name", "price", "in_stock", "created", "attrs", "tags", "mood");

  @Test
  void decodesInsertWithTypeRelationAndNullColumns() {
    FixtureReplay r = new FixtureReplay("v1/insert");
    var begin = r.next(MessageType.BEGIN).begin();
    long finalLsn = begin.finalLsn();
    long commitTime = begin.commitTime();
    assertThat(begin.xid()).isEqualTo(r.fixture.longProperty("xid"));
    assertThat(commitTime).isBetween(EARLIEST, LATEST);

    PgTypeInfo mood = r.next(MessageType.TYPE).typeInfo();
    assertThat(mood.namespace()).isEqualTo("public");
    assertThat(mood.name()).isEqualTo("mood");
    assertThat(Integer.toUnsignedLong(mood.oid())).isGreaterThanOrEqualTo(16384);
    assertThat(r.decoder.relations().type(mood.oid())).isEqualTo(mood);

    PgOutputDecoder d = r.next(MessageType.RELATION);
    assertThat(d.relationChanged()).isTrue();
    Relation items = d.relation();
    assertThat(items.namespace()).isEqualTo("public");
    assertThat(items.name()).isEqualTo("items");
    assertThat(items.replicaIdentity()).isEqualTo(Relation.IDENTITY_DEFAULT);
    assertThat(items.columns()).containsExactly(
        new Column("id", 23, -1, true),
        new Column("name", 25, -1, false),
        new Column("price", 1700, (10 << 16 | 2) + 4, false),
        new Column("in_stock", 16, -1, false),
        new Column("created", 1184, -1, false),
        new Column("attrs", 3802, -1, false),
        new Column("tags", 1009, -1, false),
        new Column("mood", mood.oid(), -1, false));
    assertThat(items.keyColumnCount()).isEqualTo(1);
    assertThat(r.decoder.relations().relation(items.id())).isSameAs(items);

    InsertDecoder insert = r.next(MessageType.INSERT).insert();
    assertThat(insert.relationId()).isEqualTo(items.id());
    assertThat(insert.relation()).isSameAs(items);
    assertThat(values(insert.newTuple())).containsExactly("1", "Mikael Åkerfeldt", "1234.50", "t",
        "2026-11-21 22:41:03.123456+00", "{\"a\": [1, 2]}", "{x,\"y z\"}", "happy");
    for (int i = 0; i < 8; i++) {
      assertThat(insert.newTuple().kind(i)).isEqualTo(TupleDecoder.TEXT);
    }
    TupleDecoder t = insert.newTuple();
    assertThat(new String(t.buffer(), t.valueOffset(1), t.valueLength(1), StandardCharsets.UTF_8))
        .isEqualTo("Mikael Åkerfeldt");
    assertThat(t.valueLength(1)).isEqualTo("Mikael Åkerfeldt".getBytes(StandardCharsets.UTF_8).length);

    TupleDecoder nulls = r.next(MessageType.INSERT).insert().newTuple();
    assertThat(values(nulls)).containsExactly("3", "nulls", null, null, null, null, null, null);
    assertThat(nulls.isNull(2)).isTrue();
    assertThat(nulls.valueOffset(2)).isEqualTo(-1);
    assertThat(nulls.valueLength(2)).isZero();

    CommitDecoder commit = r.next(MessageType.COMMIT).commit();
    assertThat(commit.flags()).isZero();
    assertThat(commit.commitLsn()).isEqualTo(finalLsn);
    assertThat(commit.endLsn()).isGreaterThan(commit.commitLsn());
    assertThat(commit.commitTime()).isEqualTo(commitTime);
    assertThat(d.streamXid()).isZero();
    r.assertDone();
  }

  @Test
  void decodesUpdateWithoutOldTupleWhenTheKeyStays() {
    FixtureReplay r = new FixtureReplay("v1/update_no_old");
    r.next(MessageType.BEGIN);
    r.next(MessageType.TYPE);
    r.next(MessageType.RELATION);
    UpdateDecoder u = r.next(MessageType.UPDATE).update();
    assertThat(u.relation().name()).isEqualTo("items");
    assertThat(u.hasOldTuple()).isFalse();
    assertThat(u.oldTupleKind()).isEqualTo(UpdateDecoder.NO_OLD);
    assertThat(values(u.newTuple()))
        .containsExactly("2", "renamed", "2.50", "f", "2026-01-01 00:00:00+00", "{}", "{}", "sad");
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesUpdateOfTheKeyWithKeyTuple() {
    FixtureReplay r = new FixtureReplay("v1/update_key");
    r.next(MessageType.BEGIN);
    r.next(MessageType.TYPE);
    r.next(MessageType.RELATION);
    UpdateDecoder u = r.next(MessageType.UPDATE).update();
    assertThat(u.oldTupleKind()).isEqualTo(UpdateDecoder.OLD_KEY);
    assertThat(values(u.oldTuple())).containsExactly("2", null, null, null, null, null, null, null);
    assertThat(values(u.newTuple()))
        .containsExactly("20", "renamed", "2.50", "f", "2026-01-01 00:00:00+00", "{}", "{}", "sad");
    assertThat(u.oldTuple().valueEquals(0, u.newTuple(), 0)).isFalse();
    assertThat(u.oldTuple().valueEquals(1, u.newTuple(), 1)).isFalse();
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesUpdateUnderReplicaIdentityFullWithOldRow() {
    FixtureReplay r = new FixtureReplay("v1/update_full");
    r.next(MessageType.BEGIN);
    Relation rel = r.next(MessageType.RELATION).relation();
    assertThat(rel.name()).isEqualTo("full_rows");
    assertThat(rel.replicaIdentity()).isEqualTo(Relation.IDENTITY_FULL);
    // Under FULL every column is part of the identity.
    assertThat(rel.columns()).extracting(Column::key).containsExactly(true, true, true);
    UpdateDecoder u = r.next(MessageType.UPDATE).update();
    assertThat(u.oldTupleKind()).isEqualTo(UpdateDecoder.OLD_ROW);
    assertThat(values(u.oldTuple())).containsExactly("1", "one", "10");
    assertThat(values(u.newTuple())).containsExactly("1", "one", "11");
    assertThat(u.oldTuple().valueEquals(1, u.newTuple(), 1)).isTrue();
    assertThat(u.oldTuple().valueEquals(2, u.newTuple(), 2)).isFalse();
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesUpdatesUnderReplicaIdentityUsingIndex() {
    FixtureReplay r = new FixtureReplay("v1/update_index");
    r.next(MessageType.BEGIN);
    Relation rel = r.next(MessageType.RELATION).relation();
    assertThat(rel.replicaIdentity()).isEqualTo(Relation.IDENTITY_INDEX);
    assertThat(rel.columns()).extracting(Column::name).containsExactly("id", "code", "val");
    assertThat(rel.columns()).extracting(Column::key).containsExactly(false, true, false);
    UpdateDecoder keyChanged = r.next(MessageType.UPDATE).update();
    assertThat(keyChanged.oldTupleKind()).isEqualTo(UpdateDecoder.OLD_KEY);
    assertThat(values(keyChanged.oldTuple())).containsExactly(null, "A-1", null);
    assertThat(values(keyChanged.newTuple())).containsExactly("1", "A-9", "first");
    r.next(MessageType.COMMIT);
    r.next(MessageType.BEGIN);
    UpdateDecoder valueChanged = r.next(MessageType.UPDATE).update();
    assertThat(valueChanged.hasOldTuple()).isFalse();
    assertThat(values(valueChanged.newTuple())).containsExactly("2", "B-2", "changed");
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesDeletesWithKeyOrWholeRow() {
    FixtureReplay key = new FixtureReplay("v1/delete_key");
    key.next(MessageType.BEGIN);
    key.next(MessageType.TYPE);
    key.next(MessageType.RELATION);
    DeleteDecoder d = key.next(MessageType.DELETE).delete();
    assertThat(d.relation().name()).isEqualTo("items");
    assertThat(d.oldTupleKind()).isEqualTo(UpdateDecoder.OLD_KEY);
    assertThat(values(d.oldTuple())).containsExactly("20", null, null, null, null, null, null, null);
    key.next(MessageType.COMMIT);
    key.assertDone();

    FixtureReplay full = new FixtureReplay("v1/delete_full");
    full.next(MessageType.BEGIN);
    full.next(MessageType.RELATION);
    DeleteDecoder f = full.next(MessageType.DELETE).delete();
    assertThat(f.oldTupleKind()).isEqualTo(UpdateDecoder.OLD_ROW);
    assertThat(values(f.oldTuple())).containsExactly("2", "two", "20");
    full.next(MessageType.COMMIT);
    full.assertDone();

    FixtureReplay index = new FixtureReplay("v1/delete_index");
    index.next(MessageType.BEGIN);
    index.next(MessageType.RELATION);
    DeleteDecoder i = index.next(MessageType.DELETE).delete();
    assertThat(i.oldTupleKind()).isEqualTo(UpdateDecoder.OLD_KEY);
    assertThat(values(i.oldTuple())).containsExactly(null, "B-2", null);
    index.next(MessageType.COMMIT);
    index.assertDone();
  }

  @Test
  void decodesTruncateWithCascadeAndRestartIdentity() {
    FixtureReplay r = new FixtureReplay("v1/truncate");
    r.next(MessageType.BEGIN);
    assertThat(r.next(MessageType.RELATION).relation().name()).isEqualTo("big");
    TruncateDecoder plain = r.next(MessageType.TRUNCATE).truncate();
    assertThat(plain.relationCount()).isEqualTo(1);
    assertThat(plain.relation(0).name()).isEqualTo("big");
    assertThat(plain.options()).isZero();
    assertThat(plain.cascade()).isFalse();
    assertThat(plain.restartIdentity()).isFalse();
    r.next(MessageType.COMMIT);
    r.next(MessageType.BEGIN);
    Relation first = r.next(MessageType.RELATION).relation();
    Relation second = r.next(MessageType.RELATION).relation();
    TruncateDecoder cascade = r.next(MessageType.TRUNCATE).truncate();
    assertThat(cascade.relationCount()).isEqualTo(2);
    assertThat(List.of(cascade.relationId(0), cascade.relationId(1))).containsExactly(first.id(), second.id());
    assertThat(List.of(cascade.relation(0).name(), cascade.relation(1).name()))
        .containsExactlyInAnyOrder("parent", "child");
    assertThat(cascade.cascade()).isTrue();
    assertThat(cascade.restartIdentity()).isTrue();
    assertThat(cascade.options()).isEqualTo(TruncateDecoder.CASCADE | TruncateDecoder.RESTART_IDENTITY);
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesTransactionalAndNonTransactionalLogicalMessages() {
    FixtureReplay r = new FixtureReplay("v1/message");
    BeginDecoder begin = r.next(MessageType.BEGIN).begin();
    assertThat(begin.xid()).isEqualTo(r.fixture.longProperty("xid"));
    long finalLsn = begin.finalLsn();
    LogicalMessageDecoder m = r.next(MessageType.MESSAGE).message();
    assertThat(m.transactional()).isTrue();
    assertThat(m.prefix()).isEqualTo("fx");
    assertThat(m.prefix()).isSameAs(m.prefix());
    assertThat(content(m)).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    // The end of the message's WAL record: at most the commit record's start.
    assertThat(m.lsn()).isPositive().isLessThanOrEqualTo(finalLsn);
    assertThat(r.decoder.streamXid()).isZero();
    r.next(MessageType.COMMIT);
    LogicalMessageDecoder binary = r.next(MessageType.MESSAGE).message();
    assertThat(binary.transactional()).isFalse();
    assertThat(binary.flags()).isZero();
    assertThat(binary.prefix()).isEqualTo("fx-bin");
    assertThat(content(binary)).containsExactly(0x00, 0xff, 0x01);
    assertThat(binary.lsn()).isGreaterThan(finalLsn);
    r.assertDone();
  }

  private static byte[] content(LogicalMessageDecoder m) {
    return Arrays.copyOfRange(m.buffer(), m.contentOffset(), m.contentOffset() + m.contentLength());
  }

  @Test
  void decodesUnchangedToastedValueAsKindU() {
    FixtureReplay r = new FixtureReplay("v1/toast");
    r.next(MessageType.BEGIN);
    assertThat(r.next(MessageType.RELATION).relation().name()).isEqualTo("docs");
    UpdateDecoder u = r.next(MessageType.UPDATE).update();
    assertThat(u.hasOldTuple()).isFalse();
    TupleDecoder t = u.newTuple();
    assertThat(values(t)).containsExactly("1", "renamed doc", "<unchanged>");
    assertThat(t.kind(2)).isEqualTo(TupleDecoder.UNCHANGED_TOAST);
    assertThat(t.isUnchangedToast(2)).isTrue();
    assertThat(t.hasValue(2)).isFalse();
    assertThat(t.valueOffset(2)).isEqualTo(-1);
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesOriginMessage() {
    FixtureReplay r = new FixtureReplay("v1/origin");
    r.next(MessageType.BEGIN);
    OriginDecoder o = r.next(MessageType.ORIGIN).origin();
    String name = r.fixture.property("origin");
    assertThat(name).startsWith("pgcdc_fx_");
    assertThat(o.name()).isEqualTo(name);
    assertThat(o.originLsn()).isEqualTo(Lsn.parse("0/ABCDEF"));
    assertThat(o.nameLength()).isEqualTo(name.length());
    r.next(MessageType.RELATION);
    assertThat(values(r.next(MessageType.INSERT).insert().newTuple())).containsExactly("3", "from origin", "3");
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesBinaryFormatValuesAsKindB() {
    FixtureReplay r = new FixtureReplay("v1/binary_insert");
    r.next(MessageType.BEGIN);
    r.next(MessageType.RELATION);
    TupleDecoder t = r.next(MessageType.INSERT).insert().newTuple();
    assertThat(t.kind(0)).isEqualTo(TupleDecoder.BINARY);
    assertThat(t.valueLength(0)).isEqualTo(4);
    assertThat(Arrays.copyOfRange(t.buffer(), t.valueOffset(0), t.valueOffset(0) + 4)).containsExactly(0, 0, 0, 77);
    assertThat(t.kind(1)).isEqualTo(TupleDecoder.BINARY);
    assertThat(t.valueAsString(1)).isEqualTo("binary");
    assertThat(t.kind(2)).isEqualTo(TupleDecoder.NULL);
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void replacesRelationWhenItsShapeChangesAndReportsTheChange() {
    FixtureReplay r = new FixtureReplay("v1/relation_change");
    r.next(MessageType.BEGIN);
    PgOutputDecoder d = r.next(MessageType.RELATION);
    Relation before = d.relation();
    assertThat(d.relationChanged()).isTrue();
    assertThat(before.columns()).extracting(Column::name).containsExactly("id", "a");
    // The same announcement again (PostgreSQL re-sends after invalidations): not a change, same object.
    byte[] again = r.fixture.frames().get(1).bytes();
    d.wrap(again, 0, again.length);
    assertThat(d.relationChanged()).isFalse();
    assertThat(d.relation()).isSameAs(before);
    assertThat(values(r.next(MessageType.INSERT).insert().newTuple())).containsExactly("1", "a");
    r.next(MessageType.COMMIT);
    r.next(MessageType.BEGIN);
    Relation after = r.next(MessageType.RELATION).relation();
    assertThat(d.relationChanged()).isTrue();
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.columns()).extracting(Column::name).containsExactly("id", "a", "b");
    assertThat(d.relations().relation(before.id())).isSameAs(after);
    InsertDecoder insert = r.next(MessageType.INSERT).insert();
    assertThat(insert.relation()).isSameAs(after);
    assertThat(values(insert.newTuple())).containsExactly("2", "b", "2");
    r.next(MessageType.COMMIT);
    r.assertDone();
  }

  @Test
  void decodesStreamedTransactionWithXidPrefixesAndStreamCommit() {
    for (String id : List.of("v2/stream_commit", "v4/stream_commit")) {
      FixtureReplay r = new FixtureReplay(id);
      long xid = r.fixture.longProperty("xid");
      int inserts = 0;
      int segments = 0;
      long expectedId = id.startsWith("v2") ? 100_000 : 600_000;
      while (r.hasNext()) {
        MessageType type = r.next();
        PgOutputDecoder d = r.decoder;
        switch (type) {
          case STREAM_START -> {
            assertThat(d.streamStart().xid()).isEqualTo(xid);
            assertThat(d.streamStart().firstSegment()).isEqualTo(segments == 0);
            assertThat(d.inStream()).isTrue();
            segments++;
          }
          case RELATION -> {
            assertThat(d.streamXid()).isEqualTo(xid);
            assertThat(d.relation().name()).isEqualTo("big");
          }
          case INSERT -> {
            assertThat(d.streamXid()).isEqualTo(xid);
            assertThat(values(d.insert().newTuple())).containsExactly(
                Long.toString(expectedId), "row " + expectedId);
            expectedId++;
            inserts++;
          }
          case STREAM_STOP -> assertThat(d.inStream()).isFalse();
          case STREAM_COMMIT -> {
            StreamCommitDecoder c = d.streamCommit();
            assertThat(c.xid()).isEqualTo(xid);
            assertThat(c.flags()).isZero();
            assertThat(c.endLsn()).isGreaterThan(c.commitLsn());
            assertThat(c.commitTime()).isBetween(EARLIEST, LATEST);
            assertThat(r.hasNext()).isFalse();
          }
          default -> throw new AssertionError("unexpected " + type + " in " + id);
        }
      }
      assertThat(inserts).as(id).isEqualTo(2000);
      assertThat(segments).as(id).isGreaterThan(1);
    }
  }

  @Test
  void decodesAbortOfAWholeStreamedTransaction() {
    FixtureReplay r = new FixtureReplay("v2/stream_abort");
    long xid = r.fixture.longProperty("xid");
    assertThat(r.next(MessageType.STREAM_START).streamStart().xid()).isEqualTo(xid);
    r.next(MessageType.STREAM_STOP);
    StreamAbortDecoder a = r.next(MessageType.STREAM_ABORT).streamAbort();
    assertThat(a.xid()).isEqualTo(xid);
    assertThat(a.subXid()).isEqualTo(xid);
    assertThat(a.wholeTransaction()).isTrue();
    assertThat(a.hasAbortLsn()).isFalse();
    assertThat(a.abortLsn()).isEqualTo(Lsn.INVALID);
    assertThat(a.abortTime()).isZero();
    r.assertDone();
  }

  @Test
  void decodesProtocolFourStreamAbortWithAbortLsnAndTime() {
    FixtureReplay r = new FixtureReplay("v4/stream_abort");
    long xid = r.fixture.longProperty("xid");
    StreamAbortDecoder a = null;
    while (r.hasNext()) {
      if (r.next() == MessageType.STREAM_ABORT) {
        a = r.decoder.streamAbort();
      }
    }
    assertThat(a).isNotNull();
    assertThat(a.xid()).isEqualTo(xid);
    assertThat(a.wholeTransaction()).isTrue();
    assertThat(a.hasAbortLsn()).isTrue();
    assertThat(a.abortLsn()).isPositive();
    assertThat(a.abortTime()).isBetween(EARLIEST, LATEST);
  }

  @Test
  void decodesSubtransactionAbortInsideStreamedTransaction() {
    FixtureReplay r = new FixtureReplay("v2/stream_subabort");
    long xid = r.fixture.longProperty("xid");
    // Inside a stream each change carries its own (sub)transaction's xid. The scenario:
    // 2000 rows in xid, SAVEPOINT + 2000 rows in xid+1, ROLLBACK TO SAVEPOINT (aborts xid+1 and
    // starts a new subtransaction), 1 row in xid+2, COMMIT.
    Map<Long, Integer> insertsByXid = new TreeMap<>();
    List<Long> abortedSubXids = new ArrayList<>();
    while (r.hasNext()) {
      MessageType type = r.next();
      PgOutputDecoder d = r.decoder;
      if (type == MessageType.INSERT) {
        insertsByXid.merge(d.streamXid(), 1, Integer::sum);
        assertThat(d.openStreamXid()).isEqualTo(xid);
      } else if (type == MessageType.STREAM_ABORT) {
        assertThat(d.streamAbort().xid()).isEqualTo(xid);
        assertThat(d.streamAbort().wholeTransaction()).isFalse();
        assertThat(d.streamAbort().hasAbortLsn()).isFalse();
        abortedSubXids.add(d.streamAbort().subXid());
      } else if (type == MessageType.STREAM_COMMIT) {
        assertThat(d.streamCommit().xid()).isEqualTo(xid);
        assertThat(r.hasNext()).isFalse();
      }
    }
    assertThat(insertsByXid.keySet()).containsExactly(xid, xid + 1, xid + 2);
    assertThat(insertsByXid.get(xid)).isEqualTo(2000);
    // Only what was streamed before the rollback arrives; the rest is discarded on the server.
    assertThat(insertsByXid.get(xid + 1)).isBetween(1, 2000);
    assertThat(insertsByXid.get(xid + 2)).isEqualTo(1);
    assertThat(abortedSubXids).containsExactly(xid + 1);
  }

  @Test
  void decodesTwoPhaseCommit() {
    FixtureReplay r = new FixtureReplay("v3/prepare_commit");
    long xid = r.fixture.longProperty("xid");
    BeginPrepareDecoder b = r.next(MessageType.BEGIN_PREPARE).beginPrepare();
    assertThat(b.xid()).isEqualTo(xid);
    assertThat(b.gid()).isEqualTo("fx_gid_commit");
    long prepareLsn = b.prepareLsn();
    long endLsn = b.endLsn();
    long prepareTime = b.prepareTime();
    assertThat(endLsn).isGreaterThan(prepareLsn);
    assertThat(prepareTime).isBetween(EARLIEST, LATEST);
    r.next(MessageType.TYPE);
    r.next(MessageType.RELATION);
    assertThat(values(r.next(MessageType.INSERT).insert().newTuple()))
        .containsExactly("100", "prepared", null, null, null, null, null, null);
    PrepareDecoder p = r.next(MessageType.PREPARE).prepare();
    assertThat(p.flags()).isZero();
    assertThat(p.xid()).isEqualTo(xid);
    assertThat(p.gid()).isEqualTo("fx_gid_commit");
    assertThat(p.prepareLsn()).isEqualTo(prepareLsn);
    assertThat(p.endLsn()).isEqualTo(endLsn);
    assertThat(p.prepareTime()).isEqualTo(prepareTime);
    CommitPreparedDecoder k = r.next(MessageType.COMMIT_PREPARED).commitPrepared();
    assertThat(k.flags()).isZero();
    assertThat(k.xid()).isEqualTo(xid);
    assertThat(k.gid()).isEqualTo("fx_gid_commit");
    assertThat(k.gidLength()).isEqualTo("fx_gid_commit".length());
    assertThat(k.commitLsn()).isGreaterThanOrEqualTo(endLsn);
    assertThat(k.endLsn()).isGreaterThan(k.commitLsn());
    assertThat(k.commitTime()).isGreaterThanOrEqualTo(prepareTime);
    r.assertDone();
  }

  @Test
  void decodesTwoPhaseRollback() {
    FixtureReplay r = new FixtureReplay("v3/prepare_rollback");
    long xid = r.fixture.longProperty("xid");
    BeginPrepareDecoder b = r.next(MessageType.BEGIN_PREPARE).beginPrepare();
    assertThat(b.gid()).isEqualTo("fx_gid_rollback");
    long endLsn = b.endLsn();
    long prepareTime = b.prepareTime();
    while (r.next() != MessageType.PREPARE) {
      assertThat(r.decoder.messageType()).isIn(MessageType.TYPE, MessageType.RELATION, MessageType.INSERT);
    }
    RollbackPreparedDecoder rb = r.next(MessageType.ROLLBACK_PREPARED).rollbackPrepared();
    assertThat(rb.flags()).isZero();
    assertThat(rb.xid()).isEqualTo(xid);
    assertThat(rb.gid()).isEqualTo("fx_gid_rollback");
    assertThat(rb.prepareEndLsn()).isEqualTo(endLsn);
    assertThat(rb.rollbackEndLsn()).isGreaterThan(endLsn);
    assertThat(rb.prepareTime()).isEqualTo(prepareTime);
    assertThat(rb.rollbackTime()).isGreaterThanOrEqualTo(prepareTime);
    r.assertDone();
  }

  @Test
  void decodesStreamPrepareThenCommitPrepared() {
    FixtureReplay r = new FixtureReplay("v3/stream_prepare");
    long xid = r.fixture.longProperty("xid");
    int inserts = 0;
    PrepareDecoder p = null;
    while (r.hasNext()) {
      MessageType type = r.next();
      if (type == MessageType.INSERT) {
        assertThat(r.decoder.streamXid()).isEqualTo(xid);
        inserts++;
      } else if (type == MessageType.STREAM_PREPARE) {
        p = r.decoder.streamPrepare();
        assertThat(p.xid()).isEqualTo(xid);
        assertThat(p.gid()).isEqualTo("fx_gid_stream");
        assertThat(p.endLsn()).isGreaterThan(p.prepareLsn());
      } else if (type == MessageType.COMMIT_PREPARED) {
        assertThat(p).as("stream prepare before commit prepared").isNotNull();
        assertThat(r.decoder.commitPrepared().xid()).isEqualTo(xid);
        assertThat(r.decoder.commitPrepared().gid()).isEqualTo("fx_gid_stream");
        assertThat(r.hasNext()).isFalse();
      }
    }
    assertThat(inserts).isEqualTo(2000);
  }

  @Test
  void indexListsTheMessageKindsOfEveryFixture() {
    for (Fixture f : Fixture.all()) {
      List<MessageType> types = f.frames().stream().map(Fixture.Frame::type).collect(Collectors.toList());
      assertThat(PgOutputFixtureIT.runLengths(types)).as(f.id()).isEqualTo(f.property("types"));
    }
  }

  @Test
  void everyFixtureDecodesAtAnyOffsetInsideALargerBuffer() {
    for (Fixture f : Fixture.all()) {
      PgOutputDecoder d = new PgOutputDecoder();
      for (Fixture.Frame frame : f.frames()) {
        byte[] padded = new byte[frame.bytes().length + 13];
        Arrays.fill(padded, (byte) 0x5A);
        System.arraycopy(frame.bytes(), 0, padded, 7, frame.bytes().length);
        assertThat(d.wrap(padded, 7, frame.bytes().length)).isEqualTo(frame.type());
        assertThat(d.buffer()).isSameAs(padded);
        assertThat(d.offset()).isEqualTo(7);
        assertThat(d.length()).isEqualTo(frame.bytes().length);
      }
      assertThat(d.inStream()).as("stream closed at end of %s", f.id()).isFalse();
    }
  }
}
