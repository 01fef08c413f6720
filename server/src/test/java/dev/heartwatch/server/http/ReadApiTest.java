package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the running server gives readers: the dashboard it installs at start and
 * {@code /api/history/lines}, both behind the read key; mute/retire reachable both ways.
 */
class ReadApiTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(T0);
    RunningServer s;

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir), clock);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private void ping(String body) throws Exception {
        HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/api/ping")).header("x-functions-key", TestConfig.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, r.statusCode(), r.body());
    }

    private HttpResponse<String> get(String pathAndQuery, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(pathAndQuery)).GET();
        if (key != null) {
            b.header("x-heartwatch-key", key);
        }
        return s.send(b);
    }

    /** home-pi at T0, +1 min, +2 min and +10 min (with an outage report); office at +1 min; one probe. */
    private void storeSomeLines() throws Exception {
        ping("{\"device\":\"home-pi\",\"seq\":1}");
        clock.advance(Duration.ofMinutes(1));
        ping("{\"device\":\"home-pi\",\"seq\":2}");
        ping("{\"device\":\"office\"}");
        ping("{\"note\":\"smoke test\"}");
        clock.advance(Duration.ofMinutes(1));
        ping("{\"device\":\"home-pi\",\"seq\":3}");
        clock.advance(Duration.ofMinutes(8));
        ping("{\"device\":\"home-pi\",\"seq\":4,\"outages\":[{\"id\":\"o-1\",\"start\":" + T0.plusSeconds(150).toEpochMilli()
                + ",\"end\":" + T0.plusSeconds(600).toEpochMilli() + ",\"cause\":\"dns\"}]}");
    }

    /**
     * Beat runs keep no duration, so the server's dashboard reads the device's own: the
     * {@code durationMs} of its latest beat that carried one, kept through beats without.
     */
    @Test
    void theDashboardShowsTheLastRunsDurationAfterABeatWithDurationMs() throws Exception {
        ping("{\"device\":\"backup\"}");
        assertTrue(device("backup").get("lastDurationMs").isNull(), "no duration sent yet");
        clock.advance(Duration.ofMinutes(1));
        ping("{\"v\":2,\"device\":\"backup\",\"state\":\"running\",\"durationMs\":754000,\"exitStatus\":0}");
        assertEquals(754_000L, device("backup").get("lastDurationMs").asLong());
        clock.advance(Duration.ofMinutes(1));
        ping("{\"device\":\"backup\"}");
        assertEquals(754_000L, device("backup").get("lastDurationMs").asLong(), "a beat without one keeps it");
        clock.advance(Duration.ofMinutes(1));
        ping("{\"v\":2,\"device\":\"backup\",\"state\":\"fail\",\"durationMs\":1500,\"exitStatus\":3}");
        assertEquals(1500L, device("backup").get("lastDurationMs").asLong(), "a fail's duration is the last run's");
    }

    private JsonNode device(String name) throws Exception {
        HttpResponse<String> r = get("/api/devices?q=" + name, TestConfig.READ_KEY);
        assertEquals(200, r.statusCode(), r.body());
        for (JsonNode d : JSON.readTree(r.body()).get("devices")) {
            if (d.get("device").asText().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no " + name + " in " + r.body());
    }

    @Test
    void theDashboardIsInstalledAtStartBehindTheReadKey() throws Exception {
        storeSomeLines();
        HttpResponse<String> page = get("/", TestConfig.READ_KEY);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html") || page.body().contains("<!doctype html") || page.body().contains("<!DOCTYPE html"),
                page.body());
        HttpResponse<String> devices = get("/api/devices", TestConfig.READ_KEY);
        assertEquals(200, devices.statusCode(), devices.body());
        JsonNode body = JSON.readTree(devices.body());
        assertEquals(2, body.at("/summary/total").asInt(), devices.body());
        List<String> names = new ArrayList<>();
        body.get("devices").forEach(d -> names.add(d.get("device").asText()));
        assertEquals(List.of("home-pi", "office"), names.stream().sorted().toList());
        JsonNode pi = body.get("devices").get(names.indexOf("home-pi"));
        assertEquals(clock.instant().toEpochMilli(), pi.get("lastSeen").asLong());
        assertEquals("127.0.0.1", pi.get("ip").asText());

        for (String path : List.of("/", "/api/devices", "/dashboard.js")) {
            HttpResponse<String> r = get(path, null);
            assertEquals(401, r.statusCode(), path);
            assertFalse(r.body().contains("home-pi"), r.body());
            assertEquals(401, get(path, "wrong-read-key-0123456789").statusCode(), path);
        }
        assertEquals(401, get("/", TestConfig.ADMIN_KEY).statusCode(), "the admin key does not read");
    }

    @Test
    void muteAndRetireWorkFromTheDashboardAndTheAdminApiAlike() throws Exception {
        storeSomeLines();
        HttpResponse<String> fromPage = s.send(HttpRequest.newBuilder(s.uri("/api/devices/home-pi/mute?for=PT2H"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, fromPage.statusCode(), fromPage.body());
        assertEquals(clock.instant().plus(Duration.ofHours(2)), s.server.store().devices().device("home-pi").orElseThrow().mutedUntil());
        HttpResponse<String> fromAdmin = s.send(HttpRequest.newBuilder(s.uri("/api/devices/office/retire"))
                .header("x-functions-key", TestConfig.ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, fromAdmin.statusCode(), fromAdmin.body());
        JsonNode devices = JSON.readTree(get("/api/devices", TestConfig.READ_KEY).body());
        assertEquals(1, devices.at("/summary/muted").asInt(), devices.toString());
        assertEquals(1, devices.at("/summary/retired").asInt(), devices.toString());
        // The same rule for both: more than P366D is refused, by either route.
        assertEquals(400, s.send(HttpRequest.newBuilder(s.uri("/api/devices/home-pi/mute?for=P400D"))
                .header("x-functions-key", TestConfig.ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(400, s.send(HttpRequest.newBuilder(s.uri("/api/devices/home-pi/mute?for=P400D"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        // Without either key: refused, nothing written.
        assertEquals(401, s.send(HttpRequest.newBuilder(s.uri("/api/devices/office/mute?for=PT1H"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(null, s.server.store().devices().device("office").orElseThrow().mutedUntil());
    }

    @Test
    void historyLinesAreTheStoredLinesInTimeOrderFilteredByPeriodAndDevice() throws Exception {
        storeSomeLines();
        String all = "/api/history/lines?since=2026-11-01T00:00:00Z&until=2026-11-01T01:00:00Z";
        HttpResponse<String> r = get(all, TestConfig.READ_KEY);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().endsWith("\n"));
        List<String> lines = r.body().lines().toList();
        assertEquals(s.server.store().lineTexts(null, "heartbeat", T0, T0.plus(Duration.ofHours(1))).size() + 1, lines.size(),
                "every heartbeat and the outage, no probe: " + lines);
        long previous = 0;
        for (String line : lines) {
            ContractLine decoded = LineCodec.decode(line);
            assertEquals(line, LineCodec.encode(decoded), "exactly as stored");
            assertTrue(decoded.ts() >= previous, "ts order");
            previous = decoded.ts();
        }
        assertTrue(lines.get(lines.size() - 1).startsWith("[outage] "), "the outage follows its heartbeat");
        assertFalse(r.body().contains("[probe]"));

        List<String> office = get("/api/history/lines?since=2026-11-01T00:00:00Z&until=2026-11-01T01:00:00Z&device=office",
                TestConfig.READ_KEY).body().lines().toList();
        assertEquals(1, office.size(), office.toString());
        assertTrue(office.get(0).contains("\"device\":\"office\""));

        // until is exclusive: the first minute holds home-pi's first beat only.
        List<String> first = get("/api/history/lines?since=2026-11-01T00:00:00Z&until=2026-11-01T00:01:00Z",
                TestConfig.READ_KEY).body().lines().toList();
        assertEquals(1, first.size(), first.toString());
        assertEquals("", get("/api/history/lines?since=2026-10-01T00:00:00Z&until=2026-10-02T00:00:00Z",
                TestConfig.READ_KEY).body());
    }

    @Test
    void historyLinesRefuseWithoutTheReadKeyAndExplainBadParameters() throws Exception {
        storeSomeLines();
        String ok = "/api/history/lines?since=2026-11-01T00:00:00Z&until=2026-11-01T01:00:00Z";
        assertEquals(401, get(ok, null).statusCode());
        assertEquals(401, get(ok, TestConfig.KEY).statusCode(), "the ping key does not read");
        HttpResponse<String> keyInUrl = get(ok + "&key=" + TestConfig.READ_KEY, null);
        assertEquals(401, keyInUrl.statusCode(), "the key is never taken from the URL");
        for (String bad : Map.of(
                "since", "?until=2026-11-01T01:00:00Z",
                "bad since", "?since=yesterday&until=2026-11-01T01:00:00Z",
                "reversed", "?since=2026-11-01T01:00:00Z&until=2026-11-01T00:00:00Z",
                "device", "?since=2026-11-01T00:00:00Z&until=2026-11-01T01:00:00Z&device=Home%20Pi").values()) {
            HttpResponse<String> r = get("/api/history/lines" + bad, TestConfig.READ_KEY);
            assertEquals(400, r.statusCode(), bad);
            assertFalse(r.body().contains("Exception"), r.body());
        }
        assertEquals(405, s.send(HttpRequest.newBuilder(s.uri(ok)).header("x-heartwatch-key", TestConfig.READ_KEY)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    @Test
    void theRegistryIsServedBehindTheReadKeyInTheFilesLayout() throws Exception {
        assertEquals(new DeviceRegistry(List.of()), DeviceRegistry.parse(get(HistoryLinesHandler.REGISTRY_PATH,
                TestConfig.READ_KEY).body()), "none yet");
        // In device order, as the store keeps it.
        DeviceRegistry registry = DeviceRegistry.parse("[{\"id\":\"backup\",\"cron\":\"30 2 * * *\","
                + "\"timeZone\":\"Europe/Berlin\",\"grace\":\"PT1H\"},\"home-pi\"]");
        s.server.store().registry().replaceAll(registry, T0);
        HttpResponse<String> r = get(HistoryLinesHandler.REGISTRY_PATH, TestConfig.READ_KEY);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals(registry, DeviceRegistry.parse(r.body()), "read back through the one reader of the layout");
        assertEquals(401, get(HistoryLinesHandler.REGISTRY_PATH, null).statusCode());
        assertEquals(401, get(HistoryLinesHandler.REGISTRY_PATH, TestConfig.KEY).statusCode(), "the ping key does not read");
        assertEquals(405, s.send(HttpRequest.newBuilder(s.uri(HistoryLinesHandler.REGISTRY_PATH))
                .header("x-heartwatch-key", TestConfig.READ_KEY).POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(404, get("/api/history/registry/x", TestConfig.READ_KEY).statusCode());
    }
}
