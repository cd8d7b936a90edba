package io.pgcdc.decoder;

import java.util.Arrays;

/**
 * Open-addressing {@code int -> V} map with linear probing: relation and type OIDs without boxing,
 * so the per-message lookup allocates nothing. No removal (the cache only replaces or clears).
 */
final class IntObjectMap<V> {
  private int[] keys;
  private Object[] values;
  private int size;

  IntObjectMap(int capacity) {
    int n = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1);
    keys = new int[n];
    values = new Object[n];
  }

  @SuppressWarnings("unchecked")
  V get(int key) {
    int mask = keys.length - 1;
    for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
      Object v = values[i];
      if (v == null) {
        return null;
      }
      if (keys[i] == key) {
        return (V) v;
      }
    }
  }

  /** Puts and returns the previous value. {@code value} must not be null. */
  @SuppressWarnings("unchecked")
  V put(int key, V value) {
    int mask = keys.length - 1;
    int i = hash(key) & mask;
    while (values[i] != null) {
      if (keys[i] == key) {
        V old = (V) values[i];
        values[i] = value;
        return old;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++size * 2 > keys.length) {
      grow();
    }
    return null;
  }

  int size() {
    return size;
  }

  void clear() {
    Arrays.fill(values, null);
    size = 0;
  }

  @SuppressWarnings("unchecked")
  void forEachValue(java.util.function.Consumer<? super V> action) {
    for (Object v : values) {
      if (v != null) {
        action.accept((V) v);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void grow() {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new Object[oldValues.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != null) {
        put(oldKeys[i], (V) oldValues[i]);
      }
    }
  }

  private static int hash(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
