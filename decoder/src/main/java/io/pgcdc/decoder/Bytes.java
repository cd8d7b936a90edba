package io.pgcdc.decoder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Unchecked big-endian reads from a {@code byte[]}; callers check bounds first. */
final class Bytes {
  private static final VarHandle INT16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Bytes() {
  }

  static int uint8(byte[] b, int offset) {
    return b[offset] & 0xFF;
  }

  static int int16(byte[] b, int offset) {
    return (short) INT16.get(b, offset);
  }

  static int int32(byte[] b, int offset) {
    return (int) INT32.get(b, offset);
  }

  static long int64(byte[] b, int offset) {
    return (long) INT64.get(b, offset);
  }
}
