package io.pgcdc.tools;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.journal.JournalInfo;
import io.pgcdc.journal.JournalReader;
import io.pgcdc.journal.JournalRecord;
import io.pgcdc.journal.JournalSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgcdc replay --from-lsn LSN}: re-publishes journaled messages byte for byte (same
 * message-id, headers, content-type, routing key, body) in their original order, or prints
 * them one JSON line each.
 *
 * <p>Starts at the first transaction whose commit LSN is at or after {@code --from-lsn} (what
 * PostgreSQL itself does when streaming starts at an LSN), stops after the last entry whose
 * commit LSN is at or before {@code --to-lsn}. Journals of several nodes ({@code --journal A
 * --journal B}) are merged in commit order, each message-id once. Progress goes to stderr every
 * {@link #PROGRESS_MILLIS} ms, the summary at the end; stdout carries only messages.
 *
 * <p>Runs on the command's thread; publishing waits for confirms every
 * {@link ReplayPublisher#BATCH} messages.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Re-publish journaled messages from an LSN, byte for byte, in the original order.")
public final class ReplayCommand implements Callable<Integer> {

  static final long PROGRESS_MILLIS = 2_000;

  /** Where replayed messages go (lower case: these are the words typed on the command line). */
  enum Target { rabbitmq, stdout }

  @Spec
  CommandSpec spec;

  @Mixin
  JournalOptions journal;

  @Option(names = "--from-lsn", required = true, paramLabel = "LSN", converter = LsnConverter.class,
      description = "Replay transactions committed at or after this LSN (e.g. 0/16B3748).")
  long fromLsn;

  @Option(names = "--to-lsn", paramLabel = "LSN", converter = LsnConverter.class,
      description = "Stop after transactions committed at or before this LSN (default: the end).")
  Long toLsn;

  @Option(names = "--to", paramLabel = "TARGET", defaultValue = "rabbitmq",
      description = "${COMPLETION-CANDIDATES}: publish with confirms to sink.rabbitmq.uri, or print one "
          + "JSON object per line. Default: ${DEFAULT-VALUE}.")
  Target target;

  @Option(names = "--exchange", paramLabel = "NAME",
      description = "Exchange to publish to (default: sink.rabbitmq.exchange of the configuration).")
  String exchange;

  /** Milliseconds between progress lines (tests shorten it). */
  long progressMillis = PROGRESS_MILLIS;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try (JournalSet set = journal.open()) {
      JournalInfo info = set.info();
      journal.checkRange(info, fromLsn, toLsn);
      long count = target == Target.stdout ? toStdout(set, info, err) : toRabbit(set, info, err);
      err.println("replayed " + count + " messages from journal " + journal.describe()
          + (target == Target.stdout ? " to stdout" : " to exchange '" + exchangeName() + "'"));
      err.flush();
    }
    return 0;
  }

  private String exchangeName() throws Exception {
    return exchange != null ? exchange : journal.configuration().rabbitmq().exchange();
  }

  private long toStdout(JournalSet set, JournalInfo info, PrintWriter err) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    RecordJson json = new RecordJson(out);
    return replay(set, info, err, json::write);
  }

  private long toRabbit(JournalSet set, JournalInfo info, PrintWriter err) throws Exception {
    PgcdcConfig config = journal.configuration();
    try (ReplayPublisher publisher = new ReplayPublisher(
        Connections.rabbitmq(config.rabbitmq(), "pgcdc-replay"), exchangeName())) {
      replay(set, info, err, publisher::publish);
      return publisher.finish();
    }
  }

  /** Where each entry goes; IOException ends the replay. */
  private interface Sink {
    void accept(JournalRecord r) throws IOException;
  }

  private long replay(JournalSet set, JournalInfo info, PrintWriter err, Sink sink) throws IOException {
    long count = 0;
    long nextProgress = System.currentTimeMillis() + progressMillis;
    try (JournalReader reader = set.reader()) {
      reader.seek(fromLsn);
      JournalRecord r = new JournalRecord();
      while (reader.next(r)) {
        if (toLsn != null && Long.compareUnsigned(r.commitLsn(), toLsn) > 0) {
          break;
        }
        sink.accept(r);
        count++;
        if (System.currentTimeMillis() >= nextProgress) {
          nextProgress = System.currentTimeMillis() + progressMillis;
          err.println("replay: " + count + " messages, at commit LSN " + Lsn.format(r.commitLsn())
              + " of " + Lsn.format(toLsn != null ? toLsn : info.lastCommitLsn()));
          err.flush();
        }
      }
    }
    return count;
  }
}
