package dev.heartwatch.server.bench;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.server.store.HeartwatchStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fills a database for {@code scripts/bench-history-server.sh}: DAYS days of one heartbeat a
 * minute from DEVICES devices (as the agent sends them: state, ip, seq, sentAt, skewMs,
 * agentVersion), plus one reported outage per device and day, through the server's own line
 * writer. Usage: {@code HistoryFeedWriter DB_FILE START_ISO DAYS DEVICES}.
 */
public final class HistoryFeedWriter {
    private HistoryFeedWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Instant start = Instant.parse(args[1]);
        int days = Integer.parseInt(args[2]);
        int devices = Integer.parseInt(args[3]);
        long written = 0;
        try (HeartwatchStore store = HeartwatchStore.open(db, "NORMAL")) {
            List<ContractLine> batch = new ArrayList<>();
            for (int minute = 0; minute < days * 1440; minute++) {
                long ts = start.plus(Duration.ofMinutes(minute)).toEpochMilli();
                for (int d = 0; d < devices; d++) {
                    String device = "device-" + d;
                    boolean report = minute % 1440 == 720;
                    batch.add(new HeartbeatLine(ts, device, "running", "198.51.100." + d,
                            (long) minute, ts - 40, 40L, "1.0.0", report ? 1 : 0, null));
                    if (report) {
                        batch.add(new OutageLine(ts, device, "o-" + minute, ts - 180_000,
                                ts - 60_000, "dns", 40L, "resolver timed out"));
                    }
                }
                if (batch.size() >= 2000) {
                    written += flush(store, batch);
                }
            }
            written += flush(store, batch);
        }
        System.out.println("wrote " + written + " lines");
    }

    private static int flush(HeartwatchStore store, List<ContractLine> batch) throws Exception {
        int n = batch.size();
        if (n > 0) {
            store.lines().submit(batch).get(60, TimeUnit.SECONDS);
            batch.clear();
        }
        return n;
    }
}
