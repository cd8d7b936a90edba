package io.pgcdc.decoder.json;

/**
 * An open-addressing map from a non-zero {@code int} key (a type OID) to a value: one probe
 * sequence over two arrays, no boxing, no allocation on {@link #get}. Built once, then only
 * read: not thread-safe while being filled, safe to read from any thread once published
 * through a {@code volatile} field.
 */
final class IntMap<V> {
  private int[] keys;
  private Object[] values;
  private int size;

  IntMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
    keys = new int[capacity];
    values = new Object[capacity];
  }

  @SuppressWarnings("unchecked")
  V get(int key) {
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == key) {
        return (V) values[i];
      }
      if (k == 0) {
        return null;
      }
    }
  }

  void put(int key, V value) {
    if (key == 0) {
      throw new IllegalArgumentException("key 0 is reserved for empty slots");
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != 0 && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (keys[i] == 0) {
      size++;
    }
    keys[i] = key;
    values[i] = value;
  }

  int size() {
    return size;
  }

  private void grow() {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new Object[oldValues.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        @SuppressWarnings("unchecked")
        V value = (V) oldValues[i];
        put(oldKeys[i], value);
      }
    }
  }

  private static int mix(int key) {
    // OIDs are dense and sequential: spread them so neighbours do not cluster.
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
