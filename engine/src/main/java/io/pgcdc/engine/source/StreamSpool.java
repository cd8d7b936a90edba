package io.pgcdc.engine.source;

import io.pgcdc.decoder.MessageType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Holds the changes of large in-progress transactions that PostgreSQL streams (pgoutput protocol
 * v2, {@code streaming 'on'}) on disk until their Stream Commit, then hands them back as one
 * ordinary protocol-v1 transaction; an aborted transaction (or subtransaction) is dropped. Memory
 * stays bounded whatever the transaction size: only buffered I/O streams are in memory.
 *
 * <pre>
 *   Stream Start(xid) [Origin] .. data(xid|subxid, ...) .. Stream Stop  (repeated, interleaved with others)
 *   Stream Commit(xid, commit LSN, end LSN, ts) -&gt; Begin, [Origin], data..., Commit   (v1 layout)
 *   Stream Abort(xid, subxid)                   -&gt; drop subxid's changes (all when subxid == xid)
 *
 *   spool file per xid, records:  int length | long walStart | int subxid | message (v1 layout)
 * </pre>
 *
 * <p>Only the messages that {@link MessageType#hasStreamXid()} (Relation, Type, Insert, Update,
 * Delete, Truncate, Message) carry the Int32 (sub)transaction id inside a stream; it is removed,
 * which gives their v1 layout. Every other message is spooled as sent, under the top-level xid: the
 * Origin that pgoutput sends after the first Stream Start of a transaction from another origin has
 * no xid field, and cutting four bytes from it would garble its origin LSN and name.
 *
 * <p>Threading: slot-reader thread only. {@link #clear()} after a reconnect: the server streams
 * every in-progress transaction again from its start.
 */
final class StreamSpool implements AutoCloseable {
  /** Receives replayed messages in order. */
  interface Replay {
    void message(long walStart, byte[] buffer, int length) throws Exception;
  }

  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path dir;
  private final Map<Long, DataOutputStream> open = new HashMap<>();
  private final Map<Long, Set<Long>> abortedSubtransactions = new HashMap<>();
  private byte[] buffer = new byte[1024];
  private long currentXid = -1;
  private DataOutputStream current;

  StreamSpool(Path dir) {
    this.dir = dir;
  }

  /**
   * Appends a message streamed inside a block of top-level transaction {@code xid}, dropping its
   * xid prefix when its type has one.
   */
  void append(long xid, long walStart, ByteBuffer message) {
    int p = message.position();
    MessageType type = MessageType.fromCode(message.get(p));
    int prefix = type != null && type.hasStreamXid() ? Integer.BYTES : 0;
    int length = message.remaining() - prefix;
    try {
      DataOutputStream out = xid == currentXid ? current : open.get(xid);
      if (out == null) {
        Files.createDirectories(dir);
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(xid)), BUFFER_BYTES));
        open.put(xid, out);
      }
      currentXid = xid;
      current = out;
      out.writeInt(length);
      out.writeLong(walStart);
      out.writeInt(prefix == 0 ? (int) xid : message.getInt(p + 1));
      out.write(message.get(p));
      out.write(message.array(), message.arrayOffset() + p + 1 + prefix, length - 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool streamed transaction " + xid + " to " + dir, e);
    }
  }

  /** Stream Abort: drops the subtransaction's changes, or the whole transaction. */
  void abort(long xid, long subXid) {
    if (xid == subXid) {
      discard(xid);
    } else {
      abortedSubtransactions.computeIfAbsent(xid, x -> new HashSet<>()).add(subXid);
    }
  }

  /** Stream Commit: replays the transaction's surviving changes in order, then deletes its file. */
  void commit(long xid, Replay replay) throws Exception {
    DataOutputStream out = open.get(xid);
    if (out == null) {
      abortedSubtransactions.remove(xid);
      return;
    }
    out.flush();
    Set<Long> aborted = abortedSubtransactions.getOrDefault(xid, Set.of());
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(xid)),
        BUFFER_BYTES))) {
      while (in.available() > 0) {
        int length = in.readInt();
        long walStart = in.readLong();
        long subXid = Integer.toUnsignedLong(in.readInt());
        if (length > buffer.length) {
          buffer = new byte[Math.max(length, buffer.length * 2)];
        }
        in.readFully(buffer, 0, length);
        if (!aborted.contains(subXid)) {
          replay.message(walStart, buffer, length);
        }
      }
    } finally {
      discard(xid);
    }
  }

  /** Forgets every transaction in progress (after a reconnect or at close). */
  void clear() {
    for (Long xid : Set.copyOf(open.keySet())) {
      discard(xid);
    }
    abortedSubtransactions.clear();
  }

  private void discard(long xid) {
    if (xid == currentXid) {
      currentXid = -1;
      current = null;
    }
    abortedSubtransactions.remove(xid);
    DataOutputStream out = open.remove(xid);
    try {
      if (out != null) {
        out.close();
      }
      Files.deleteIfExists(file(xid));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete spool file of transaction " + xid + " in " + dir, e);
    }
  }

  private Path file(long xid) {
    return dir.resolve("xid-" + xid + ".spool");
  }

  /** Forgets everything and removes the spool directory when it is empty. */
  @Override
  public void close() {
    clear();
    try {
      Files.deleteIfExists(dir);
    } catch (IOException stillUsed) {
      // Not empty (files of another process) or already gone: leave it.
    }
  }
}
