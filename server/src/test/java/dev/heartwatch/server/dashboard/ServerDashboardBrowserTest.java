package dev.heartwatch.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page served by the REAL heartwatch-server (the dashboard it installs at start, over its
 * SQLite store) in headless Chromium: heartbeats posted to {@code /api/ping} show up as devices,
 * and the page's Mute, Unmute, Retire and Restore buttons reach the store through the same code
 * as the admin API.
 */
@Tag("full")
class ServerDashboardBrowserTest {
    static final String CARDS = "document.querySelectorAll('.card').length";
    static final String SHOW = "JSON.stringify({cards: document.querySelectorAll('.card').length,"
            + " problem: document.getElementById('problem').textContent, url: location.href})";

    @TempDir
    Path dir;

    @Test
    void storedHeartbeatsShowOnThePageAndMuteWorksFromIt() throws Exception {
        try (RunningServer s = new RunningServer(TestConfig.config(dir), Clock.systemUTC());
             Chromium chromium = Chromium.launch()) {
            for (String device : new String[] {"kitchen-pi", "garage-nas"}) {
                HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/api/ping"))
                        .header("x-functions-key", TestConfig.KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + device + "\",\"note\":\"browser test\"}")));
                assertEquals(200, r.statusCode(), r.body());
            }
            // garage-nas then claims 400 days down: the server clips it to the second it has known the device.
            Thread.sleep(1_200); // under the test config's PT2S idle timeout, so the kept-alive connection still serves
            long now = Instant.now().toEpochMilli();
            HttpResponse<String> claim = s.send(HttpRequest.newBuilder(s.uri("/api/ping")).header("x-functions-key", TestConfig.KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"garage-nas\",\"outages\":[{\"id\":\"o-400d\",\"start\":"
                            + (now - Duration.ofDays(400).toMillis()) + ",\"end\":" + now + ",\"cause\":\"isp\"}]}")));
            assertEquals(200, claim.statusCode(), claim.body());
            chromium.prefersColorScheme("light");
            chromium.viewport(1280, 800, false);
            chromium.navigate(s.server.baseUri() + "/?key=" + TestConfig.READ_KEY + "&refresh=1");
            chromium.waitFor(CARDS + " === 2", Duration.ofSeconds(20), SHOW);
            String card = "[...document.querySelectorAll('.card')].find(c => c.dataset.device === 'kitchen-pi')";
            JsonNode page = chromium.eval("(() => { const c = " + card + "; return {"
                    + " names: [...document.querySelectorAll('.card .name')].map(e => e.textContent).sort(),"
                    + " status: c.dataset.status, seen: c.querySelector('.seen-rel').textContent,"
                    + " up: document.getElementById('count-up').textContent, url: location.href }; })()");
            assertEquals("[\"garage-nas\",\"kitchen-pi\"]", page.get("names").toString(), page.toString());
            assertEquals("up", page.get("status").asText(), page.toString());
            assertEquals("2", page.get("up").asText(), page.toString());
            assertTrue(!page.get("url").asText().contains("key="), "the key left the address bar: " + page);
            chromium.screenshot(Path.of("target/screenshots/dashboard-real-server.png"));
            String nas = "[...document.querySelectorAll('.card')].find(c => c.dataset.device === 'garage-nas')";
            chromium.waitFor("[..." + nas + ".querySelectorAll('.detail')].some(d =>"
                    + " d.textContent.includes('agent reported 400 d 0 h, clipped (first-beat)'))",
                    Duration.ofSeconds(20), "(" + nas + ").querySelector('.outages').textContent");

            chromium.eval(card + ".querySelector('.mute').click()");
            chromium.waitFor(card + ".dataset.status === 'muted'", Duration.ofSeconds(10), SHOW);
            Instant until = s.server.store().devices().device("kitchen-pi").orElseThrow().mutedUntil();
            assertTrue(until != null && until.isAfter(Instant.now().plus(Duration.ofMinutes(59))), "muted for an hour: " + until);

            // Each decision has its undo on the page: Unmute, then Retire and Restore.
            chromium.waitFor(card + ".querySelector('.mute').textContent === 'Unmute'", Duration.ofSeconds(10), SHOW);
            chromium.eval(card + ".querySelector('.mute').click()");
            chromium.waitFor(card + ".dataset.status === 'up'", Duration.ofSeconds(10), SHOW);
            assertEquals(null, s.server.store().devices().device("kitchen-pi").orElseThrow().mutedUntil());
            chromium.eval("window.confirm = () => true");
            chromium.eval(card + ".querySelector('.retire').click()");
            chromium.waitFor(card + ".dataset.status === 'retired'", Duration.ofSeconds(10), SHOW);
            chromium.waitFor(card + ".querySelector('.retire').textContent === 'Restore'", Duration.ofSeconds(10), SHOW);
            chromium.eval(card + ".querySelector('.retire').click()");
            chromium.waitFor(card + ".dataset.status === 'up'", Duration.ofSeconds(10), SHOW);
            assertEquals(null, s.server.store().devices().device("kitchen-pi").orElseThrow().retiredAt());
            assertEquals("[]", chromium.problems.toString());
        }
    }
}
