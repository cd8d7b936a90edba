package io.pgcdc.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.PgTimestamp;
import io.pgcdc.engine.PipelineException;
import io.pgcdc.engine.ops.PipelineMetrics;
import io.pgcdc.journal.Journal;
import io.pgcdc.journal.JournalAppender;
import io.pgcdc.journal.JournalRecord;
import java.util.concurrent.TimeUnit;

/**
 * Ring stage between encoding and publishing: appends every encoded message to the Chronicle journal
 * (SPEC §6) with the same id, routing key, headers (same names, types and order as on the AMQP
 * message) and body bytes, so {@code pgcdc replay} re-publishes it byte for byte.
 *
 * <p>The append is durable against a process crash when it returns (memory-mapped file). A failed
 * append throws; the stage failure handler then stops the pipeline before this stage's sequence
 * passes the event, so the flushed LSN never covers an unjournaled message.
 *
 * <p>Threading: the pipeline's stage thread only, after encode and before publish (the appender is
 * single-threaded). No allocation per event: the record, id and LSN texts are reused builders. The
 * journal write latency it reports is the time spent appending a ring batch's entries, not the
 * batch's wall time (encode and publish run on the same thread in between).
 */
public final class JournalHandler implements EventHandler<RingEvent> {
  private final JournalAppender appender;
  private final PipelineMetrics metrics;
  private final long epoch;
  private final String slot;
  private final JournalRecord record = new JournalRecord();
  private final MessageIds ids;
  private final StringBuilder lsnText = new StringBuilder(Lsn.MAX_TEXT_LENGTH);
  private final StringBuilder commitLsnText = new StringBuilder(Lsn.MAX_TEXT_LENGTH);
  private final StringBuilder opText = new StringBuilder(1);
  /** Time spent in {@code append} since the ring batch started. */
  private long batchAppendNanos;

  public JournalHandler(JournalAppender appender, String slot, long epoch, PipelineMetrics metrics) {
    this.appender = appender;
    this.metrics = metrics;
    this.epoch = epoch;
    this.slot = slot;
    this.ids = new MessageIds(slot);
  }

  @Override
  public void onBatchStart(long batchSize, long queueDepth) {
    batchAppendNanos = 0;
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) throws PipelineException {
    Outbox out = event.outbox();
    int n = out.count();
    if (n > 0) {
      commitLsnText.setLength(0);
      Lsn.appendTo(out.commitLsn(), commitLsnText);
      long commitMicros = event.commitMicros() == 0 ? 0 : PgTimestamp.toUnixMicros(event.commitMicros());
      for (int i = 0; i < n; i++) {
        if (out.length(i) > Journal.MAX_BODY_BYTES) {
          throw tooLarge(out, i);
        }
        if (i == 0 || out.lsn(i) != out.lsn(i - 1)) {
          lsnText.setLength(0);
          Lsn.appendTo(out.lsn(i), lsnText);
        }
        opText.setLength(0);
        opText.append((char) out.op(i));
        record.lsn(out.lsn(i)).commitLsn(out.commitLsn()).xid(out.xid()).epoch(epoch).ordinal(out.ordinal(i))
            .commitTimeMicros(commitMicros).op((char) out.op(i))
            .messageId(ids.of(out, i)).contentType("application/json").routingKey(out.routingKey(i))
            .body(out.bodies(), out.offset(i), out.length(i))
            .clearHeaders()
            .header("pgcdc-lsn", lsnText)
            .header("pgcdc-commit-lsn", commitLsnText)
            .header("pgcdc-xid", out.xid())
            .header("pgcdc-op", opText)
            .header("pgcdc-epoch", epoch);
        if (out.events(i) > 0) {
          // a batch (sink.rabbitmq.batch): same extra header as on the AMQP message
          record.headerInt(JournalRecord.EVENTS_HEADER, out.events(i));
        }
        long started = System.nanoTime();
        appender.append(record);
        batchAppendNanos += System.nanoTime() - started;
      }
    }
    if (endOfBatch) {
      metrics.journalWriteLatency().update(batchAppendNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * A message no journal entry (and no sane AMQP message) holds. It stops the pipeline at the same
   * event after every restart, so the error says how to get past it, and what that costs.
   */
  private PipelineException tooLarge(Outbox out, int i) {
    return new PipelineException("message " + ids.of(out, i) + " (routing key " + out.routingKey(i) + ", LSN "
        + Lsn.format(out.lsn(i)) + ") is " + out.length(i) + " bytes of JSON, more than the " + Journal.MAX_BODY_BYTES
        + " pgcdc journals and publishes as one message (a row event holds its values in after and again in diff);"
        + " nothing from it on was confirmed to PostgreSQL. Keep such values out of the publication (a column list)"
        + " or make them smaller; to go past this transaction, whose events consumers then never get, stop pgcdc and"
        + " run SELECT pg_replication_slot_advance('" + slot + "', '" + Lsn.format(out.commitLsn() + 1) + "');");
  }
}
