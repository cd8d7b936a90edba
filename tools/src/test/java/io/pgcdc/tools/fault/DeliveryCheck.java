package io.pgcdc.tools.fault;

import io.pgcdc.decoder.Lsn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The at-least-once, per-key-order and stable-id checks of the fault tests, as plain functions of
 * what the database committed and what the consumer received. Each problem is one readable line.
 *
 * <ul>
 *   <li><b>nothing lost</b>: every committed row arrived at least once;
 *   <li><b>nothing invented</b>: every row event names a committed row;
 *   <li><b>per-key order</b>: for each key, the seq values in order of their <em>first</em>
 *       arrival strictly increase (a re-send after a fault may repeat older seqs, but a seq never
 *       arrives for the first time after a higher one);
 *   <li><b>stable ids</b>: every delivery of a row carries the same message-id, no two rows share
 *       one, and ids have the {@code <slot>/<commit LSN>/<ordinal>} shape.
 * </ul>
 *
 * <p>Threading: stateless; call after the consumer is drained.
 */
public final class DeliveryCheck {
  /** Enough examples to diagnose, few enough to read. */
  private static final int EXAMPLES = 10;

  private DeliveryCheck() {}

  /** Runs every check above. */
  public static Verdict verify(List<CommittedRow> committed, List<Delivery> deliveries, String slot) {
    List<String> problems = new ArrayList<>();
    Map<Long, String> idOfRow = new HashMap<>();
    Map<String, Long> rowOfId = new HashMap<>();
    Map<Integer, Integer> lastFirstSeq = new HashMap<>();
    Pattern idShape = Pattern.compile(Pattern.quote(slot) + "/[0-9A-F]{1,8}/[0-9A-F]{1,8}/[0-9]+");
    Problems ids = new Problems("message-id");
    Problems order = new Problems("per-key order");
    int rows = 0;
    for (Delivery d : deliveries) {
      if (!d.isRow()) {
        continue;
      }
      rows++;
      if (d.messageId() == null || !idShape.matcher(d.messageId()).matches()) {
        ids.add("delivery #" + d.arrival() + " (" + RowId.format(d.row()) + ") has message-id " + d.messageId()
            + ", expected " + slot + "/<commit LSN>/<ordinal>");
      }
      String firstId = idOfRow.putIfAbsent(d.row(), d.messageId());
      if (firstId == null) {
        Integer previous = lastFirstSeq.put(d.key(), d.seq());
        if (previous != null && d.seq() <= previous) {
          order.add("key " + d.key() + ": seq " + d.seq() + " first arrived (delivery #" + d.arrival()
              + ") after seq " + previous);
        }
        Long other = rowOfId.putIfAbsent(d.messageId(), d.row());
        if (other != null) {
          ids.add("message-id " + d.messageId() + " names both " + RowId.format(other) + " and "
              + RowId.format(d.row()));
        }
      } else if (!firstId.equals(d.messageId())) {
        ids.add(RowId.format(d.row()) + " re-sent as " + d.messageId() + " (delivery #" + d.arrival()
            + "), first sent as " + firstId);
      }
    }
    Set<Long> committedRows = new HashSet<>();
    Problems missing = new Problems("lost");
    for (CommittedRow row : committed) {
      committedRows.add(row.row());
      if (!idOfRow.containsKey(row.row())) {
        missing.add("committed row id=" + row.id() + " " + RowId.format(row.row()) + " never arrived");
      }
    }
    Problems invented = new Problems("invented");
    for (Long row : idOfRow.keySet()) {
      if (!committedRows.contains(row)) {
        invented.add(RowId.format(row) + " arrived but was never committed");
      }
    }
    missing.into(problems);
    invented.into(problems);
    order.into(problems);
    ids.into(problems);
    return new Verdict(committed.size(), rows, idOfRow.size(), rows - idOfRow.size(), List.copyOf(problems));
  }

  /**
   * The "flushed never passes the queue" check: every row certainly committed before
   * {@code flushedLsn} (a later row's INSERT already saw a WAL position at or below it) must be
   * among {@code received}. Call with the slot's {@code confirmed_flush_lsn} read while pgcdc was
   * dead or frozen, after draining the queue.
   */
  public static List<String> flushCoverage(long flushedLsn, List<CommittedRow> committed, Set<Long> received) {
    Problems uncovered = new Problems("flushed past the queue");
    // commit LSN(row) < insertLsn(any later row): scan backwards keeping the nearest known bound.
    long bound = 0;
    for (int i = committed.size() - 1; i >= 0; i--) {
      CommittedRow row = committed.get(i);
      if (bound != 0 && Long.compareUnsigned(bound, flushedLsn) <= 0 && !received.contains(row.row())) {
        uncovered.add("row id=" + row.id() + " " + RowId.format(row.row()) + " committed before "
            + Lsn.format(bound) + " <= confirmed_flush_lsn " + Lsn.format(flushedLsn)
            + " but is not in the queue");
      }
      if (row.insertLsn() != 0) {
        bound = row.insertLsn();
      }
    }
    List<String> problems = new ArrayList<>();
    uncovered.into(problems);
    return problems;
  }

  /**
   * How many of {@code committed} (a prefix, in commit order) certainly lie below
   * {@code flushedLsn}: how far the slot had moved, in rows.
   */
  public static int rowsBelow(long flushedLsn, List<CommittedRow> committed) {
    int below = 0;
    for (int i = 1; i < committed.size(); i++) {
      long next = committed.get(i).insertLsn();
      if (next != 0 && Long.compareUnsigned(next, flushedLsn) <= 0) {
        below = i; // rows 0..i-1 committed before row i's insert position
      }
    }
    return below;
  }

  /**
   * Zombie-leader check for cluster tests: among first deliveries (re-deliveries by our own
   * consumer excluded), an epoch never follows a higher one.
   */
  public static List<String> epochRegressions(List<Delivery> deliveries) {
    Problems regressions = new Problems("epoch");
    long highest = Long.MIN_VALUE;
    for (Delivery d : deliveries) {
      if (d.redelivered() || d.epoch() < 0) {
        continue;
      }
      if (d.epoch() < highest) {
        regressions.add("delivery #" + d.arrival() + " " + d.messageId() + " has epoch " + d.epoch()
            + " after epoch " + highest + " was seen");
      }
      highest = Math.max(highest, d.epoch());
    }
    List<String> problems = new ArrayList<>();
    regressions.into(problems);
    return problems;
  }

  /**
   * The outcome of {@link #verify}.
   *
   * @param committed rows the database holds
   * @param deliveries row events received, duplicates included
   * @param distinct distinct rows received
   * @param duplicates re-sent row events ({@code deliveries - distinct})
   * @param problems one line per problem; empty when every check passed
   */
  public record Verdict(int committed, int deliveries, int distinct, int duplicates, List<String> problems) {
    public String summary() {
      return committed + " rows committed, " + deliveries + " row events received (" + distinct + " distinct, "
          + duplicates + " re-sent), " + problems.size() + " problem lines";
    }
  }

  /** Up to {@link #EXAMPLES} examples of one kind of problem plus how many there were. */
  static final class Problems {
    private final String kind;
    private final List<String> examples = new ArrayList<>();
    private int count;

    Problems(String kind) {
      this.kind = kind;
    }

    void add(String problem) {
      if (count++ < EXAMPLES) {
        examples.add(kind + ": " + problem);
      }
    }

    void into(List<String> problems) {
      problems.addAll(examples);
      if (count > EXAMPLES) {
        problems.add(kind + ": ... " + (count - EXAMPLES) + " more");
      }
    }
  }
}
