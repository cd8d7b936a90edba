package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {
  private static final String SLOT = "s1";

  private final List<Delivery> deliveries = new ArrayList<>();

  @Test
  void passesWhenEveryRowArrivesOnceInOrder() {
    deliver(0, 0, "s1/0/100/0");
    deliver(1, 0, "s1/0/200/0");
    deliver(0, 1, "s1/0/300/0");

    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(rows(0, 0, 1, 0, 0, 1), deliveries, SLOT);

    assertThat(verdict.problems()).isEmpty();
    assertThat(verdict.distinct()).isEqualTo(3);
    assertThat(verdict.duplicates()).isZero();
  }

  @Test
  void acceptsResendsOfOlderRowsWithTheirOriginalIds() {
    deliver(0, 0, "s1/0/100/0");
    deliver(0, 1, "s1/0/300/0");
    deliver(0, 0, "s1/0/100/0");
    deliver(0, 1, "s1/0/300/0");
    deliver(0, 2, "s1/0/400/0");

    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(rows(0, 0, 0, 1, 0, 2), deliveries, SLOT);

    assertThat(verdict.problems()).isEmpty();
    assertThat(verdict.duplicates()).isEqualTo(2);
  }

  @Test
  void reportsARowThatNeverArrived() {
    deliver(0, 0, "s1/0/100/0");

    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(rows(0, 0, 0, 1), deliveries, SLOT);

    assertThat(verdict.problems()).containsExactly("lost: committed row id=2 k=0 seq=1 never arrived");
  }

  @Test
  void reportsARowThatWasNeverCommitted() {
    deliver(0, 0, "s1/0/100/0");
    deliver(0, 1, "s1/0/200/0");

    assertThat(DeliveryCheck.verify(rows(0, 0), deliveries, SLOT).problems())
        .containsExactly("invented: k=0 seq=1 arrived but was never committed");
  }

  @Test
  void reportsASeqArrivingForTheFirstTimeAfterAHigherOne() {
    deliver(0, 1, "s1/0/200/0");
    deliver(0, 0, "s1/0/100/0");

    assertThat(DeliveryCheck.verify(rows(0, 0, 0, 1), deliveries, SLOT).problems())
        .containsExactly("per-key order: key 0: seq 0 first arrived (delivery #1) after seq 1");
  }

  @Test
  void keysAreOrderedIndependently() {
    deliver(1, 0, "s1/0/200/0");
    deliver(0, 0, "s1/0/100/0");

    assertThat(DeliveryCheck.verify(rows(0, 0, 1, 0), deliveries, SLOT).problems()).isEmpty();
  }

  @Test
  void reportsAResendWithADifferentId() {
    deliver(0, 0, "s1/0/100/0");
    deliver(0, 0, "s1/0/180/0");

    assertThat(DeliveryCheck.verify(rows(0, 0), deliveries, SLOT).problems())
        .containsExactly("message-id: k=0 seq=0 re-sent as s1/0/180/0 (delivery #1), first sent as s1/0/100/0");
  }

  @Test
  void reportsOneIdNamingTwoRows() {
    deliver(0, 0, "s1/0/100/0");
    deliver(0, 1, "s1/0/100/0");

    assertThat(DeliveryCheck.verify(rows(0, 0, 0, 1), deliveries, SLOT).problems())
        .containsExactly("message-id: message-id s1/0/100/0 names both k=0 seq=0 and k=0 seq=1");
  }

  @Test
  void reportsIdsWithoutTheSlotCommitLsnOrdinalShape() {
    deliver(0, 0, "other/0/100/0");

    assertThat(DeliveryCheck.verify(rows(0, 0), deliveries, SLOT).problems()).singleElement()
        .asString().startsWith("message-id: delivery #0 (k=0 seq=0) has message-id other/0/100/0");
  }

  @Test
  void ignoresMessagesThatAreNotRowEvents() {
    deliveries.add(new Delivery(0, "s1/0/50/0", "_schema.public.fault_rows", -1, -1, 0, 0x50, false));
    deliver(0, 0, "s1/0/100/0");

    DeliveryCheck.Verdict verdict = DeliveryCheck.verify(rows(0, 0), deliveries, SLOT);

    assertThat(verdict.problems()).isEmpty();
    assertThat(verdict.deliveries()).isEqualTo(1);
  }

  @Test
  void capsExamplesPerKindAndCountsTheRest() {
    List<CommittedRow> committed = new ArrayList<>();
    for (int seq = 0; seq < 25; seq++) {
      committed.add(new CommittedRow(seq + 1, 0, seq, 0));
    }

    List<String> problems = DeliveryCheck.verify(committed, deliveries, SLOT).problems();

    assertThat(problems).hasSize(11).last().isEqualTo("lost: ... 15 more");
  }

  @Test
  void flushCoverageAcceptsAFlushedLsnBelowTheFirstMissingRow() {
    List<CommittedRow> committed = List.of(
        new CommittedRow(1, 0, 0, 0x100), new CommittedRow(2, 0, 1, 0x200), new CommittedRow(3, 0, 2, 0x300));

    // row 2 committed below 0x300 (row 3's insert position); flushed 0x250 may or may not cover it
    assertThat(DeliveryCheck.flushCoverage(0x250, committed, Set.of(RowId.of(0, 0)))).isEmpty();
  }

  @Test
  void flushCoverageReportsARowCommittedBelowTheFlushedLsnButNotInTheQueue() {
    List<CommittedRow> committed = List.of(
        new CommittedRow(1, 0, 0, 0x100), new CommittedRow(2, 0, 1, 0x200), new CommittedRow(3, 0, 2, 0x300));

    assertThat(DeliveryCheck.flushCoverage(0x300, committed, Set.of(RowId.of(0, 0))))
        .containsExactly("flushed past the queue: row id=2 k=0 seq=1 committed before 0/300 <= confirmed_flush_lsn"
            + " 0/300 but is not in the queue");
  }

  @Test
  void flushCoverageUsesTheNearestLaterKnownInsertLsnWhenOneIsUnknown() {
    List<CommittedRow> committed = List.of(
        new CommittedRow(1, 0, 0, 0x100), new CommittedRow(2, 0, 1, 0), new CommittedRow(3, 0, 2, 0x300));

    assertThat(DeliveryCheck.flushCoverage(0x300, committed, Set.of(RowId.of(0, 1))))
        .singleElement().asString().contains("row id=1 k=0 seq=0");
  }

  @Test
  void rowsBelowCountsTheRowsCommittedBeforeTheFlushedLsn() {
    List<CommittedRow> committed = List.of(
        new CommittedRow(1, 0, 0, 0x100), new CommittedRow(2, 0, 1, 0x200), new CommittedRow(3, 0, 2, 0x300));

    assertThat(DeliveryCheck.rowsBelow(0x50, committed)).isZero();
    assertThat(DeliveryCheck.rowsBelow(0x200, committed)).isEqualTo(1);
    assertThat(DeliveryCheck.rowsBelow(0x2FF, committed)).isEqualTo(1);
    assertThat(DeliveryCheck.rowsBelow(0x300, committed)).isEqualTo(2);
  }

  @Test
  void epochsMayRiseButNeverFall() {
    deliveries.add(new Delivery(0, "s1/0/1/0", "public.fault_rows", 0, 0, 1, 0, false));
    deliveries.add(new Delivery(1, "s1/0/2/0", "public.fault_rows", 0, 1, 2, 0, false));
    deliveries.add(new Delivery(2, "s1/0/3/0", "public.fault_rows", 0, 2, 1, 0, true));
    assertThat(DeliveryCheck.epochRegressions(deliveries)).isEmpty();

    deliveries.add(new Delivery(3, "s1/0/4/0", "public.fault_rows", 0, 3, 1, 0, false));
    assertThat(DeliveryCheck.epochRegressions(deliveries)).singleElement().asString()
        .contains("delivery #3 s1/0/4/0 has epoch 1 after epoch 2");
  }

  private void deliver(int key, int seq, String id) {
    deliveries.add(new Delivery(deliveries.size(), id, "public.fault_rows", key, seq, 0, 0, false));
  }

  /** Committed rows from (key, seq) pairs, ids 1, 2, ... */
  private static List<CommittedRow> rows(int... keySeq) {
    List<CommittedRow> rows = new ArrayList<>();
    for (int i = 0; i < keySeq.length; i += 2) {
      rows.add(new CommittedRow(i / 2 + 1, keySeq[i], keySeq[i + 1], 0));
    }
    return rows;
  }
}
