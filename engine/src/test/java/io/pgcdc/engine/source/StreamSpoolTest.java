package io.pgcdc.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamSpoolTest {
  @TempDir
  Path dir;

  /** A streamed data message: type, (sub)xid, one payload byte. */
  private static ByteBuffer streamed(char type, int xid, int payload) {
    return ByteBuffer.wrap(new byte[] {(byte) type, 0, 0, 0, (byte) xid, (byte) payload});
  }

  private List<String> replay(StreamSpool spool, long xid) throws Exception {
    List<String> got = new ArrayList<>();
    spool.commit(xid, (walStart, buffer, length) ->
        got.add(walStart + ":" + Arrays.toString(Arrays.copyOf(buffer, length))));
    return got;
  }

  @Test
  void replaysCommittedChangesInOrderWithoutTheirXidPrefix() throws Exception {
    StreamSpool spool = new StreamSpool(dir.resolve("spool"));
    spool.append(7, 100, streamed('I', 7, 1));
    spool.append(8, 150, streamed('I', 8, 9));
    spool.append(7, 200, streamed('U', 7, 2));
    assertThat(replay(spool, 7)).containsExactly("100:[73, 1]", "200:[85, 2]");
    assertThat(replay(spool, 8)).containsExactly("150:[73, 9]");
    assertThat(replay(spool, 7)).as("a commit consumes the spool").isEmpty();
  }

  @Test
  void anOriginInsideAStreamIsReplayedByteForByteBecauseItHasNoXidPrefix() throws Exception {
    // pgoutput sends Origin right after the first Stream Start of a transaction from another origin,
    // as its own message: 'O', Int64 origin LSN (0 in a stream), String name; no Int32 xid.
    byte[] origin = ByteBuffer.allocate(12).put((byte) 'O').putLong(0).put(new byte[] {'a', 'b', 0}).array();
    StreamSpool spool = new StreamSpool(dir.resolve("spool"));
    spool.append(7, 100, ByteBuffer.wrap(origin.clone()));
    spool.append(7, 200, streamed('I', 7, 1));

    assertThat(replay(spool, 7)).containsExactly("100:" + Arrays.toString(origin), "200:[73, 1]");
  }

  @Test
  void dropsRolledBackSubtransactionsAndAbortedTransactions() throws Exception {
    StreamSpool spool = new StreamSpool(dir.resolve("spool"));
    spool.append(7, 100, streamed('I', 7, 1));
    spool.append(7, 200, streamed('I', 9, 2));
    spool.append(7, 300, streamed('I', 7, 3));
    spool.abort(7, 9);
    assertThat(replay(spool, 7)).containsExactly("100:[73, 1]", "300:[73, 3]");

    spool.append(8, 400, streamed('I', 8, 4));
    spool.abort(8, 8);
    assertThat(replay(spool, 8)).isEmpty();
    try (var files = Files.list(dir.resolve("spool"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void closeForgetsTransactionsInProgressAndRemovesTheDirectory() {
    StreamSpool spool = new StreamSpool(dir.resolve("spool"));
    spool.append(7, 100, streamed('I', 7, 1));
    spool.close();
    assertThat(dir.resolve("spool")).doesNotExist();
  }
}
