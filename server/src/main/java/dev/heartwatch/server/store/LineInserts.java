package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Contract lines into their typed tables, batched: one fact, one row, every field in its own
 * column. The caller owns the transaction ({@link LineWriter}, the migration, the benchmark's
 * loader); {@link #execute} sends what was added.
 */
final class LineInserts implements AutoCloseable {
    private final PreparedStatement heartbeat;
    private final PreparedStatement outage;
    private final PreparedStatement probe;
    /**
     * Whether the heartbeats table has migration 9's columns (state, duration_ms, exit_status) and
     * migration 10's (period_ms, grace_ms).
     */
    private final boolean signals;

    LineInserts(Connection c) throws SQLException {
        this(c, true);
    }

    /**
     * @param signals false for the schema before migrations 9 and 10 (migration 2 fills the typed tables
     *                of version 2 with v1 lines, which carry none of its columns)
     */
    LineInserts(Connection c, boolean signals) throws SQLException {
        this.signals = signals;
        heartbeat = c.prepareStatement("INSERT INTO heartbeats(ts, device, stopping, ip, seq, sent_at, skew_ms, "
                + "agent_version, outages, note" + (signals ? ", state, duration_ms, exit_status, period_ms, grace_ms) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                : ") VALUES (?,?,?,?,?,?,?,?,?,?)"));
        outage = c.prepareStatement("INSERT INTO outages(ts, device, outage_id, agent_start, agent_end, cause, skew_ms, "
                + "detail, receiver_start, receiver_end) VALUES (?,?,?,?,?,?,?,?,?,?)");
        probe = c.prepareStatement("INSERT INTO probes(ts, ip, note) VALUES (?,?,?)");
    }

    void add(ContractLine line) throws SQLException {
        if (line instanceof HeartbeatLine h) {
            heartbeat.setLong(1, h.ts());
            heartbeat.setString(2, h.device());
            heartbeat.setInt(3, h.stopping() ? 1 : 0);
            heartbeat.setString(4, h.ip());
            setLong(heartbeat, 5, h.seq());
            setLong(heartbeat, 6, h.sentAt());
            setLong(heartbeat, 7, h.skewMs());
            heartbeat.setString(8, h.agentVersion());
            heartbeat.setInt(9, h.outages());
            heartbeat.setString(10, h.note());
            if (signals) {
                // Only the v2 states need the column: running and stopping are told by `stopping`.
                heartbeat.setString(11, h.start() || h.fail() ? h.state() : null);
                setLong(heartbeat, 12, h.durationMs());
                setLong(heartbeat, 13, h.exitStatus() == null ? null : h.exitStatus().longValue());
                setLong(heartbeat, 14, h.periodMs());
                setLong(heartbeat, 15, h.graceMs());
            }
            heartbeat.addBatch();
        } else if (line instanceof OutageLine o) {
            long skew = o.skewMs() == null ? 0 : o.skewMs();
            outage.setLong(1, o.ts());
            outage.setString(2, o.device());
            outage.setString(3, o.id());
            outage.setLong(4, o.start());
            outage.setLong(5, o.end());
            outage.setString(6, o.cause());
            setLong(outage, 7, o.skewMs());
            outage.setString(8, o.detail());
            // ReportedOutage#receiverStart's rule (agent time + skew where known), kept indexable.
            outage.setLong(9, o.start() + skew);
            outage.setLong(10, o.end() + skew);
            outage.addBatch();
        } else {
            ProbeLine p = (ProbeLine) line;
            probe.setLong(1, p.ts());
            probe.setString(2, p.ip());
            probe.setString(3, p.note());
            probe.addBatch();
        }
    }

    void execute() throws SQLException {
        heartbeat.executeBatch();
        outage.executeBatch();
        probe.executeBatch();
    }

    static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value);
        }
    }

    @Override
    public void close() throws SQLException {
        heartbeat.close();
        outage.close();
        probe.close();
    }
}
