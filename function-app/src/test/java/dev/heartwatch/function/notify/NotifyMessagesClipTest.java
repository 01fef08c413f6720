package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.outage.Source;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.function.support.FakeWorkspace;
import dev.heartwatch.function.support.TestTokens;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Resolved built from the device's lines in Application Insights judges the agent's report
 * against the beats of the same query, as the server judges the reports it stores (core's
 * ReportCheck through CheckedReports), and says when it clipped one. The lines come from the fake
 * workspace (Monitor Query's REST shape) through {@link WorkspaceLines}, so each report's arrival
 * is the receiver time of its own line, as on Azure.
 *
 * <p>Two devices, both beating every minute from 09:00 and back at 10:42:00, Azure firing at
 * 10:06:12 and resolving at 10:52:03 (threshold 5 min):
 * <ul>
 *   <li>{@code pi} is last heard at 10:00:00 and reports 10:00:40 to 10:42:00 (dns): nothing in
 *       the record contradicts it, it is taken as reported;</li>
 *   <li>{@code nas} is last heard at 10:00:00 too, but its agent reports 09:40:40 to 10:42:00
 *       (a clock that lost the first failures' times): Application Insights holds its beats of
 *       09:41 to 10:00, so the report starts at the last of them, 10:00:00.</li>
 * </ul>
 */
class NotifyMessagesClipTest {
    static final Instant LAST_BEAT = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant BACK = Instant.parse("2026-12-01T10:42:00Z");
    static final Instant REPORTED_AT = Instant.parse("2026-12-01T10:43:00Z");
    static final Instant FIRED = Instant.parse("2026-12-01T10:06:12Z");
    static final Instant RESOLVED = Instant.parse("2026-12-01T10:52:03Z");

    @TempDir
    static Path dir;
    static FakeService service;
    static NotifyMessages messages;

    @BeforeAll
    static void start() throws Exception {
        TestCa ca = TestCa.create(dir);
        FakeWorkspace workspace = new FakeWorkspace(TestTokens.LOGS_TOKEN);
        for (String device : new String[] {"pi", "nas"}) {
            for (Instant t = Instant.parse("2026-12-01T09:00:00Z"); !t.isAfter(LAST_BEAT); t = t.plusSeconds(60)) {
                workspace.add(beat(t, device, 0));
            }
            for (Instant t = BACK; !t.isAfter(Instant.parse("2026-12-01T10:55:00Z")); t = t.plusSeconds(60)) {
                workspace.add(beat(t, device, t.equals(REPORTED_AT) ? 1 : 0));
            }
        }
        workspace.add(new OutageLine(REPORTED_AT.toEpochMilli(), "pi", "o-17", Instant.parse("2026-12-01T10:00:40Z").toEpochMilli(),
                BACK.toEpochMilli(), "dns", null, "resolver timed out"));
        workspace.add(new OutageLine(REPORTED_AT.toEpochMilli(), "nas", "o-4", Instant.parse("2026-12-01T09:40:40Z").toEpochMilli(),
                BACK.toEpochMilli(), "wan", null, "pppoe down"));
        service = new FakeService(ca, workspace::answer);
        HttpClient http = HttpClient.newBuilder().sslContext(ca.client()).build();
        WorkspaceLines lines = new WorkspaceLines(service.base(), FakeWorkspace.ID, TestTokens.of(Instant.now()), http,
                Duration.ofSeconds(5));
        SilenceRule rule = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(5), SilenceRule.MAX_LOOKBACK,
                Duration.ofMinutes(1), Set.of());
        messages = new NotifyMessages(lines, rule, null);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static HeartbeatLine beat(Instant at, String device, int outages) {
        return new HeartbeatLine(at.toEpochMilli(), device, "running", "203.0.113.7", null, null, null, "1.0", outages, null);
    }

    static AlertNotice resolved(String device) {
        return new AlertNotice("/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/" + device, "heartwatch-silence",
                device, false, FIRED, RESOLVED);
    }

    @Test
    void aReportThatCrossesBeatsApplicationInsightsHasIsClippedAndTheMessageSaysSo() {
        AlertMessage m = messages.build(resolved("nas"), true);
        assertNotNull(m.outage());
        assertEquals(LAST_BEAT, m.outage().start(), "clipped to the last beat heard during the report");
        assertEquals(BACK, m.outage().end(), "the end is kept: the agent's first beat that got through");
        assertEquals("wan", m.outage().cause());
        String t = m.text();
        assertTrue(m.subject().contains("RESOLVED: nas was down 42 min 0 s (wan)"), m.subject());
        assertTrue(t.contains("Outage start: 2026-12-01T10:00:00Z\n"), t);
        assertTrue(t.contains("Outage end:   2026-12-01T10:42:00Z\n"), t);
        assertTrue(t.contains("Duration:     42 min 0 s (PT42M)\n"), t);
        assertTrue(t.contains("Source:       " + (m.outage().source() == Source.BOTH ? "CLOUD, with the agent's report clipped"
                : "AGENT, clipped")), t);
        assertTrue(t.contains("Clipped:      the agent reported 1 h 1 min; clipped to 42 min 0 s: a heartbeat from"
                + " this device was received at 2026-12-01T10:00:00Z, during the reported outage\n"), t);
    }

    @Test
    void aReportNothingContradictsIsTakenAsReportedAndNotCalledClipped() {
        AlertMessage m = messages.build(resolved("pi"), true);
        assertNotNull(m.outage());
        assertEquals(Instant.parse("2026-12-01T10:00:40Z"), m.outage().start());
        assertEquals(BACK, m.outage().end());
        String t = m.text();
        assertTrue(t.contains("Duration:     41 min 20 s (PT41M20S)\n"), t);
        assertTrue(t.contains("Source:       BOTH (agent's report and the heartbeat gap agree"), t);
        assertFalse(t.contains("Clipped:"), t);
        assertFalse(t.contains("clipped"), t);
    }
}
