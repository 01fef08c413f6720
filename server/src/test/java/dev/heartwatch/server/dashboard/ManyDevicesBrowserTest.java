package dev.heartwatch.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartwatch.server.support.FromAddress;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page of the REAL server with 250 devices in headless Chromium: one page of 100 cards and
 * "showing 100 of 250", the search box and the status filter ask the server, Next and First
 * follow its cursor, and the probes banner shows an address that sends probes and no heartbeat.
 */
@Tag("full")
class ManyDevicesBrowserTest {
    static final int DEVICES = 250;
    static final String STATE = "JSON.stringify({cards: document.querySelectorAll('.card').length,"
            + " showing: document.getElementById('showing').textContent,"
            + " first: (document.querySelector('.card .name') || {}).textContent,"
            + " probe: document.getElementById('probe-warning').textContent,"
            + " problem: document.getElementById('problem').textContent})";

    @TempDir
    Path dir;

    @Test
    void aPageOf100WithSearchFilterPagesAndTheProbesBanner() throws Exception {
        // A threshold of 30 minutes: every device stays up during the test, so the order is by name.
        try (RunningServer s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_THRESHOLD", "PT30M",
                "HEARTWATCH_NEW_DEVICES_BURST", "300", "HEARTWATCH_NEW_DEVICES_TOTAL", "300")), Clock.systemUTC());
             Chromium chromium = Chromium.launch()) {
            for (int i = 0; i < DEVICES; i++) {
                String device = String.format("site-%03d", i);
                HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/api/ping"))
                        .header("x-functions-key", TestConfig.KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + device + "\"}")));
                assertEquals(200, r.statusCode(), r.body());
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(200, FromAddress.get("127.0.0.2", s.server.baseUri(), "/api/ping?code=" + TestConfig.KEY));
            }
            chromium.viewport(1280, 800, false);
            chromium.navigate(s.server.baseUri() + "/?key=" + TestConfig.READ_KEY + "&refresh=30");
            chromium.waitFor("document.querySelectorAll('.card').length === 100", Duration.ofSeconds(30), STATE);
            JsonNode first = chromium.eval(STATE);
            String state = first.asText();
            assertTrue(state.contains("\"showing\":\"showing 100 of 250\""), state);
            assertTrue(state.contains("\"first\":\"site-000\""), state);
            assertTrue(state.contains("127.0.0.2") && state.contains("did the agent forget HEARTBEAT_DEVICE?"), state);
            assertEquals("250", chromium.eval("document.getElementById('count-total').textContent").asText(),
                    "the counts are the fleet's");

            chromium.eval("document.getElementById('page-next').click()");
            chromium.waitFor("(document.querySelector('.card .name') || {}).textContent === 'site-100'", Duration.ofSeconds(20), STATE);
            chromium.eval("document.getElementById('page-next').click()");
            chromium.waitFor("document.querySelectorAll('.card').length === 50", Duration.ofSeconds(20), STATE);
            assertEquals(true, chromium.eval("document.getElementById('page-next').hidden").asBoolean(), "the last page");
            chromium.eval("document.getElementById('page-first').click()");
            chromium.waitFor("(document.querySelector('.card .name') || {}).textContent === 'site-000'", Duration.ofSeconds(20), STATE);

            chromium.eval("(() => { const i = document.getElementById('search'); i.value = 'SITE-24';"
                    + " i.dispatchEvent(new Event('input')); })()");
            chromium.waitFor("document.querySelectorAll('.card').length === 10", Duration.ofSeconds(20), STATE);
            assertEquals("showing 10 of 10 matching (250 devices)",
                    chromium.eval("document.getElementById('showing').textContent").asText());

            chromium.eval("(() => { const i = document.getElementById('search'); i.value = 'nothing-like-this';"
                    + " i.dispatchEvent(new Event('input')); })()");
            chromium.waitFor("!document.getElementById('no-match').hidden", Duration.ofSeconds(20), STATE);
            assertEquals(0, chromium.eval("document.querySelectorAll('.card').length").asInt());

            chromium.eval("(() => { const i = document.getElementById('search'); i.value = '';"
                    + " i.dispatchEvent(new Event('input')); })()");
            chromium.waitFor("document.querySelectorAll('.card').length === 100", Duration.ofSeconds(20), STATE);
            chromium.eval("(() => { const f = document.getElementById('status-filter'); f.value = 'retired';"
                    + " f.dispatchEvent(new Event('change')); })()");
            chromium.waitFor("!document.getElementById('no-match').hidden && document.getElementById('showing').textContent"
                    + " === 'showing 0 of 0 matching (250 devices)'", Duration.ofSeconds(20), STATE);
            chromium.screenshot(Path.of("target/screenshots/dashboard-many-devices.png"));
            assertEquals("[]", chromium.problems.toString());
        }
    }
}
