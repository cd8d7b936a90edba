package io.pgcdc.engine.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.engine.pipeline.MessageIds;
import io.pgcdc.engine.pipeline.Outbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchWriterTest {
  private static final long COMMIT_LSN = 0x16B37A0L;
  private final Outbox staging = new Outbox();
  private final MessageIds ids = new MessageIds("slot");

  @Test
  void aTransactionOfOneTableBecomesOneJsonArrayClosedAtCommit() {
    BatchWriter batches = new BatchWriter(Integer.MAX_VALUE, 1 << 20);
    Outbox ring = ringOut(0x100);
    for (int ordinal = 0; ordinal < 3; ordinal++) {
      add(batches, "public.users", 'I', ordinal, ring);
      assertThat(ring.count()).as("nothing published before the commit").isZero();
    }
    Outbox commit = ringOut(0x200);
    batches.close(commit);
    assertThat(commit.count()).isEqualTo(1);
    assertThat(body(commit, 0)).isEqualTo("[{\"o\":0},{\"o\":1},{\"o\":2}]");
    assertThat(commit.events(0)).isEqualTo(3);
    assertThat(commit.routingKey(0)).isEqualTo("public.users");
    assertThat(commit.op(0)).isEqualTo((byte) 'I');
    assertThat(commit.lsn(0)).as("first event's LSN").isEqualTo(0x1000);
    assertThat(ids.of(commit, 0).toString()).isEqualTo("slot/0/16B37A0/0-2");
  }

  @Test
  void aNewRoutingKeyOrAFullBatchClosesTheOpenBatchOntoTheEventThatDidNotFit() {
    BatchWriter batches = new BatchWriter(2, 1 << 20);
    List<String> published = new ArrayList<>();
    String[] keys = {"public.a", "public.a", "public.a", "public.b", "public.a"};
    for (int ordinal = 0; ordinal < keys.length; ordinal++) {
      Outbox ring = ringOut(0x100 + ordinal);
      add(batches, keys[ordinal], ordinal == 2 ? 'U' : 'I', ordinal, ring);
      collect(ring, published);
    }
    Outbox commit = ringOut(0x900);
    batches.close(commit);
    collect(commit, published);
    assertThat(published).containsExactly(
        "slot/0/16B37A0/0-1 public.a I [{\"o\":0},{\"o\":1}]",
        "slot/0/16B37A0/2-2 public.a U [{\"o\":2}]",
        "slot/0/16B37A0/3-3 public.b I [{\"o\":3}]",
        "slot/0/16B37A0/4-4 public.a I [{\"o\":4}]");
  }

  @Test
  void mixedOpsAreMarkedWithAStarAndTheByteLimitSplitsDeterministically() {
    BatchWriter batches = new BatchWriter(Integer.MAX_VALUE, 4 * 8 + 2);
    List<String> published = new ArrayList<>();
    for (int ordinal = 0; ordinal < 6; ordinal++) {
      Outbox ring = ringOut(0x100 + ordinal);
      add(batches, "public.a", ordinal % 2 == 0 ? 'I' : 'D', ordinal, ring);
      collect(ring, published);
    }
    Outbox commit = ringOut(0x900);
    batches.close(commit);
    collect(commit, published);
    // each body is 7 bytes + 1 separator: four fit in 34 bytes with the brackets
    assertThat(published).containsExactly(
        "slot/0/16B37A0/0-3 public.a * [{\"o\":0},{\"o\":1},{\"o\":2},{\"o\":3}]",
        "slot/0/16B37A0/4-5 public.a * [{\"o\":4},{\"o\":5}]");
  }

  @Test
  void anInterruptedTransactionIsDroppedAtTheNextBegin() {
    BatchWriter batches = new BatchWriter(Integer.MAX_VALUE, 1 << 20);
    add(batches, "public.a", 'I', 0, ringOut(0x100));
    batches.discard();
    Outbox commit = ringOut(0x200);
    batches.close(commit);
    assertThat(commit.count()).isZero();
  }

  @Test
  void aBigBatchIsHandedOverWithoutCopyAndTakenBackWhenItsSlotIsReused() {
    BatchWriter batches = new BatchWriter(Integer.MAX_VALUE, 1 << 20);
    byte[] row = new byte[1000];
    java.util.Arrays.fill(row, (byte) 'x');
    for (int ordinal = 0; ordinal < 100; ordinal++) {
      staging.clear();
      staging.coordinates(0x1000 + ordinal, COMMIT_LSN, 7);
      staging.beginMessage("public.a", (byte) 'I', ordinal);
      staging.write(row, 0, row.length);
      staging.endMessage();
      batches.add(staging, 0, ringOut(0x100));
    }
    Outbox commit = ringOut(0x200);
    byte[] small = commit.bodies();
    batches.close(commit);
    assertThat(commit.length(0)).isEqualTo(100 * 1001 + 1);
    assertThat(commit.bodies()).isNotSameAs(small);
    assertThat(commit.bodies().length).isGreaterThan(BatchWriter.RETAINED_BYTES);

    commit.clear();
    batches.reclaim(commit);
    assertThat(commit.bodies().length).as("the slot gets a small array back").isLessThanOrEqualTo(1024);
  }

  @Test
  void anEventLargerThanTheBiggestSizeClassAfterAnEvenLargerOneIsPublishedWhole() {
    BatchWriter batches = new BatchWriter(Integer.MAX_VALUE, 1 << 20);
    Outbox ring = ringOut(0x100);
    add(batches, "public.a", 'I', 0, ring);
    addBody(batches, "public.b", 1, 20 << 20, ring); // closes a into ring: ring is no longer empty
    add(batches, "public.c", 'I', 2, ring); // b is copied into the non-empty ring: the 20 MiB working array stays
    addBody(batches, "public.d", 3, 9 << 20, ringOut(0x200)); // fills less than half of it, above 8 MiB
    Outbox last = ringOut(0x300);
    add(batches, "public.e", 'I', 4, last); // closes d
    assertThat(last.count()).isEqualTo(1);
    assertThat(last.routingKey(0)).isEqualTo("public.d");
    assertThat(last.length(0)).isEqualTo((9 << 20) + 2);
    assertThat(last.bodies()[last.offset(0)]).isEqualTo((byte) '[');
    assertThat(last.bodies()[last.offset(0) + last.length(0) - 1]).isEqualTo((byte) ']');
  }

  @Test
  void fullAndPartialBatchesCirculatingThroughARingAllocateNothingOnceThePoolsAreWarm() {
    int maxBytes = 64 << 10;
    BatchWriter batches = new BatchWriter(Integer.MAX_VALUE, maxBytes);
    Outbox[] ring = new Outbox[1024];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = new Outbox();
    }
    byte[] row = new byte[1000];
    java.util.Arrays.fill(row, (byte) 'x');
    // 473 rows of 1 000 B per transaction: seven full batches (65 rows each) and a partial one of 18 rows
    // (the shape of the bench's 10 000-row transactions in 1 MiB batches)
    long[] seq = {0};
    Runnable transaction = () -> {
      for (int r = 0; r <= 473; r++) {
        Outbox out = ring[(int) (seq[0]++ % ring.length)];
        out.clear();
        batches.reclaim(out);
        if (r == 473) {
          batches.close(out); // the Commit
          continue;
        }
        staging.clear();
        staging.coordinates(0x1000 + r, COMMIT_LSN, 7);
        staging.beginMessage("public.a", (byte) 'I', r);
        staging.write(row, 0, row.length);
        staging.endMessage();
        batches.add(staging, 0, out);
      }
    };
    for (int t = 0; t < 30; t++) { // several laps of the ring: every array has come back once
      transaction.run();
    }
    List<Integer> lengths = new ArrayList<>();
    for (int k = 1; k <= 474; k++) {
      Outbox out = ring[(int) ((seq[0] - k) % ring.length)];
      for (int i = 0; i < out.count(); i++) {
        lengths.add(out.length(i));
        assertThat(out.bodies().length).as("a slot pins less than twice what it holds")
            .isLessThan(2 * out.length(i) + 2);
      }
    }
    int full = 65 * 1001 + 1;
    assertThat(lengths).containsExactlyInAnyOrder(full, full, full, full, full, full, full, 18 * 1001 + 1);

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int t = 0; t < 50; t++) {
      transaction.run();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated by 23 650 batched events once warm").isLessThan(1024);
  }

  @Test
  void aNonTransactionalMessageIsABatchOfItsOwnAndLeavesTheOpenBatchAlone() {
    BatchWriter batches = new BatchWriter(Integer.MAX_VALUE, 1 << 20);
    Outbox ring = ringOut(0x100);
    add(batches, "public.a", 'I', 0, ring);
    staging.clear();
    staging.coordinates(0x5000, 0x5000, 0);
    staging.beginMessage("_message.p", (byte) 'M', 0);
    staging.write("{\"m\":1}".getBytes(StandardCharsets.US_ASCII), 0, 7);
    staging.endMessage();
    Outbox alone = ringOut(0x300);
    batches.alone(staging, 0, alone);
    assertThat(body(alone, 0)).isEqualTo("[{\"m\":1}]");
    assertThat(alone.events(0)).isEqualTo(1);
    Outbox commit = ringOut(0x400);
    batches.close(commit);
    assertThat(body(commit, 0)).isEqualTo("[{\"o\":0}]");
  }

  private void add(BatchWriter batches, String key, char op, int ordinal, Outbox ring) {
    staging.clear();
    staging.coordinates(0x1000 + ordinal, COMMIT_LSN, 7);
    staging.beginMessage(key, (byte) op, ordinal);
    byte[] body = ("{\"o\":" + ordinal + "}").getBytes(StandardCharsets.US_ASCII);
    staging.write(body, 0, body.length);
    staging.endMessage();
    batches.add(staging, 0, ring);
  }

  private void addBody(BatchWriter batches, String key, int ordinal, int length, Outbox ring) {
    byte[] body = new byte[length];
    java.util.Arrays.fill(body, (byte) '1');
    staging.clear();
    staging.coordinates(0x1000 + ordinal, COMMIT_LSN, 7);
    staging.beginMessage(key, (byte) 'I', ordinal);
    staging.write(body, 0, body.length);
    staging.endMessage();
    batches.add(staging, 0, ring);
  }

  private static Outbox ringOut(long lsn) {
    Outbox out = new Outbox();
    out.coordinates(lsn, COMMIT_LSN, 7);
    return out;
  }

  private void collect(Outbox out, List<String> published) {
    for (int i = 0; i < out.count(); i++) {
      published.add(ids.of(out, i) + " " + out.routingKey(i) + " " + (char) out.op(i) + " " + body(out, i));
    }
  }

  private static String body(Outbox out, int i) {
    return new String(out.bodies(), out.offset(i), out.length(i), StandardCharsets.US_ASCII);
  }
}
