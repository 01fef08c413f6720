package dev.heartwatch.server.store;

import dev.heartwatch.core.rule.BeatSchedule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's rollup: every device's beats as {@linkplain BeatRun runs}, kept up to date by
 * the writer in the transaction that stores the beats, so a history over any period reads a
 * few rows per outage instead of 1,440 beats per device and day. The gaps between runs and the
 * runs' spans are exactly what core's history model takes ({@code HistoryFacts.fromGaps}).
 *
 * <p>One instance per connection that writes beats; it caches each device's latest run, so the
 * usual beat (later than that run's last) costs no read, and writes each changed run once per
 * {@link #flush}. A beat older than the cached run (rare: requests committed out of order)
 * takes the general path, two indexed reads. After a rolled-back transaction call
 * {@link #forget}: the cache may hold what was not committed.
 *
 * <p>The join rule is history's (docs/history.md, "The rule"): a beat joins the run before it
 * when the gap is at most the limit of the beat before the gap, {@link BeatSchedule#outageGap}
 * over the period and grace that beat carried (the threshold exactly for a beat without one). So
 * each run keeps its last beat's schedule ({@code last_period_ms}, {@code last_grace_ms}), which
 * also judges the gap after it and the silence still going on.
 *
 * <p>The runs depend on the threshold; {@link #ensureThreshold} rebuilds them from the raw
 * beats when the configured one is not the one they were built with.
 */
final class BeatRuns {
    static final String THRESHOLD_SETTING = "beat_runs.threshold_ms";

    private final long thresholdMs;
    private final Duration threshold;
    /** True while building into an empty table: no run exists that is not in the cache. */
    private final boolean fresh;
    private final Map<String, MutableRun> latest = new HashMap<>();
    private final Map<MutableRun, Boolean> dirty = new LinkedHashMap<>();
    /** The run update, prepared once per connection: every group commit runs it (a prepare was an eighth of the writer's time). */
    private Connection updateConnection;
    private PreparedStatement update;

    BeatRuns(Duration threshold) {
        this(threshold.toMillis(), false);
    }

    private BeatRuns(long thresholdMs, boolean fresh) {
        if (thresholdMs <= 0) {
            throw new IllegalArgumentException("threshold must be positive");
        }
        this.thresholdMs = thresholdMs;
        this.threshold = Duration.ofMillis(thresholdMs);
        this.fresh = fresh;
    }

    /** A tracker for filling an empty {@code beat_runs} table (rebuild, bulk load). */
    static BeatRuns forEmptyTable(Duration threshold) {
        return new BeatRuns(threshold.toMillis(), true);
    }

    private static final class MutableRun {
        long id;
        final String device;
        long first;
        long last;
        long beats;
        /** Beats added since the last flush: the flush adds them, so a retention pass in between is kept. */
        long added;
        boolean lastStopping;
        /** The schedule the last beat carried, or null. */
        BeatSchedule lastSchedule;

        MutableRun(long id, String device, long first, long last, long beats, boolean lastStopping, BeatSchedule lastSchedule) {
            this.id = id;
            this.device = device;
            this.first = first;
            this.last = last;
            this.beats = beats;
            this.lastStopping = lastStopping;
            this.lastSchedule = lastSchedule;
        }
    }

    /** The longest gap after a beat with {@code schedule} (null: none) that keeps the run going. */
    private long gapLimitMs(BeatSchedule schedule) {
        return schedule == null ? thresholdMs : schedule.outageGap(threshold).toMillis();
    }

    /** Adds one beat of {@code device} at receiver time {@code ts} that carried no schedule. */
    void add(Connection c, String device, long ts, boolean stopping) throws SQLException {
        add(c, device, ts, stopping, null);
    }

    /**
     * Adds one beat of {@code device} at receiver time {@code ts}, with the schedule its line
     * carried ({@link BeatSchedule#ofMillis} of its {@code periodMs} and {@code graceMs}; null: none).
     */
    void add(Connection c, String device, long ts, boolean stopping, BeatSchedule schedule) throws SQLException {
        MutableRun run = latest.get(device);
        if (run == null && !fresh) {
            run = load(c, device);
            if (run != null) {
                latest.put(device, run);
            }
        }
        if (run != null && ts >= run.last) {
            if (ts - run.last <= gapLimitMs(run.lastSchedule)) {
                run.last = ts;
                run.beats++;
                run.added++;
                run.lastStopping = stopping;
                run.lastSchedule = schedule;
                dirty.put(run, Boolean.TRUE);
                return;
            }
            MutableRun next = new MutableRun(0, device, ts, ts, 1, stopping, schedule);
            latest.put(device, next);
            dirty.put(next, Boolean.TRUE);
            return;
        }
        if (run != null && ts >= run.first) {
            // Inside the run: the gaps it splits are shorter than the one they were. A device's
            // beats carry one schedule, so the limits are the same (a rebuild would split a run
            // where a beat without a schedule lands inside a check's longer gap).
            run.beats++;
            run.added++;
            dirty.put(run, Boolean.TRUE);
            return;
        }
        if (run == null) {
            MutableRun first = new MutableRun(0, device, ts, ts, 1, stopping, schedule);
            latest.put(device, first);
            dirty.put(first, Boolean.TRUE);
            return;
        }
        // Older than the latest run's first beat: write what is pending, then place it in SQL.
        flush(c);
        latest.remove(device);
        addOutOfOrder(c, device, ts, stopping, schedule);
    }

    private static final String COLUMNS = "id, device, first_beat, last_beat, beats, last_stopping, last_period_ms, last_grace_ms";

    private static BeatRun read(ResultSet rs) throws SQLException {
        long period = rs.getLong(7);
        Long periodMs = rs.wasNull() ? null : period;
        long grace = rs.getLong(8);
        Long graceMs = rs.wasNull() ? null : grace;
        return new BeatRun(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getInt(6) == 1,
                BeatSchedule.ofMillis(periodMs, graceMs).orElse(null));
    }

    private MutableRun load(Connection c, String device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM beat_runs "
                + "WHERE device = ? ORDER BY first_beat DESC LIMIT 1")) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                BeatRun r = read(rs);
                return new MutableRun(r.id(), device, r.firstBeat(), r.lastBeat(), r.beats(), r.lastStopping(), r.lastSchedule());
            }
        }
    }

    /**
     * The run before (or holding) {@code ts} and the one after it; join, extend or start one. The
     * gap before the beat is judged by the limit of the run before's last beat, the gap after it
     * by the beat's own.
     */
    private void addOutOfOrder(Connection c, String device, long ts, boolean stopping, BeatSchedule schedule) throws SQLException {
        BeatRun before = neighbour(c, "SELECT " + COLUMNS + " FROM beat_runs "
                + "WHERE device = ? AND first_beat <= ? ORDER BY first_beat DESC LIMIT 1", device, ts);
        if (before != null && ts <= before.lastBeat()) {
            update(c, before.id(), before.firstBeat(), before.lastBeat(), before.beats() + 1, before.lastStopping(),
                    before.lastSchedule());
            return;
        }
        BeatRun after = neighbour(c, "SELECT " + COLUMNS + " FROM beat_runs "
                + "WHERE device = ? AND first_beat > ? ORDER BY first_beat LIMIT 1", device, ts);
        boolean joinsBefore = before != null && ts - before.lastBeat() <= gapLimitMs(before.lastSchedule());
        boolean joinsAfter = after != null && after.firstBeat() - ts <= gapLimitMs(schedule);
        if (joinsBefore && joinsAfter) {
            update(c, before.id(), before.firstBeat(), after.lastBeat(), before.beats() + after.beats() + 1, after.lastStopping(),
                    after.lastSchedule());
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM beat_runs WHERE id = ?")) {
                ps.setLong(1, after.id());
                ps.executeUpdate();
            }
        } else if (joinsBefore) {
            update(c, before.id(), before.firstBeat(), ts, before.beats() + 1, stopping, schedule);
        } else if (joinsAfter) {
            update(c, after.id(), ts, after.lastBeat(), after.beats() + 1, after.lastStopping(), after.lastSchedule());
        } else {
            insert(c, new MutableRun(0, device, ts, ts, 1, stopping, schedule));
        }
    }

    private static BeatRun neighbour(Connection c, String sql, String device, long ts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, device);
            ps.setLong(2, ts);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static void setSchedule(PreparedStatement ps, int index, BeatSchedule schedule) throws SQLException {
        LineInserts.setLong(ps, index, schedule == null ? null : schedule.period().toMillis());
        LineInserts.setLong(ps, index + 1, schedule == null ? null : schedule.grace().toMillis());
    }

    private PreparedStatement update(Connection c) throws SQLException {
        if (update == null || updateConnection != c || update.isClosed()) {
            update = c.prepareStatement("UPDATE beat_runs SET last_beat = ?, beats = beats + ?, last_stopping = ?, "
                    + "last_period_ms = ?, last_grace_ms = ? WHERE id = ?");
            updateConnection = c;
        }
        return update;
    }

    /** Writes every run changed since the last flush (inside the caller's transaction). */
    void flush(Connection c) throws SQLException {
        if (dirty.isEmpty()) {
            return;
        }
        // The cached run only ever grows at its end; its start is left to whoever moved it
        // (retention), so a concurrent prune and this flush both hold.
        PreparedStatement ps = update(c);
        for (MutableRun r : dirty.keySet()) {
            if (r.id == 0) {
                insert(c, r);
            } else {
                ps.setLong(1, r.last);
                ps.setLong(2, r.added);
                ps.setInt(3, r.lastStopping ? 1 : 0);
                setSchedule(ps, 4, r.lastSchedule);
                ps.setLong(6, r.id);
                ps.addBatch();
            }
            r.added = 0;
        }
        ps.executeBatch();
        dirty.clear();
    }

    /** Drops the cache: after a rollback it may hold runs that were never committed. */
    void forget() {
        latest.clear();
        dirty.clear();
    }

    private static void insert(Connection c, MutableRun r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO beat_runs(device, first_beat, last_beat, beats, last_stopping, "
                + "last_period_ms, last_grace_ms) VALUES (?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, r.device);
            ps.setLong(2, r.first);
            ps.setLong(3, r.last);
            ps.setLong(4, r.beats);
            ps.setInt(5, r.lastStopping ? 1 : 0);
            setSchedule(ps, 6, r.lastSchedule);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                r.id = keys.next() ? keys.getLong(1) : 0;
            }
        }
    }

    private static void update(Connection c, long id, long first, long last, long beats, boolean lastStopping,
                               BeatSchedule lastSchedule) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE beat_runs SET first_beat = ?, last_beat = ?, beats = ?, "
                + "last_stopping = ?, last_period_ms = ?, last_grace_ms = ? WHERE id = ?")) {
            ps.setLong(1, first);
            ps.setLong(2, last);
            ps.setLong(3, beats);
            ps.setInt(4, lastStopping ? 1 : 0);
            setSchedule(ps, 5, lastSchedule);
            ps.setLong(7, id);
            ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- threshold and rebuild

    /**
     * Makes the runs match {@code threshold}: when they were built with another one (or never,
     * as right after the migration), rebuilds them from the raw beats in the caller's
     * transaction and records the threshold. Returns whether it rebuilt.
     */
    static boolean ensureThreshold(Connection c, Duration threshold) throws SQLException {
        String wanted = Long.toString(threshold.toMillis());
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
            ps.setString(1, THRESHOLD_SETTING);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && wanted.equals(rs.getString(1))) {
                    return false;
                }
            }
        }
        rebuild(c, threshold);
        recordThreshold(c, threshold);
        return true;
    }

    static void recordThreshold(Connection c, Duration threshold) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO settings(key, value) VALUES (?, ?) "
                + "ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, THRESHOLD_SETTING);
            ps.setString(2, Long.toString(threshold.toMillis()));
            ps.executeUpdate();
        }
    }

    /** Every run again from the raw beats: one pass in time order, memory one run per device. */
    static void rebuild(Connection c, Duration threshold) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM beat_runs");
        }
        BeatRuns runs = forEmptyTable(threshold);
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT device, ts, stopping, period_ms, grace_ms FROM heartbeats ORDER BY ts, id")) {
            ps.setFetchSize(4096);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long period = rs.getLong(4);
                    Long periodMs = rs.wasNull() ? null : period;
                    long grace = rs.getLong(5);
                    Long graceMs = rs.wasNull() ? null : grace;
                    runs.add(c, rs.getString(1), rs.getLong(2), rs.getInt(3) == 1,
                            BeatSchedule.ofMillis(periodMs, graceMs).orElse(null));
                    if (++n % 100_000 == 0) {
                        runs.flush(c);
                    }
                }
            }
        }
        runs.flush(c);
    }

    // ---------------------------------------------------------------- reads

    /**
     * The runs that overlap {@code [from, to)} (of {@code device} only, when not null), ordered
     * by device then time.
     */
    static List<BeatRun> overlapping(Connection c, String device, long from, long to) throws SQLException {
        return overlapping(c, device == null ? null : List.of(device), from, to);
    }

    /**
     * The runs that overlap {@code [from, to)} of {@code devices} (every device's when null),
     * ordered by device then time.
     */
    static List<BeatRun> overlapping(Connection c, Collection<String> devices, long from, long to) throws SQLException {
        if (devices != null && devices.isEmpty()) {
            return List.of();
        }
        // Some devices: their runs by (device, first_beat). Every device: the runs still going on
        // at {@code from}, by last_beat (one row per device and outage).
        String sql = devices == null
                ? "SELECT " + COLUMNS + " FROM beat_runs "
                + "WHERE last_beat >= ? AND first_beat < ? ORDER BY device, first_beat"
                : "SELECT " + COLUMNS + " FROM beat_runs INDEXED BY beat_runs_device "
                + "WHERE device IN (" + Database.placeholders(devices.size()) + ") AND first_beat < ? AND last_beat >= ? "
                + "ORDER BY device, first_beat";
        List<BeatRun> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (devices == null) {
                ps.setLong(1, from);
                ps.setLong(2, to);
            } else {
                int i = 1;
                for (String d : devices) {
                    ps.setString(i++, d);
                }
                ps.setLong(i++, to);
                ps.setLong(i, from);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- retention

    /**
     * After beats older than {@code cutoff} were deleted: drops the runs wholly before it and
     * starts each run that straddled it at its first beat kept, less the beats deleted from it.
     *
     * @param deletedInStraddling per device, how many beats were deleted at or after the first
     *                            beat of its straddling run (see {@link #straddling})
     */
    static void pruned(Connection c, long cutoff, Map<String, Long> deletedInStraddling) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM beat_runs WHERE last_beat < ?")) {
            ps.setLong(1, cutoff);
            ps.executeUpdate();
        }
        for (BeatRun r : straddling(c, cutoff).values()) {
            long first;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT min(ts) FROM heartbeats WHERE ts >= ? AND ts <= ? AND device = ?")) {
                ps.setLong(1, cutoff);
                ps.setLong(2, r.lastBeat());
                ps.setString(3, r.device());
                try (ResultSet rs = ps.executeQuery()) {
                    first = rs.next() ? rs.getLong(1) : r.lastBeat();
                }
            }
            long beats = Math.max(1, r.beats() - deletedInStraddling.getOrDefault(r.device(), 0L));
            update(c, r.id(), first, r.lastBeat(), beats, r.lastStopping(), r.lastSchedule());
        }
    }

    /** Per device, its run that began before {@code cutoff} and ends at or after it. */
    static Map<String, BeatRun> straddling(Connection c, long cutoff) throws SQLException {
        Map<String, BeatRun> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM beat_runs WHERE last_beat >= ? AND first_beat < ?")) {
            ps.setLong(1, cutoff);
            ps.setLong(2, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BeatRun r = read(rs);
                    out.put(r.device(), r);
                }
            }
        }
        return out;
    }
}
