package io.pgcdc.tools;

import io.pgcdc.decoder.Lsn;
import io.pgcdc.journal.Journal;
import io.pgcdc.journal.JournalInfo;
import io.pgcdc.journal.JournalReader;
import io.pgcdc.journal.JournalRecord;
import io.pgcdc.journal.JournalSet;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgcdc journal info|dump}: what the journal holds. Read-only; safe while a node appends. */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Show what the journal holds.",
    subcommands = {JournalCommand.Info.class, JournalCommand.Dump.class})
public final class JournalCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** {@code pgcdc journal} alone: usage, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return spec.exitCodeOnInvalidInput();
  }

  /** {@code pgcdc journal info}: LSN range, entries, size, oldest and newest commit time. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "LSN range, entries, size on disk, oldest and newest commit time.")
  static final class Info implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JournalOptions journal;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (JournalSet set = journal.open()) {
        JournalInfo info = set.info();
        row(out, "journal", journal.describe());
        row(out, "entries", String.valueOf(info.entries()));
        if (!info.isEmpty()) {
          row(out, "lsn range", info.range() + "   (first lsn .. highest commit lsn: replay --from-lsn takes LSNs in it)");
          row(out, "first entry", "lsn " + Lsn.format(info.firstLsn()) + ", commit lsn " + Lsn.format(info.firstCommitLsn()));
          // Not "last entry": a node that rewinds re-journals from the slot, so older commits can follow it.
          row(out, "highest commit", "lsn " + Lsn.format(info.lastLsn()) + ", commit lsn "
              + Lsn.format(info.lastCommitLsn()) + "   (newer entries may re-journal older transactions)");
          row(out, "commit time", info.oldestCommit() + " .. " + info.newestCommit());
        }
        row(out, "size", size(info.bytesOnDisk()) + " in " + info.files() + " roll-cycle files ("
            + Journal.ROLL_CYCLE + " each)");
        out.flush();
      }
      return 0;
    }

    /** One line: the label padded to the width of the longest one, then the value. */
    private static void row(PrintWriter out, String label, String value) {
      out.printf("%-16s%s%n", label, value);
    }

    /** {@code 250.9 KiB (256,888 bytes)}. */
    static String size(long bytes) {
      String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
      double value = bytes;
      int unit = 0;
      while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
      }
      return unit == 0 ? bytes + " bytes" : String.format("%.1f %s (%,d bytes)", value, units[unit], bytes);
    }
  }

  /** {@code pgcdc journal dump}: entries as JSON lines, from an LSN. */
  @Command(name = "dump", mixinStandardHelpOptions = true,
      description = "Print entries as JSON lines (merged by LSN when several --journal are given).")
  static final class Dump implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JournalOptions journal;

    @Option(names = "--from-lsn", paramLabel = "LSN", converter = LsnConverter.class,
        description = "Start at the first transaction committed at or after this LSN (default: the oldest entry).")
    Long fromLsn;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries.")
    Long limit;

    @Option(names = "--raw", description = "Every stored entry of each directory in append order, "
        + "duplicates from re-streams included (default: merged, each message once).")
    boolean raw;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      RecordJson json = new RecordJson(out);
      try (JournalSet set = journal.open()) {
        if (fromLsn != null) {
          journal.checkRange(set.info(), fromLsn, null);
        }
        long left = limit == null ? Long.MAX_VALUE : limit;
        if (raw) {
          for (Journal one : set.journals()) {
            left = dump(one.reader(), json, left);
          }
        } else {
          dump(set.reader(), json, left);
        }
      }
      return 0;
    }

    private long dump(JournalReader reader, RecordJson json, long left) throws Exception {
      try (reader) {
        if (fromLsn != null) {
          reader.seek(fromLsn);
        }
        JournalRecord r = new JournalRecord();
        while (left > 0 && reader.next(r)) {
          json.write(r);
          left--;
        }
      }
      return left;
    }
  }
}
