package io.pgcdc.tools;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.engine.config.ConfigException;
import io.pgcdc.engine.config.PgcdcConfig;
import io.pgcdc.journal.JournalException;
import io.pgcdc.journal.JournalInfo;
import io.pgcdc.journal.JournalSet;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --journal DIR ...} plus {@code --config FILE}, shared by {@code replay} and
 * {@code journal info|dump}. Without {@code --journal} the directory is {@code journal.dir} of the
 * configuration. Several directories (one per cluster node) are read as one merged journal.
 */
final class JournalOptions {

  /** Journal tools never talk to PostgreSQL, so a missing source.url must not stop them. */
  private static final String NO_SOURCE_YAML = "source:\n  url: jdbc:postgresql://unused.invalid/unused\n";

  @Mixin
  ConfigOption config;

  @Option(names = "--journal", paramLabel = "DIR", arity = "1..*",
      description = "Journal directory; repeat (or list several) to merge the journals of several "
          + "cluster nodes by LSN, each message once. Default: journal.dir of the configuration.")
  List<Path> dirs;

  private PgcdcConfig loaded;

  /**
   * The configuration: the {@code --config} file when given (fully validated), else the
   * environment with a placeholder source, so that {@code PGCDC_JOURNAL_DIR} and
   * {@code PGCDC_SINK_RABBITMQ_*} still apply.
   */
  PgcdcConfig configuration() throws ConfigException {
    if (loaded == null) {
      loaded = config.file() != null ? config.load() : PgcdcConfig.parse(NO_SOURCE_YAML, System.getenv());
    }
    return loaded;
  }

  List<Path> directories() throws ConfigException {
    return dirs != null && !dirs.isEmpty() ? dirs : List.of(configuration().journal().dir());
  }

  /** Opens the journals read-only; a missing directory is a {@link UserException}. */
  JournalSet open() throws ConfigException {
    try {
      return JournalSet.openReadOnly(directories());
    } catch (JournalException e) {
      throw new UserException(e.getMessage(), e);
    }
  }

  /** Names the directories for messages: {@code /a, /b}. */
  String describe() throws ConfigException {
    return directories().stream().map(Path::toString).collect(Collectors.joining(", "));
  }

  /**
   * Fails with one line naming the range the journal holds unless a read can start at
   * {@code fromLsn} and (when given) end at {@code toLsn}.
   */
  void checkRange(JournalInfo info, long fromLsn, Long toLsn) throws ConfigException {
    String where = " (journal " + describe() + ")";
    if (info.isEmpty()) {
      throw new UserException("the journal is empty, nothing to read" + where);
    }
    if (!info.canReplayFrom(fromLsn)) {
      throw new UserException("--from-lsn " + Lsn.format(fromLsn)
          + " is outside the journal, which holds LSNs " + info.range() + where
          + "; pass an LSN in that range");
    }
    if (toLsn != null && Long.compareUnsigned(toLsn, fromLsn) < 0) {
      throw new UserException("--to-lsn " + Lsn.format(toLsn) + " is before --from-lsn "
          + Lsn.format(fromLsn) + "; the journal holds LSNs " + info.range() + where);
    }
  }
}
