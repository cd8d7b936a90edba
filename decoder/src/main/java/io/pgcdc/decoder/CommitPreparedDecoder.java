package io.pgcdc.decoder;

/**
 * Commit Prepared ({@code 'K'}, protocol 3+):
 * {@code Int8 flags, Int64 commit_lsn, Int64 end_lsn, Int64 commit_time, Int32 xid, String gid}.
 * Flyweight, valid until the next {@link PgOutputDecoder#wrap}.
 */
public final class CommitPreparedDecoder extends TwoPhaseDecoder {
  /** Instances belong to a {@link PgOutputDecoder}. */
  CommitPreparedDecoder() {
  }

  void decode(MessageCursor c) {
    buffer = c.buffer();
    offset = c.skip(1, "flags");
    c.skip(8, "commit_lsn");
    c.skip(8, "end_lsn");
    c.skip(8, "commit_time");
    xidAndGid(c);
  }

  public int flags() {
    return Bytes.uint8(buffer, offset);
  }

  public long commitLsn() {
    return Bytes.int64(buffer, offset + 1);
  }

  public long endLsn() {
    return Bytes.int64(buffer, offset + 9);
  }

  public long commitTime() {
    return Bytes.int64(buffer, offset + 17);
  }
}
