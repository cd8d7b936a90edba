package io.pgcdc.engine.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.decoder.json.TypeRegistry;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.pipeline.DecodeHandler;
import io.pgcdc.engine.pipeline.RingEvent;
import io.pgcdc.engine.source.ReplicationConnections;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the encode stage writes for synthetic pgoutput, and that the decode and encode stages
 * allocate nothing per row event or logical message once warm (SPEC: no allocation on the hot
 * path), measured with the JVM's per-thread allocation counter over synthetic pgoutput.
 */
class EncodeHandlerAllocationTest {
  private static final int RELATION_ID = 16385;

  @Test
  void decodingAndEncodingAnInsertAllocatesNothingOnceWarm() throws Exception {
    PgcdcConfig.Source nowhere = new PgcdcConfig.Source("jdbc:postgresql://127.0.0.1:1/none", "u", "", "s", "p",
        List.of(), true, false, Duration.ofSeconds(1));
    EncodeHandler encode = new EncodeHandler("slot", new RoutingKeyTemplate("{schema}.{table}"), new TypeRegistry(),
        new Catalog(new ReplicationConnections(nowhere)));
    DecodeHandler decode = new DecodeHandler();
    RingEvent event = new RingEvent();
    byte[] begin = begin();
    byte[] relation = relation();
    byte[] insert = insert();
    run(decode, encode, event, begin);
    run(decode, encode, event, relation);
    assertThat(event.outbox().count()).as("the schema event waits for the first change").isZero();
    run(decode, encode, event, insert);
    assertThat(event.outbox().count()).as("schema event, then the insert").isEqualTo(2);
    assertThat(new String(event.outbox().bodies(), 0, event.outbox().length(0), StandardCharsets.UTF_8))
        .contains("\"op\":\"S\"");
    for (int i = 0; i < 20_000; i++) {
      run(decode, encode, event, insert);
    }
    String body = new String(event.outbox().bodies(), 0, event.outbox().length(0), StandardCharsets.UTF_8);
    assertThat(body).contains("\"after\":{\"id\":42,\"name\":\"Mikael\",\"amount\":12.50}");

    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    int events = 100_000;
    for (int i = 0; i < events; i++) {
      run(decode, encode, event, insert);
    }
    long perEvent = (threads.getCurrentThreadAllocatedBytes() - before) / events;
    assertThat(perEvent).as("bytes allocated per decoded+encoded insert").isZero();
  }

  @Test
  void batchingWholeTransactionsAllocatesNothingOnceWarmAndClosesEachBatchAtItsCommit() throws Exception {
    PgcdcConfig.Source nowhere = new PgcdcConfig.Source("jdbc:postgresql://127.0.0.1:1/none", "u", "", "s", "p",
        List.of(), true, false, Duration.ofSeconds(1));
    EncodeHandler encode = new EncodeHandler("slot", new RoutingKeyTemplate("{schema}.{table}"), new TypeRegistry(),
        new Catalog(new ReplicationConnections(nowhere)), Integer.MAX_VALUE, 1 << 20);
    DecodeHandler decode = new DecodeHandler();
    RingEvent[] ring = new RingEvent[16];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = new RingEvent();
    }
    byte[] begin = begin();
    byte[] insert = insert();
    byte[] commit = commit();
    long[] seq = {0};
    java.util.function.Consumer<byte[]> feed = message -> {
      try {
        run(decode, encode, ring[(int) (seq[0]++ & (ring.length - 1))], message);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    int rowsPerTransaction = 1000; // ~100 KB per batch: handed over to the ring, then taken back
    feed.accept(begin);
    feed.accept(relation());
    for (int t = 0; t < 30; t++) {
      if (t > 0) {
        feed.accept(begin);
      }
      for (int r = 0; r < rowsPerTransaction; r++) {
        feed.accept(insert);
        assertThat(ring[(int) ((seq[0] - 1) & (ring.length - 1))].outbox().count())
            .as("nothing but the schema event before the first insert, never batched").isEqualTo(t + r == 0 ? 1 : 0);
      }
      feed.accept(commit);
    }
    RingEvent last = ring[(int) ((seq[0] - 1) & (ring.length - 1))];
    assertThat(last.outbox().count()).isEqualTo(1);
    assertThat(last.outbox().events(0)).isEqualTo(rowsPerTransaction);
    String body = new String(last.outbox().bodies(), last.outbox().offset(0), last.outbox().length(0),
        StandardCharsets.UTF_8);
    assertThat(body).startsWith("[{\"id\":\"slot/0/16B37A0/0\",").endsWith("}]")
        .contains("},{\"id\":\"slot/0/16B37A0/1\",");

    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    int transactions = 50;
    for (int t = 0; t < transactions; t++) {
      feed.accept(begin);
      for (int r = 0; r < rowsPerTransaction; r++) {
        feed.accept(insert);
      }
      feed.accept(commit);
    }
    long perEvent = (threads.getCurrentThreadAllocatedBytes() - before) / (transactions * (rowsPerTransaction + 2L));
    assertThat(perEvent).as("bytes allocated per decoded+encoded+batched insert").isZero();
  }

  @Test
  void logicalMessagesReuseOneRoutingKeyPerPrefixAndAllocateNothingOnceWarm() throws Exception {
    EncodeHandler encode = offlineEncoder();
    DecodeHandler decode = new DecodeHandler();
    RingEvent event = new RingEvent();
    byte[] audit = message("audit", "{\"who\":\"mikael\"}");
    byte[] billing = message("billing", "42");
    run(decode, encode, event, begin());
    run(decode, encode, event, audit);
    String auditKey = event.outbox().routingKey(0);
    run(decode, encode, event, billing);
    assertThat(event.outbox().routingKey(0)).isEqualTo("_message.billing");
    run(decode, encode, event, audit);
    assertThat(event.outbox().routingKey(0)).isEqualTo("_message.audit").isSameAs(auditKey);
    assertThat(body(event)).contains("\"prefix\":\"audit\"", "\"content\":\"{\\\"who\\\":\\\"mikael\\\"}\"");
    for (int i = 0; i < 20_000; i++) {
      run(decode, encode, event, (i & 1) == 0 ? audit : billing);
    }

    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    int events = 100_000;
    for (int i = 0; i < events; i++) {
      run(decode, encode, event, (i & 1) == 0 ? audit : billing);
    }
    long perEvent = (threads.getCurrentThreadAllocatedBytes() - before) / events;
    assertThat(perEvent).as("bytes allocated per decoded+encoded logical message").isZero();
  }

  @Test
  void theCommitFieldsFormattedOncePerTransactionFollowEachNewTransaction() throws Exception {
    EncodeHandler encode = offlineEncoder();
    DecodeHandler decode = new DecodeHandler();
    RingEvent event = new RingEvent();
    run(decode, encode, event, begin());
    run(decode, encode, event, relation());
    String[] expected = {
        "\"id\":\"slot/0/16B37A0/0\",.*\"commit_lsn\":\"0/16B37A0\",\"xid\":745,"
            + "\"commit_ts\":\"2025-11-21T00:26:40.000000Z\",\"ordinal\":0,",
        "\"id\":\"slot/0/16B37A0/1\",.*\"commit_lsn\":\"0/16B37A0\",\"xid\":745,"
            + "\"commit_ts\":\"2025-11-21T00:26:40.000000Z\",\"ordinal\":1,",
        "\"id\":\"slot/0/2000000/0\",.*\"commit_lsn\":\"0/2000000\",\"xid\":746,"
            + "\"commit_ts\":\"2025-11-21T00:26:40.000001Z\",\"ordinal\":0,"};
    run(decode, encode, event, insert());
    assertThat(body(event)).containsPattern(expected[0]);
    run(decode, encode, event, insert());
    assertThat(body(event)).containsPattern(expected[1]);
    run(decode, encode, event, begin(0x2000000L, 817_000_000_000_001L, 746));
    run(decode, encode, event, insert());
    assertThat(body(event)).containsPattern(expected[2]);
  }

  @Test
  void aRelationNoChangeRefersToGetsNoSchemaEventAsAPartitionPublishedViaItsRoot() throws Exception {
    EncodeHandler encode = offlineEncoder();
    DecodeHandler decode = new DecodeHandler();
    RingEvent event = new RingEvent();
    int root = 16400;
    int partition = 16405;
    run(decode, encode, event, begin());
    run(decode, encode, event, relation(root, "orders"));
    run(decode, encode, event, relation(partition, "orders_eu"));
    assertThat(event.outbox().count()).isZero();

    run(decode, encode, event, insert(root));
    assertThat(event.outbox().count()).isEqualTo(2);
    assertThat(event.outbox().routingKey(0)).isEqualTo("_schema.public.orders");
    assertThat(event.outbox().routingKey(1)).isEqualTo("public.orders");
    run(decode, encode, event, insert(root));
    assertThat(event.outbox().count()).as("one schema event per relation version").isEqualTo(1);

    run(decode, encode, event, insert(partition));
    assertThat(event.outbox().count()).as("published as itself later: its schema event comes first").isEqualTo(2);
    assertThat(event.outbox().routingKey(0)).isEqualTo("_schema.public.orders_eu");
    assertThat(body(event)).contains("\"table\":\"orders_eu\"", "\"ordinal\":2");
  }

  private static EncodeHandler offlineEncoder() {
    return EncodeHandler.withoutDatabase("slot", new PgcdcConfig.RabbitMq("amqp://localhost", "x",
        "{schema}.{table}", PgcdcConfig.RabbitMq.Unroutable.STOP, java.util.Optional.empty(), 16));
  }

  /** The last message the event produced (the first insert after a Relation follows its schema event). */
  private static String body(RingEvent event) {
    int last = event.outbox().count() - 1;
    return new String(event.outbox().bodies(), event.outbox().offset(last), event.outbox().length(last),
        StandardCharsets.UTF_8);
  }

  private static byte[] commit() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeByte('C');
    d.writeByte(0);
    d.writeLong(0x16B37A0L);
    d.writeLong(0x16B37D8L);
    d.writeLong(817_000_000_000_000L);
    return b.toByteArray();
  }

  private static void run(DecodeHandler decode, EncodeHandler encode, RingEvent event, byte[] message)
      throws IOException {
    event.copyWal(0x1000, message, 0, message.length);
    decode.onEvent(event, 0, true);
    encode.onEvent(event, 0, true);
  }

  private static byte[] begin() throws IOException {
    return begin(0x16B37A0L, 817_000_000_000_000L, 745);
  }

  private static byte[] begin(long finalLsn, long commitMicros, int xid) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeByte('B');
    d.writeLong(finalLsn);
    d.writeLong(commitMicros);
    d.writeInt(xid);
    return b.toByteArray();
  }

  /** A transactional {@code pg_logical_emit_message(true, prefix, content)}. */
  private static byte[] message(String prefix, String content) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    byte[] c = content.getBytes(StandardCharsets.UTF_8);
    d.writeByte('M');
    d.writeByte(1);
    d.writeLong(0x16B3700L);
    cstring(d, prefix);
    d.writeInt(c.length);
    d.write(c);
    return b.toByteArray();
  }

  private static byte[] relation() throws IOException {
    return relation(RELATION_ID, "users");
  }

  private static byte[] relation(int id, String name) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeByte('R');
    d.writeInt(id);
    cstring(d, "public");
    cstring(d, name);
    d.writeByte('d');
    d.writeShort(3);
    column(d, 1, "id", 23);
    column(d, 0, "name", 25);
    column(d, 0, "amount", 1700);
    return b.toByteArray();
  }

  private static byte[] insert() throws IOException {
    return insert(RELATION_ID);
  }

  private static byte[] insert(int relationId) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeByte('I');
    d.writeInt(relationId);
    d.writeByte('N');
    d.writeShort(3);
    text(d, "42");
    text(d, "Mikael");
    text(d, "12.50");
    return b.toByteArray();
  }

  private static void column(DataOutputStream d, int flags, String name, int type) throws IOException {
    d.writeByte(flags);
    cstring(d, name);
    d.writeInt(type);
    d.writeInt(-1);
  }

  private static void text(DataOutputStream d, String value) throws IOException {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    d.writeByte('t');
    d.writeInt(v.length);
    d.write(v);
  }

  private static void cstring(DataOutputStream d, String s) throws IOException {
    d.write(s.getBytes(StandardCharsets.UTF_8));
    d.writeByte(0);
  }
}
