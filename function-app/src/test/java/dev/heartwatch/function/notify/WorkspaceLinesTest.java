package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading the query API's answer (learn.microsoft.com/rest/api/loganalytics/dataaccess/query/execute, QueryResults). */
class WorkspaceLinesTest {
    static String row(String at, String message) {
        return "[\"" + at + "\"," + com.fasterxml.jackson.databind.node.TextNode.valueOf(message) + "]";
    }

    static byte[] answer(String... rows) {
        return ("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"TimeGenerated\",\"type\":\"datetime\"},"
                + "{\"name\":\"Message\",\"type\":\"string\"}],\"rows\":[" + String.join(",", rows) + "]}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyTheDevicesOwnLinesCountAndARepeatedReportOnce() {
        long t = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
        String pi = LineCodec.encode(new HeartbeatLine(t, "pi", "running", null, null, null, null, null, 0, null));
        String piStop = LineCodec.encode(new HeartbeatLine(t + 60_000, "pi", "stopping", null, null, null, null, null, 0, null));
        String other = LineCodec.encode(new HeartbeatLine(t, "pi-2", "running", null, null, null, null, null, 0, null));
        String report = LineCodec.encode(new OutageLine(t + 120_000, "pi", "o-1", t - 50_000, t - 10_000, "wan", 5L, null));
        DeviceLines lines = WorkspaceLines.lines("pi", answer(row("2026-12-01T10:00:00Z", pi), row("2026-12-01T10:00:00Z", other),
                row("2026-12-01T10:01:00Z", piStop), row("2026-12-01T10:02:00Z", report), row("2026-12-01T10:03:00Z", report),
                row("2026-12-01T10:03:00Z", "Executing 'Functions.Ping'"), row("2026-12-01T10:03:00Z", "[heartbeat] {broken")));
        assertEquals(2, lines.beats().size());
        assertTrue(lines.beats().get(1).stopping());
        assertEquals(1, lines.reports().size());
        assertEquals("wan", lines.reports().get(0).cause());
        assertEquals(java.time.Duration.ofMillis(5), lines.reports().get(0).skew());
        assertEquals(Instant.parse("2026-12-01T10:01:00Z"), lines.lastBeatBy(Instant.parse("2026-12-01T10:05:00Z")));
    }

    @Test
    void anAnswerWithoutItsTableOrMessageColumnIsUnavailableNotEmpty() {
        assertThrows(DeviceLines.Unavailable.class, () -> WorkspaceLines.lines("pi", "{}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(DeviceLines.Unavailable.class, () -> WorkspaceLines.lines("pi", "<html>".getBytes(StandardCharsets.UTF_8)));
        assertThrows(DeviceLines.Unavailable.class, () -> WorkspaceLines.lines("pi",
                "{\"tables\":[{\"columns\":[{\"name\":\"X\"}],\"rows\":[]}]}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theQueryNamesTheWorkspaceTableTheRangeAndTheDevice() {
        String q = WorkspaceLines.kql("home-pi.1", Instant.parse("2026-11-29T10:06:12Z"), Instant.parse("2026-12-01T10:06:12Z"));
        assertTrue(q.startsWith("AppTraces\n"), q);
        assertTrue(q.contains("between (datetime(2026-11-29T10:06:12Z) .. datetime(2026-12-01T10:06:12Z))"), q);
        assertTrue(q.contains("Message contains '\"device\":\"home-pi.1\"'"), q);
    }

    static String beat(long t, String device, String parent) {
        return LineCodec.encode(new HeartbeatLine(t, device, "running", null, null, null, null, null, parent, null, null, 0, null));
    }

    @Test
    void theParentIsTheOneTheLastBeatNamesAndTheChildrenAreTheLinesNamingIt() {
        long t = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
        DeviceLines moved = WorkspaceLines.lines("home.disk", answer(row("2026-12-01T10:01:00Z", beat(t + 60_000, "home.disk", null)),
                row("2026-12-01T10:00:00Z", beat(t, "home.disk", "home"))));
        assertEquals(null, moved.parent(), "the last beat, not the last row, names the parent");
        assertEquals("home", WorkspaceLines.lines("home.disk", answer(row("2026-12-01T10:00:00Z", beat(t, "home.disk", "home"))))
                .parent());
        var children = WorkspaceLines.children("home", answer(row("2026-12-01T10:01:00Z", beat(t + 60_000, "home.web", "home")),
                row("2026-12-01T10:00:00Z", beat(t, "home.web", "home")), row("2026-12-01T10:00:00Z", beat(t, "home.x", "homer")),
                row("2026-12-01T10:00:00Z", beat(t, "home", null)), row("2026-12-01T10:00:00Z", "[heartbeat] {broken")));
        assertEquals(java.util.Set.of("home.web"), children.keySet());
        assertEquals(java.util.List.of(Instant.ofEpochMilli(t), Instant.ofEpochMilli(t + 60_000)), children.get("home.web").beats());
        String q = WorkspaceLines.childrenKql("home", Instant.parse("2026-11-29T10:06:12Z"), Instant.parse("2026-12-01T10:06:12Z"));
        assertTrue(q.contains("Message contains '\"parent\":\"home\"'"), q);
    }
}
