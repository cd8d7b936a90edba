package io.pgcdc.engine.preflight;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One row of {@code pg_replication_slots}, with LSNs as {@code long} and the lag computed by the
 * server ({@code pg_current_wal_lsn() - confirmed_flush_lsn}). Used by {@code check} and
 * {@code slot status}.
 *
 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost} (PG 13+)
 * @param conflicting invalidated by recovery conflict (PG 16+; false before)
 * @param twoPhase created with {@code two_phase = true}: the server decodes prepared transactions at
 *     PREPARE even for a client that does not ask for it (PG 14+; false before)
 */
public record SlotState(String name, String plugin, String slotType, String database, boolean active, Integer activePid,
                        long confirmedFlushLsn, long restartLsn, long lagBytes, String walStatus, boolean conflicting,
                        boolean twoPhase) {

  /** True when the server has invalidated the slot: it can never stream again. */
  public boolean invalidated() {
    return "lost".equals(walStatus) || conflicting;
  }

  /** Reads the slot named {@code name}, if it exists. */
  public static Optional<SlotState> read(Connection db, String name) throws SQLException {
    int version = serverVersion(db);
    String conflicting = version >= 160000 ? "coalesce(conflicting, false)" : "false";
    String walStatus = version >= 130000 ? "wal_status" : "NULL::text";
    String twoPhase = version >= 140000 ? "two_phase" : "false";
    String sql = "SELECT slot_name, plugin, slot_type, database, active, active_pid,"
        + " coalesce((confirmed_flush_lsn - '0/0')::bigint, 0),"
        + " coalesce((restart_lsn - '0/0')::bigint, 0),"
        + " coalesce((pg_current_wal_lsn() - confirmed_flush_lsn)::bigint, 0),"
        + " " + walStatus + ", " + conflicting + ", " + twoPhase
        + " FROM pg_replication_slots WHERE slot_name = ?";
    try (PreparedStatement st = db.prepareStatement(sql)) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        int pid = rs.getInt(6);
        Integer activePid = rs.wasNull() ? null : pid;
        return Optional.of(new SlotState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getBoolean(5), activePid, rs.getLong(7), rs.getLong(8), rs.getLong(9),
            rs.getString(10), rs.getBoolean(11), rs.getBoolean(12)));
      }
    }
  }

  /** {@code server_version_num}, e.g. 150004. */
  public static int serverVersion(Connection db) throws SQLException {
    try (PreparedStatement st = db.prepareStatement("SELECT current_setting('server_version_num')::int");
         ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
