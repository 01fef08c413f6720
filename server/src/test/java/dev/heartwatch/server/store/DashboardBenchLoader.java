package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Fills a store for {@code scripts/bench-dashboard.sh}: DEVICES x DAYS of one-a-minute
 * heartbeats ending now, every one stored as the server stores it (typed rows through
 * {@link LineInserts}, runs through {@link BeatRuns}, in time order), in large transactions.
 * Each device has an outage every ~2 days (10 to 40 minutes silent; every other one also
 * reported by the agent) and a clean 15-minute stop each week.
 *
 * <p>Usage: {@code DashboardBenchLoader DB DEVICES DAYS THRESHOLD}
 */
public final class DashboardBenchLoader {
    private DashboardBenchLoader() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int devices = Integer.parseInt(args[1]);
        int days = Integer.parseInt(args[2]);
        Duration threshold = Duration.parse(args[3]);
        long minutes = days * 1440L;
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        long start = end.minus(Duration.ofMinutes(minutes)).toEpochMilli();
        long t0 = System.nanoTime();
        long beats = 0;
        long reports = 0;
        BeatRuns runs = BeatRuns.forEmptyTable(threshold);
        long[] lastBeat = new long[devices];
        try (Database db = Database.open(file, "OFF", false)) {
            db.inTransaction(c -> {
                BeatRuns.recordThreshold(c, threshold);
                return null;
            });
            final long chunkMinutes = Math.max(1, 400_000 / devices);
            for (long from = 0; from < minutes; from += chunkMinutes) {
                long until = Math.min(minutes, from + chunkMinutes);
                long fromMinute = from;
                long[] counts = db.inTransaction(c -> {
                    long b = 0;
                    long r = 0;
                    try (LineInserts inserts = new LineInserts(c)) {
                        for (long m = fromMinute; m < until; m++) {
                            long ts = start + m * 60_000;
                            for (int d = 0; d < devices; d++) {
                                String device = device(d);
                                // Outages: device d is silent for 10-40 minutes every 2 days, at its own hour.
                                long phase = (m + d * 37L) % 2880;
                                long length = 10 + d % 31;
                                boolean silentOutage = phase < length;
                                // A clean stop of 15 minutes each week.
                                long week = (m + d * 101L) % 10080;
                                boolean stopped = week > 0 && week <= 15;
                                if (silentOutage || stopped) {
                                    continue;
                                }
                                boolean stopping = week == 0;
                                boolean report = phase == length && ((m + d * 37L) / 2880) % 2 == 0;
                                inserts.add(new HeartbeatLine(ts, device, stopping ? "stopping" : "running",
                                        "198.51.100." + (d % 250), m, ts - 40, 40L, "1.0.0", report ? 1 : 0, null));
                                runs.add(c, device, ts, stopping);
                                lastBeat[d] = ts;
                                b++;
                                if (report) {
                                    long agentEnd = ts - 40;
                                    inserts.add(new OutageLine(ts, device, "o-" + m, agentEnd - length * 60_000 + 30_000, agentEnd,
                                            d % 2 == 0 ? "dns" : "connect", 40L, "bench outage"));
                                    r++;
                                }
                            }
                        }
                        inserts.execute();
                    }
                    runs.flush(c);
                    return new long[] {b, r};
                });
                beats += counts[0];
                reports += counts[1];
            }
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(DeviceRepository.UPSERT_LAST_BEAT)) {
                    for (int d = 0; d < devices; d++) {
                        HeartbeatLine last = new HeartbeatLine(lastBeat[d], device(d), "running",
                                "198.51.100." + (d % 250), null, null, null, null, 0, null);
                        DeviceRepository.bindLastBeat(ps, last, start, last.stopping() ? null : last.ts());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        }
        System.out.printf("loaded %d heartbeats and %d outage reports (%d devices x %d days) in %.1f s%n",
                beats, reports, devices, days, (System.nanoTime() - t0) / 1e9);
    }

    static String device(int d) {
        return String.format("bench-%04d", d);
    }
}
