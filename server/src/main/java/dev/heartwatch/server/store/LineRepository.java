package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import dev.heartwatch.core.outage.CheckedReports;
import dev.heartwatch.core.outage.ReportClip;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored facts (heartbeats, outage reports, probes; written by {@link LineWriter}) read
 * back as typed values, the canonical text of each for export and {@code history --server}
 * ({@link LineCodec#encode} of the typed row: the text is produced, never parsed), and their
 * retention.
 */
public final class LineRepository {
    private static final String HEARTBEAT_COLUMNS = "ts, device, stopping, ip, seq, sent_at, skew_ms, agent_version, outages, note, "
            + "state, duration_ms, exit_status, period_ms, grace_ms";
    private static final String OUTAGE_COLUMNS = "ts, device, outage_id, agent_start, agent_end, cause, skew_ms, detail";
    /** The report's verdict ({@link ReportChecks}): columns 9 to 11 after {@link #OUTAGE_COLUMNS}. */
    private static final String VERDICT_COLUMNS = "clipped_start, clipped_end, clip";
    private static final int PRUNE_CHUNK = 5_000;

    private final Database db;

    LineRepository(Database db) {
        this.db = db;
    }

    /** A device's heartbeats with receiver time in [from, to], oldest first (a time-range scan). */
    public List<Beat> beats(String device, Instant from, Instant to) {
        return db.inTransaction(c -> {
            List<Beat> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT ts, stopping FROM heartbeats WHERE ts BETWEEN ? AND ? AND device = ? ORDER BY ts")) {
                ps.setLong(1, from.toEpochMilli());
                ps.setLong(2, to.toEpochMilli());
                ps.setString(3, device);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant at = Instant.ofEpochMilli(rs.getLong(1));
                        out.add(rs.getInt(2) == 1 ? Beat.stopping(device, at) : Beat.of(device, at));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Addresses that sent at least {@code minProbes} probes since {@code from} and no heartbeat
     * since then, most probes first, at most {@code max}: two time-range scans on the {@code ts}
     * indexes, the heartbeats' only for addresses that probed that much.
     */
    public List<ProbeSender> probeSendersWithoutBeats(Instant from, int minProbes, int max) {
        return db.inTransaction(c -> {
            List<ProbeSender> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT p.ip, count(*) AS n, max(p.ts) FROM probes p "
                    + "WHERE p.ts >= ? AND p.ip IS NOT NULL GROUP BY p.ip HAVING count(*) >= ? "
                    + "AND NOT EXISTS (SELECT 1 FROM heartbeats h WHERE h.ts >= ? AND h.ip = p.ip) "
                    + "ORDER BY n DESC, p.ip LIMIT ?")) {
                ps.setLong(1, from.toEpochMilli());
                ps.setInt(2, minProbes);
                ps.setLong(3, from.toEpochMilli());
                ps.setInt(4, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ProbeSender(rs.getString(1), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3))));
                    }
                }
            }
            return out;
        });
    }

    /**
     * A device's outage reports received in [from, to], duplicates included (the merge drops them).
     * Like every read of reports for history, each as the record allows it: the clipped interval
     * on the receiver's clock where it was clipped, rejected ones left out (they stay stored).
     */
    public List<ReportedOutage> reportsReceived(String device, Instant from, Instant to) {
        return reports("WHERE device = ? AND ts BETWEEN ? AND ? ORDER BY id", device, from.toEpochMilli(), to.toEpochMilli());
    }

    /**
     * The outage reports (of {@code device} only, when not null) whose receiver-clock interval
     * overlaps [from, to], however late they arrived: a report received today of an outage 300
     * days ago is found in that period's history. Clipped as {@link #reportsReceived}; the
     * reported interval holds the clipped one, so its index finds both.
     */
    public List<ReportedOutage> reportsOverlapping(String device, Instant from, Instant to) {
        return reportsOverlapping(device == null ? null : List.of(device), from, to);
    }

    /** {@link #reportsOverlapping(String, Instant, Instant)} of {@code devices} (every device's when null). */
    public List<ReportedOutage> reportsOverlapping(Collection<String> devices, Instant from, Instant to) {
        String where = "WHERE receiver_end >= ? AND receiver_start <= ? ";
        if (devices == null) {
            return reports(where + "ORDER BY id", from.toEpochMilli(), to.toEpochMilli());
        }
        if (devices.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(List.of(from.toEpochMilli(), to.toEpochMilli()));
        params.addAll(devices);
        return reports(where + "AND device IN (" + Database.placeholders(devices.size()) + ") ORDER BY id", params.toArray());
    }

    /** The reports the {@code where} clause selects, its {@code ?} bound in order (strings and longs). */
    private List<ReportedOutage> reports(String where, Object... params) {
        return db.inTransaction(c -> {
            List<ReportedOutage> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + OUTAGE_COLUMNS + ", " + VERDICT_COLUMNS
                    + " FROM outages " + where)) {
                for (int i = 0; i < params.length; i++) {
                    if (params[i] instanceof Long l) {
                        ps.setLong(i + 1, l);
                    } else {
                        ps.setString(i + 1, (String) params[i]);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OutageLine o = counted(rs);
                        if (o != null) {
                            out.add(new ReportedOutage(o.device(), o.id(), Instant.ofEpochMilli(o.start()), Instant.ofEpochMilli(o.end()),
                                    o.cause(), o.detail(), o.skewMs() == null ? null : Duration.ofMillis(o.skewMs())));
                        }
                    }
                }
            }
            return out;
        });
    }

    /**
     * The verdict on the first report of {@code device} with agent id {@code outageId} (the one
     * the merge keeps), when it was checked: what the mail says was clipped.
     */
    public Optional<ReportClip> reportClip(String device, String outageId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT receiver_start, receiver_end, " + VERDICT_COLUMNS
                    + " FROM outages INDEXED BY outages_device_ts WHERE device = ? AND outage_id = ? ORDER BY id LIMIT 1")) {
                ps.setString(1, device);
                ps.setString(2, outageId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getString(5) == null) {
                        return Optional.<ReportClip>empty();
                    }
                    return Optional.of(ReportClip.stored(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2)),
                            instantOrNull(rs, 3), instantOrNull(rs, 4), ReportClip.Reason.ofCode(rs.getString(5))));
                }
            }
        });
    }

    private static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
        Long v = nullableLong(rs, column);
        return v == null ? null : Instant.ofEpochMilli(v);
    }

    private static HeartbeatLine heartbeat(ResultSet rs) throws SQLException {
        String v2State = rs.getString(11);
        String state = rs.getInt(3) == 1 ? HeartbeatLine.STOPPING : v2State != null ? v2State : HeartbeatLine.RUNNING;
        Long exit = nullableLong(rs, 13);
        return new HeartbeatLine(rs.getLong(1), rs.getString(2), state, rs.getString(4), nullableLong(rs, 5), nullableLong(rs, 6),
                nullableLong(rs, 7), rs.getString(8), null, nullableLong(rs, 14), nullableLong(rs, 15), nullableLong(rs, 12),
                exit == null ? null : exit.intValue(), rs.getInt(9), rs.getString(10));
    }

    /**
     * The report of a row read with {@link #VERDICT_COLUMNS} as the server counts it: its
     * clipped interval moved back to the agent's clock (so the line's own skew rule gives the
     * clipped receiver times), or null when it says nothing (ends before it starts) or was
     * rejected. Reports never checked (stored before migration 3) count as reported.
     */
    private static OutageLine counted(ResultSet rs) throws SQLException {
        OutageLine o = outage(rs);
        String clip = rs.getString(11);
        if (o.end() < o.start()) {
            return null;
        }
        if (clip == null) {
            return o;
        }
        ReportClip.Reason reason = ReportClip.Reason.ofCode(clip);
        if (reason.rejects()) {
            return null;
        }
        if (reason == ReportClip.Reason.NONE) {
            return o;
        }
        // Counted as every reader of reports counts a verdict (core's CheckedReports, also Azure's Notify's).
        ReportedOutage r = new ReportedOutage(o.device(), o.id(), Instant.ofEpochMilli(o.start()), Instant.ofEpochMilli(o.end()),
                o.cause(), o.detail(), o.skewMs() == null ? null : Duration.ofMillis(o.skewMs()));
        ReportClip verdict = ReportClip.stored(r.receiverStart(), r.receiverEnd(), Instant.ofEpochMilli(rs.getLong(9)),
                Instant.ofEpochMilli(rs.getLong(10)), reason);
        ReportedOutage c = CheckedReports.counted(r, verdict).orElseThrow();
        return new OutageLine(o.ts(), o.device(), o.id(), c.start().toEpochMilli(), c.end().toEpochMilli(), o.cause(), o.skewMs(),
                o.detail());
    }

    private static OutageLine outage(ResultSet rs) throws SQLException {
        return new OutageLine(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getString(6),
                nullableLong(rs, 7), rs.getString(8));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** Receives stored lines one at a time; may throw the I/O error of the client it writes to. */
    @FunctionalInterface
    public interface LineSink {
        void accept(String text) throws IOException;
    }

    /**
     * Streams the {@code [heartbeat]} and {@code [outage]} lines with {@code from <= ts < to} (of
     * {@code device} only, when not null) in {@code ts} order to {@code sink}, as canonical text,
     * each report as the server counts it ({@link #counted}: clipped, rejected ones left out, so
     * {@code history --server} gives the dashboard's history), one row at a time: memory stays bounded however long the period. Two cursors, each in its
     * table's time index, merged here (a heartbeat before the outage lines its request carried);
     * on a read connection of its own, so a slow client never holds the store's lock.
     */
    public void streamLines(Instant from, Instant to, String device, LineSink sink) throws IOException {
        String filter = "WHERE ts >= ? AND ts < ? " + (device == null ? "" : "AND device = ? ") + "ORDER BY ts, id";
        try (Connection reader = db.openReader();
             PreparedStatement beats = reader.prepareStatement("SELECT " + HEARTBEAT_COLUMNS + " FROM heartbeats " + filter);
             PreparedStatement outages = reader.prepareStatement("SELECT " + OUTAGE_COLUMNS + ", " + VERDICT_COLUMNS
                     + " FROM outages " + filter)) {
            for (PreparedStatement ps : List.of(beats, outages)) {
                ps.setFetchSize(512);
                ps.setLong(1, from.toEpochMilli());
                ps.setLong(2, to.toEpochMilli());
                if (device != null) {
                    ps.setString(3, device);
                }
            }
            try (ResultSet b = beats.executeQuery(); ResultSet o = outages.executeQuery()) {
                ContractLine nextBeat = b.next() ? heartbeat(b) : null;
                ContractLine nextOutage = nextCounted(o);
                while (nextBeat != null || nextOutage != null) {
                    if (nextOutage == null || nextBeat != null && nextBeat.ts() <= nextOutage.ts()) {
                        sink.accept(LineCodec.encode(nextBeat));
                        nextBeat = b.next() ? heartbeat(b) : null;
                    } else {
                        sink.accept(LineCodec.encode(nextOutage));
                        nextOutage = nextCounted(o);
                    }
                }
            }
        } catch (SQLException e) {
            throw Database.failure(e);
        }
    }

    /** The next report the server counts, skipping those it does not. */
    private static OutageLine nextCounted(ResultSet rs) throws SQLException {
        while (rs.next()) {
            OutageLine o = counted(rs);
            if (o != null) {
                return o;
            }
        }
        return null;
    }

    /**
     * The canonical texts of one kind of fact ({@code heartbeat}, {@code outage}, {@code probe})
     * received in [from, to] (of {@code device} only, when not null; probes have none), in the
     * order stored: what was logged, for inspection and tests.
     */
    public List<String> texts(String device, String kind, Instant from, Instant to) {
        String table = switch (kind) {
            case "heartbeat" -> "heartbeats";
            case "outage" -> "outages";
            case "probe" -> "probes";
            default -> throw new IllegalArgumentException("no such kind of line: " + kind);
        };
        String columns = switch (kind) {
            case "heartbeat" -> HEARTBEAT_COLUMNS;
            case "outage" -> OUTAGE_COLUMNS;
            default -> "ts, ip, note";
        };
        boolean byDevice = device != null && !"probe".equals(kind);
        return db.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + table
                    + " WHERE ts BETWEEN ? AND ? " + (byDevice ? "AND device = ? " : "") + "ORDER BY id")) {
                ps.setLong(1, from.toEpochMilli());
                ps.setLong(2, to.toEpochMilli());
                if (byDevice) {
                    ps.setString(3, device);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ContractLine line = switch (kind) {
                            case "heartbeat" -> heartbeat(rs);
                            case "outage" -> outage(rs);
                            default -> new ProbeLine(rs.getLong(1), rs.getString(2), rs.getString(3));
                        };
                        out.add(LineCodec.encode(line));
                    }
                }
            }
            return out;
        });
    }

    /** Stored facts of every kind. */
    public long count() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM heartbeats) "
                    + "+ (SELECT count(*) FROM outages) + (SELECT count(*) FROM probes)"); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /**
     * Deletes facts older than {@code cutoff} in small transactions (so ingestion never waits
     * long) and keeps the beat runs right; returns how many rows went.
     */
    public long prune(Instant cutoff) {
        long cut = cutoff.toEpochMilli();
        long total = 0;
        for (String table : List.of("outages", "probes")) {
            total += pruneTable(table, cut);
        }
        Map<String, Long> deletedInStraddling = new HashMap<>();
        Map<String, BeatRun> straddling = db.inTransaction(c -> BeatRuns.straddling(c, cut));
        while (true) {
            int n = db.inTransaction(c -> {
                // Rows arrive in receiver-time order, so the oldest rowids are the oldest lines:
                // delete from the start of the table up to the first line inside the retention.
                long maxId = -1;
                int count = 0;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, device, ts FROM (SELECT id, device, ts FROM heartbeats ORDER BY id LIMIT ?) WHERE ts < ?")) {
                    ps.setInt(1, PRUNE_CHUNK);
                    ps.setLong(2, cut);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            maxId = Math.max(maxId, rs.getLong(1));
                            count++;
                            BeatRun run = straddling.get(rs.getString(2));
                            if (run != null && rs.getLong(3) >= run.firstBeat()) {
                                deletedInStraddling.merge(run.device(), 1L, Long::sum);
                            }
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM heartbeats WHERE id <= ? AND ts < ?")) {
                    ps.setLong(1, maxId);
                    ps.setLong(2, cut);
                    ps.executeUpdate();
                }
                return count;
            });
            total += n;
            if (n == 0) {
                break;
            }
        }
        db.inTransaction(c -> {
            BeatRuns.pruned(c, cut, deletedInStraddling);
            return null;
        });
        return total;
    }

    private long pruneTable(String table, long cut) {
        long total = 0;
        while (true) {
            int n = db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id IN (SELECT id FROM "
                        + "(SELECT id, ts FROM " + table + " ORDER BY id LIMIT " + PRUNE_CHUNK + ") WHERE ts < ?)")) {
                    ps.setLong(1, cut);
                    return ps.executeUpdate();
                }
            });
            total += n;
            if (n < PRUNE_CHUNK) {
                return total;
            }
        }
    }
}
