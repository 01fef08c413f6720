package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.outage.ReportCheck;
import dev.heartwatch.core.outage.ReportClip;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The writer's clipping step: each {@code [outage]} report of a batch checked against the
 * store's own record by core's {@link ReportCheck}, in the batch's transaction after its beats,
 * runs and devices are written (so the beat that carried the report counts), and the interval
 * it allows stored beside the one reported. Reports are rare (one per outage), so a few indexed
 * reads each cost nothing next to the batch's heartbeats.
 *
 * <p>The beats are found through the {@linkplain BeatRuns runs}: the last run of the device that
 * began before the bound. If it ended before the bound, its last beat is the latest; if it goes
 * on past the bound, its beats are at most their gap limit apart (the threshold, or a check's
 * period + grace: {@link BeatRuns}), so a backwards scan of the heartbeats' time index from the
 * bound finds one within that limit's worth of rows.
 */
final class ReportChecks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReportChecks.class.getName());
    private final PreparedStatement firstSeen;
    private final PreparedStatement runBefore;
    private final PreparedStatement beatBefore;
    private final PreparedStatement store;

    ReportChecks(Connection c) throws SQLException {
        firstSeen = c.prepareStatement("SELECT first_seen FROM devices WHERE device = ?");
        runBefore = c.prepareStatement("SELECT first_beat, last_beat FROM beat_runs INDEXED BY beat_runs_device "
                + "WHERE device = ? AND first_beat < ? ORDER BY first_beat DESC LIMIT 1");
        beatBefore = c.prepareStatement("SELECT ts FROM heartbeats WHERE ts > ? AND ts < ? AND device = ? "
                + "ORDER BY ts DESC LIMIT 1");
        // The row just inserted for this report: the newest of its (device, id) received at ts.
        store = c.prepareStatement("UPDATE outages SET clipped_start = ?, clipped_end = ?, clip = ? WHERE id = "
                + "(SELECT max(id) FROM outages WHERE device = ? AND ts = ? AND outage_id = ?)");
    }

    /** Checks one report already inserted in this transaction and stores the verdict. */
    void check(OutageLine o) throws SQLException {
        long skew = o.skewMs() == null ? 0 : o.skewMs();
        Instant start = Instant.ofEpochMilli(o.start() + skew);
        Instant end = Instant.ofEpochMilli(o.end() + skew);
        if (end.isBefore(start)) {
            return; // says nothing; every reader skips it
        }
        ReportClip clip = ReportCheck.check(start, end, Instant.ofEpochMilli(o.ts()), firstSeen(o.device()),
                (after, before) -> latestBeat(o.device(), after.toEpochMilli(), before.toEpochMilli()));
        LineInserts.setLong(store, 1, clip.start() == null ? null : clip.start().toEpochMilli());
        LineInserts.setLong(store, 2, clip.end() == null ? null : clip.end().toEpochMilli());
        store.setString(3, clip.reason().code());
        store.setString(4, o.device());
        store.setLong(5, o.ts());
        store.setString(6, o.id());
        store.executeUpdate();
        if (clip.clipped()) {
            // Device and outage ids passed the contract's patterns (docs/contract.md §1, §3): safe in a log line.
            LOG.info("outage report " + o.id() + " of " + o.device() + (clip.rejected() ? " not counted (" : " clipped (")
                    + clip.reason().code() + "): reported " + clip.reportedDuration() + ", counted " + clip.duration());
        }
    }

    private Instant firstSeen(String device) throws SQLException {
        firstSeen.setString(1, device);
        try (ResultSet rs = firstSeen.executeQuery()) {
            return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : null;
        }
    }

    private Optional<Instant> latestBeat(String device, long after, long before) {
        try {
            long first;
            long last;
            runBefore.setString(1, device);
            runBefore.setLong(2, before);
            try (ResultSet rs = runBefore.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                first = rs.getLong(1);
                last = rs.getLong(2);
            }
            if (last < before) {
                return last > after ? Optional.of(Instant.ofEpochMilli(last)) : Optional.empty();
            }
            beatBefore.setLong(1, Math.max(after, first - 1));
            beatBefore.setLong(2, before);
            beatBefore.setString(3, device);
            try (ResultSet rs = beatBefore.executeQuery()) {
                return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw Database.failure(e);
        }
    }

    @Override
    public void close() throws SQLException {
        firstSeen.close();
        runBefore.close();
        beatBefore.close();
        store.close();
    }
}
