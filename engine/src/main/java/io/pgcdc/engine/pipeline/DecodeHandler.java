package io.pgcdc.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.pgcdc.decoder.BeginDecoder;
import io.pgcdc.decoder.LogicalMessageDecoder;
import io.pgcdc.decoder.MessageType;
import io.pgcdc.decoder.PgOutputDecoder;

/**
 * First ring stage: validates every pgoutput message and stamps the transaction context on it
 * ({@code xid}, commit LSN, commit time from the Begin; the end LSN on the Commit), which the
 * confirm tracker needs to compute the flushed LSN and the encoder needs for ids.
 *
 * <pre>
 *   Begin(final_lsn, ts, xid) -&gt; context = (xid, final_lsn, ts)
 *   I/U/D/T/R/Y/M             -&gt; stamped with context
 *   Commit(end_lsn)           -&gt; stamped, txEndLsn = end_lsn
 *   Message, non-transactional-&gt; xid 0, commit LSN = its own LSN
 * </pre>
 *
 * <p>Threading: decode thread only. Its {@link PgOutputDecoder} and relation cache are private to
 * it; the encode stage keeps its own, because flyweights are single-threaded views.
 */
public final class DecodeHandler implements EventHandler<RingEvent> {
  private final PgOutputDecoder decoder = new PgOutputDecoder();
  private long xid;
  private long commitLsn;
  private long commitMicros;

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    MessageType type = decoder.wrap(event.wal(), 0, event.walLength());
    switch (type) {
      case BEGIN -> {
        BeginDecoder begin = decoder.begin();
        xid = begin.xid();
        commitLsn = begin.finalLsn();
        commitMicros = begin.commitTime();
      }
      case COMMIT -> event.txEndLsn = decoder.commit().endLsn();
      case MESSAGE -> {
        LogicalMessageDecoder message = decoder.message();
        if (!message.transactional()) {
          event.xid = 0;
          event.commitLsn = message.lsn();
          event.commitMicros = 0;
          return;
        }
      }
      default -> {
        // Row changes, relations, types, origins carry the open transaction's context.
      }
    }
    event.xid = xid;
    event.commitLsn = commitLsn;
    event.commitMicros = commitMicros;
  }
}
