package io.pgcdc.decoder;

/**
 * Commit ({@code 'C'}): {@code Int8 flags (unused), Int64 commit_lsn, Int64 end_lsn, Int64 commit_time}.
 * Also Stream Commit ({@code 'c'}) after its {@code Int32 xid}, see {@link StreamCommitDecoder}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public class CommitDecoder {
  byte[] buffer;
  int offset;

  /** Instances belong to a {@link PgOutputDecoder}. */
  CommitDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(1, "flags");
    c.skip(8, "commit_lsn");
    c.skip(8, "end_lsn");
    c.skip(8, "commit_time");
  }

  public int flags() {
    return Bytes.uint8(buffer, offset);
  }

  /** LSN of the commit record. */
  public long commitLsn() {
    return Bytes.int64(buffer, offset + 1);
  }

  /** End LSN of the transaction: what the slot may be flushed to once everything is delivered. */
  public long endLsn() {
    return Bytes.int64(buffer, offset + 9);
  }

  /** Commit time, microseconds since 2000-01-01 UTC ({@link PgTimestamp}). */
  public long commitTime() {
    return Bytes.int64(buffer, offset + 17);
  }
}
