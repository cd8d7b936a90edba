package io.pgcdc.engine.encode;

import com.fasterxml.jackson.core.JsonGenerator;
import com.lmax.disruptor.EventHandler;
import io.pgcdc.decoder.LogicalMessageDecoder;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.StringCache;
import io.pgcdc.decoder.TruncateDecoder;
import io.pgcdc.decoder.TupleDecoder;
import io.pgcdc.decoder.UpdateDecoder;
import io.pgcdc.decoder.json.TypeRegistry;
import io.pgcdc.decoder.json.ValueRenderer;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.engine.pipeline.Outbox;
import io.pgcdc.engine.pipeline.RingEvent;
import io.pgcdc.engine.source.ReplicationConnections;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Second ring stage: turns each pgoutput message into its AMQP messages (SPEC §3), written once
 * with a Jackson streaming generator into the event's reusable {@link Outbox}.
 *
 * <pre>
 *   Begin              -&gt; (ordinal := 0)
 *   Relation new/changed -&gt; (remembered; its schema event waits for a change of that relation)
 *   Insert/Update/Delete -&gt; [schema event  _schema.&lt;schema&gt;.&lt;table&gt;   columns + Avro record schema]
 *                         one row event  {id, op, schema, table, lsn, commit_lsn, xid, commit_ts,
 *                                           ordinal, key, before, after, diff, unchanged_toast}
 *                         (op R for an Insert of the initial snapshot: RingEvent#snapshotRead)
 *   Truncate           -&gt; [schema events], one event per table, op T, options
 *   Message            -&gt; _message.&lt;prefix&gt;, content as text or base64
 *   Commit, Origin, Type -&gt; nothing
 * </pre>
 *
 * <p>Ordinals count row, truncate and logical-message events of a transaction, so the message id
 * {@code <slot>/<commit LSN>/<ordinal>} of a change is the same whether or not a schema event
 * preceded it in this session. Schema events get negative ordinals and the id
 * {@code <slot>/<commit LSN>/_schema.<schema>.<table>}, with {@code /<n>} appended for the n-th
 * schema event of a transaction (n &gt;= 2: a table altered twice in one transaction).
 *
 * <p>A schema event is written with the first change that refers to its relation, not when the
 * Relation message arrives: pgoutput sends the Relation right before that change anyway, except
 * under {@code publish_via_partition_root}, where it also sends the partition's Relation before a
 * change published as the root's. That partition never gets a change of its own, so it gets no
 * schema event either (which, with {@code mandatory} publishing, would be unroutable for a
 * consumer bound to the root's keys).
 *
 * <p>Threading: encode thread only. It has its own {@link PgOutputDecoder} (flyweights are
 * single-threaded views; decoding a message twice is cheaper than handing offsets across threads),
 * its own {@link ValueRenderer}, and a catalog connection used only when a relation or type is new,
 * or a composite value does not fit its type's attributes (an ALTER TYPE pgoutput does not announce).
 * Steady state allocates nothing per event.
 */
public final class EncodeHandler implements EventHandler<RingEvent> {
  private static final int ONE_EVENT_RETAINED_BYTES = 1 << 20;
  private static final long TYPE_RELOAD_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private final PgOutputDecoder decoder = new PgOutputDecoder();
  private final Map<Relation, RelationInfo> relations = new IdentityHashMap<>();
  /**
   * {@code _message.<prefix>} by prefix bytes, so a logical message allocates no routing key (row
   * events' keys are cached in {@link RelationInfo}); bounded, as prefixes are any text a client sends.
   */
  private final StringCache messageKeys = new StringCache(RoutingKeyTemplate::messageKey);
  private final TypeRegistry types;
  private final Catalog catalog;
  private final RoutingKeyTemplate routingKeys;
  private final EnvelopeWriter envelope;
  private final JsonGenerator g;
  private final ValueRenderer values;
  private final RowEventWriter rows;
  private final SchemaEventWriter schemas;
  /** Null unless {@code sink.rabbitmq.batch} is set; then events are written to {@link #staging} first. */
  private final BatchWriter batches;
  private final Outbox staging = new Outbox();
  private int ordinal;
  private int schemaOrdinal;
  /** When a read of the catalog's types for a composite value that did not fit changed nothing (0: never). */
  private long fruitlessReloadAt;

  EncodeHandler(String slot, RoutingKeyTemplate routingKeys, TypeRegistry types, Catalog catalog) {
    this(slot, routingKeys, types, catalog, PgcdcConfig.RabbitMq.NO_BATCH, PgcdcConfig.RabbitMq.DEFAULT_BATCH_MAX_BYTES);
  }

  EncodeHandler(String slot, RoutingKeyTemplate routingKeys, TypeRegistry types, Catalog catalog, int batchEvents,
      int batchMaxBytes) {
    this.batches = batchEvents == PgcdcConfig.RabbitMq.NO_BATCH ? null : new BatchWriter(batchEvents, batchMaxBytes);
    this.routingKeys = routingKeys;
    this.types = types;
    this.catalog = catalog;
    this.envelope = new EnvelopeWriter(slot);
    this.g = envelope.generator();
    this.values = new ValueRenderer(types);
    this.rows = new RowEventWriter(envelope, values);
    this.schemas = new SchemaEventWriter(envelope, types);
  }

  /** The encode stage for {@code slot}; loads the source's non-builtin types once now. */
  public static EncodeHandler create(String slot, PgcdcConfig.RabbitMq sink, ReplicationConnections connections) {
    TypeRegistry types = new TypeRegistry();
    Catalog catalog = new Catalog(connections);
    catalog.loadTypes(types);
    return new EncodeHandler(slot, new RoutingKeyTemplate(sink.routingKey()), types, catalog, sink.batchEvents(),
        sink.batchMaxBytes());
  }

  /**
   * The encode stage without a source database, for benchmarks and tests only: built-in types only
   * (a Type message or an unknown type OID renders as text), the key as pgoutput flags it (no
   * primary-key lookup), no NOT NULL facts in schema events. Production uses {@link #create}.
   */
  public static EncodeHandler withoutDatabase(String slot, PgcdcConfig.RabbitMq sink) {
    return new EncodeHandler(slot, new RoutingKeyTemplate(sink.routingKey()), new TypeRegistry(), Catalog.offline(),
        sink.batchEvents(), sink.batchMaxBytes());
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) throws IOException {
    Outbox ringOut = event.outbox();
    ringOut.clear();
    ringOut.coordinates(event.walStart(), event.commitLsn(), event.xid());
    Outbox out = ringOut;
    if (batches == null && ringOut.bodies().length > ONE_EVENT_RETAINED_BYTES) {
      // A huge row grew this slot's array earlier; do not pin it in the ring for ever.
      ringOut.replaceBodies(new byte[1024]);
    } else if (batches != null) {
      batches.reclaim(ringOut);
      out = staging;
      out.clear();
      out.coordinates(event.walStart(), event.commitLsn(), event.xid());
    }
    switch (decoder.wrap(event.wal(), 0, event.walLength())) {
      case BEGIN -> {
        ordinal = 0;
        schemaOrdinal = 0;
        if (batches != null) {
          batches.discard();
        }
      }
      case COMMIT -> {
        if (batches != null) {
          batches.close(ringOut);
        }
      }
      case RELATION -> relation();
      case TYPE -> {
        if (!types.knows(decoder.typeInfo().oid())) {
          catalog.loadTypes(types);
        }
      }
      case INSERT -> row(event, out, event.snapshotRead() ? 'R' : 'I',
          used(event, ringOut, decoder.insert().relation()), null, (char) 0, decoder.insert().newTuple());
      case UPDATE -> {
        UpdateDecoder u = decoder.update();
        row(event, out, 'U', used(event, ringOut, u.relation()), u.hasOldTuple() ? u.oldTuple() : null,
            u.oldTupleKind(), u.newTuple());
      }
      case DELETE -> row(event, out, 'D', used(event, ringOut, decoder.delete().relation()),
          decoder.delete().oldTuple(), decoder.delete().oldTupleKind(), null);
      case TRUNCATE -> truncate(event, ringOut, out, decoder.truncate());
      case MESSAGE -> message(event, out, decoder.message());
      default -> {
        // Origin produces no message.
      }
    }
    if (out == staging) {
      boolean transactional = event.xid() != 0;
      for (int i = 0; i < staging.count(); i++) {
        if (transactional) {
          batches.add(staging, i, ringOut);
        } else {
          batches.alone(staging, i, ringOut);
        }
      }
    }
  }

  @Override
  public void onShutdown() {
    catalog.close();
  }

  /**
   * Writes a row event; when a composite value did not fit its type's attributes, reads the types
   * again and, if one changed, writes the event once more. pgoutput announces no change of a
   * composite type (ALTER TYPE sends no Relation or Type message), and the mismatch is the only sign
   * of it. Rows written before the change and decoded after it still mismatch (their value goes out
   * as text, a renderer fallback), so after a read that changed nothing the catalog is not read
   * again for {@link #TYPE_RELOAD_INTERVAL_NANOS}.
   */
  private void row(RingEvent event, Outbox out, char op, RelationInfo info, TupleDecoder old, char oldKind,
      TupleDecoder now) throws IOException {
    int n = ordinal++;
    int messages = out.count();
    int position = out.position();
    long mismatches = values.compositeMismatches();
    rows.write(event, out, op, n, info, old, oldKind, now);
    if (values.compositeMismatches() != mismatches && reloadTypes()) {
      out.rewind(messages, position);
      typesChanged();
      used(event, event.outbox(), info.relation); // its schema event, with the type as it is now
      rows.write(event, out, op, n, info, old, oldKind, now);
    }
  }

  /**
   * After the types were read again and one had changed: every relation with a column of a
   * user-defined type gets a new schema event with its next change (its Avro record may name the
   * changed type's fields).
   */
  private void typesChanged() {
    for (RelationInfo r : relations.values()) {
      for (int i = 0; i < r.relation.columnCount(); i++) {
        if (TypeRegistry.isUserDefined(r.relation.column(i).typeOid())) {
          r.schemaPending = true;
          break;
        }
      }
    }
  }

  private boolean reloadTypes() {
    long now = System.nanoTime();
    if (fruitlessReloadAt != 0 && now - fruitlessReloadAt < TYPE_RELOAD_INTERVAL_NANOS) {
      return false;
    }
    boolean changed = catalog.loadTypes(types);
    fruitlessReloadAt = changed ? 0 : now;
    return changed;
  }

  private void relation() {
    Relation relation = decoder.relation();
    if (decoder.relationChanged() || !relations.containsKey(relation)) {
      newInfo(relation).schemaPending = true;
    }
  }

  /**
   * The relation of a change, after writing its pending schema event. Schema events are never
   * batched: straight into the ring event (see package-info).
   */
  private RelationInfo used(RingEvent event, Outbox ringOut, Relation relation) throws IOException {
    RelationInfo info = relations.get(relation);
    if (info == null) {
      info = newInfo(relation);
    } else if (info.schemaPending) {
      info.schemaPending = false;
      schemas.write(event, ringOut, info, -(++schemaOrdinal));
    }
    return info;
  }

  private RelationInfo newInfo(Relation relation) {
    for (int i = 0; i < relation.columnCount(); i++) {
      if (!types.knows(relation.column(i).typeOid())) {
        catalog.loadTypes(types);
        break;
      }
    }
    Catalog.ColumnFacts facts = catalog.columns(relation);
    RelationInfo info = new RelationInfo(relation, facts.key(), facts.notNull(), routingKeys);
    relations.put(relation, info);
    return info;
  }

  private void truncate(RingEvent event, Outbox ringOut, Outbox out, TruncateDecoder t) throws IOException {
    for (int r = 0; r < t.relationCount(); r++) {
      RelationInfo info = used(event, ringOut, t.relation(r));
      int n = ordinal++;
      envelope.begin(out, info.routingKey((byte) 'T'), (byte) 'T', n);
      envelope.id(event.commitLsn(), n);
      envelope.common(event, (byte) 'T', info.relation, n, true);
      g.writeObjectFieldStart("options");
      g.writeBooleanField("cascade", t.cascade());
      g.writeBooleanField("restart_identity", t.restartIdentity());
      g.writeEndObject();
      envelope.end(out);
    }
  }

  private void message(RingEvent event, Outbox out, LogicalMessageDecoder m) throws IOException {
    int n = m.transactional() ? ordinal++ : 0;
    envelope.begin(out, messageKeys.get(m.buffer(), m.prefixOffset(), m.prefixLength()), (byte) 'M', n);
    envelope.id(event.commitLsn(), n);
    envelope.common(event, (byte) 'M', null, n, m.transactional());
    g.writeStringField("prefix", m.prefix());
    g.writeBooleanField("transactional", m.transactional());
    byte[] buf = m.buffer();
    if (Utf8.isValid(buf, m.contentOffset(), m.contentLength())) {
      g.writeStringField("content_encoding", "text");
      g.writeFieldName("content");
      g.writeUTF8String(buf, m.contentOffset(), m.contentLength());
    } else {
      g.writeStringField("content_encoding", "base64");
      g.writeFieldName("content");
      g.writeBinary(buf, m.contentOffset(), m.contentLength());
    }
    envelope.end(out);
  }
}
