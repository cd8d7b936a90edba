package io.pgcdc.tools.fault;

/** Packs a fault-table row identity ({@code k}, {@code seq}) into one {@code long}. */
final class RowId {
  private RowId() {}

  static long of(int key, int seq) {
    return ((long) key << 32) | (seq & 0xFFFF_FFFFL);
  }

  static int key(long row) {
    return (int) (row >>> 32);
  }

  static int seq(long row) {
    return (int) row;
  }

  static String format(long row) {
    return "k=" + key(row) + " seq=" + seq(row);
  }
}
