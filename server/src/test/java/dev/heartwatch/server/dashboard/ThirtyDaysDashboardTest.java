package dev.heartwatch.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.server.store.DashboardBenchLoader;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 D5 on the real server: {@code /api/devices} over 30 days x 20 devices (864,000
 * one-a-minute beats, outages and clean stops, loaded as the server stores them). The answer
 * comes from the rollups, never from the raw beats: it is the same after every raw heartbeat
 * row is deleted (issue 14's 4.2-5.8 s a call was a rescan of those rows; how fast it is now is
 * scripts/bench-dashboard.sh's to measure, not a test's).
 */
@Tag("full")
class ThirtyDaysDashboardTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void thirtyDaysOfTwentyDevicesAreAnsweredFromTheRollupsNotTheRawBeats() throws Exception {
        Path db = dir.resolve("heartwatch.db");
        DashboardBenchLoader.main(new String[] {db.toString(), "20", "30", "PT5M"});
        Map<String, String> settings = Map.of("HEARTWATCH_THRESHOLD", "PT5M", "HEARTWATCH_HEARTBEAT_INTERVAL", "PT1M",
                "HEARTWATCH_EVALUATION_FREQUENCY", "PT1M", "HEARTWATCH_LOOKBACK", "P2D");

        Map<String, JsonNode> before = devices(settings);
        assertEquals(20, before.size(), before.keySet().toString());
        long down = before.values().stream().filter(d -> d.get("uptime30d").asDouble() < 100.0).count();
        assertTrue(down >= 10, "the loader's outages show in the 30-day uptime: " + before.values());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            long raw = count(s, "SELECT count(*) FROM heartbeats");
            assertTrue(raw > 800_000, "30 days of 20 devices, less their outages: " + raw);
            assertEquals(raw, count(s, "SELECT sum(beats) FROM beat_runs"), "the rollup counts every raw beat");
            s.executeUpdate("DELETE FROM heartbeats");
        }
        Map<String, JsonNode> after = devices(settings);
        assertEquals(before.keySet(), after.keySet());
        for (String device : before.keySet()) {
            JsonNode b = before.get(device);
            JsonNode a = after.get(device);
            for (String field : new String[] {"status", "lastSeen", "trail"}) {
                assertEquals(b.get(field), a.get(field), device + " " + field + " without the raw beats");
            }
            for (String field : new String[] {"uptime24h", "uptime7d", "uptime30d"}) {
                // Seconds apart: the windows moved by that much, nothing else did.
                assertEquals(b.get(field).asDouble(), a.get(field).asDouble(), 0.01, device + " " + field + " without the raw beats");
            }
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<String, JsonNode> devices(Map<String, String> settings) throws Exception {
        try (RunningServer s = new RunningServer(TestConfig.config(dir, settings), Clock.systemUTC())) {
            var response = s.send(HttpRequest.newBuilder(s.uri("/api/devices?limit=100"))
                    .header("x-heartwatch-key", TestConfig.READ_KEY).GET());
            assertEquals(200, response.statusCode(), response.body());
            Map<String, JsonNode> byName = new TreeMap<>();
            for (JsonNode d : JSON.readTree(response.body()).get("devices")) {
                byName.put(d.get("device").asText(), d);
            }
            return byName;
        }
    }
}
