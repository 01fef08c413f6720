package dev.heartwatch.server.dashboard;

import dev.heartwatch.server.http.AccessFilter;
import dev.heartwatch.server.http.KeyRing;
import dev.heartwatch.server.support.LoopbackWebServer;
import dev.heartwatch.channels.support.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DashboardHandlerTest {
    static final Instant NOW = Instant.parse("2026-11-21T18:30:00Z");
    static final String KEY = "read-key-for-tests-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(NOW);
    private final FixtureSource source = FixtureSource.household(NOW);
    private final HttpClient http = HttpClient.newHttpClient();
    private LoopbackWebServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private String start(DashboardAccess access) throws Exception {
        // The page's access is the server's one filter's (AccessFilter), as in heartwatch-server.
        server = new LoopbackWebServer(new AccessFilter(new KeyRing(List.of()), new KeyRing(List.of()), access, Set.of(),
                true, new DashboardHandler(source, clock)));
        return server.base();
    }

    private String startWithKey() throws Exception {
        return start(DashboardAccess.readKey(KEY));
    }

    private HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The device named {@code name} in an {@code /api/devices} answer (the page's order is down first). */
    static JsonNode byName(JsonNode body, String name) {
        for (JsonNode d : body.get("devices")) {
            if (d.get("device").asText().equals(name)) {
                return d;
            }
        }
        throw new AssertionError(name + " is not in " + body);
    }

    /** A GET with a Host header of the test's choosing (java.net.http will not send one). */
    private static String withHost(String base, String path, String host) throws IOException {
        URI uri = URI.create(base);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String enc(String device) {
        return URLEncoder.encode(device, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- access ----

    @Test
    void withoutTheKeyEveryRouteIs401AndTellsNothing() throws Exception {
        String base = startWithKey();
        for (String path : List.of("/", "/dashboard.js", "/api/devices", "/api/devices/cabin-pi/outages")) {
            HttpResponse<String> r = get(base + path);
            assertEquals(401, r.statusCode(), path);
            assertFalse(r.body().contains("cabin-pi") || r.body().contains("203.0.113"), r.body());
        }
        assertEquals(401, post(base + "/api/devices/cabin-pi/retire").statusCode());
        assertTrue(source.calls.isEmpty(), "the source was not asked: " + source.calls);
    }

    @Test
    void aWrongKeyIs401() throws Exception {
        String base = startWithKey();
        assertEquals(401, get(base + "/api/devices", "x-heartwatch-key", KEY + "x").statusCode());
        assertEquals(401, get(base + "/api/devices?key=" + KEY.substring(1)).statusCode());
        assertEquals(401, get(base + "/api/devices", "Cookie", "heartwatch_key=nope").statusCode());
    }

    @Test
    void theKeyWorksAsHeaderQueryOrCookie() throws Exception {
        String base = startWithKey();
        assertEquals(200, get(base + "/api/devices", "x-heartwatch-key", KEY).statusCode());
        assertEquals(200, get(base + "/api/devices?key=" + KEY).statusCode());
        assertEquals(200, get(base + "/api/devices", "Cookie", "theme=x; heartwatch_key=" + KEY).statusCode());
    }

    @Test
    void openingThePageWithTheKeySetsACookieAndDropsTheKeyFromTheAddress() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = get(base + "/?refresh=2&key=" + KEY);
        assertEquals(303, r.statusCode());
        assertEquals("/?refresh=2", r.headers().firstValue("Location").orElseThrow());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("heartwatch_key=" + KEY + ";"), cookie);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), cookie);
        assertFalse(cookie.contains("Secure"), "plain HTTP on loopback: a Secure cookie would be dropped");
    }

    @Test
    void aReadKeyMustBeLongAndCookieSafe() {
        assertThrows(IllegalArgumentException.class, () -> DashboardAccess.readKey("short"));
        assertThrows(IllegalArgumentException.class, () -> DashboardAccess.readKey("has;semicolon-0123456789"));
        assertFalse(DashboardAccess.readKey(KEY).toString().contains(KEY), "toString never shows the key");
    }

    @Test
    void loopbackOnlyServesLoopbackWithoutAKey() throws Exception {
        String base = start(DashboardAccess.loopbackOnly());
        assertEquals(200, get(base + "/api/devices").statusCode());
    }

    @Test
    void loopbackOnlyRefusesOtherAddressesWith403() throws Exception {
        // A LAN peer cannot be made on loopback: the rule the handler applies, on its own...
        InetAddress lan = InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 1, 20});
        assertFalse(DashboardAccess.servesLoopbackClient(lan, "127.0.0.1:8080"));
        assertFalse(DashboardAccess.servesLoopbackClient(null, "127.0.0.1:8080"));
        assertTrue(DashboardAccess.servesLoopbackClient(InetAddress.getLoopbackAddress(), "127.0.0.1:8080"));
        // ...and the handler's answer when the rule says no, through a real server.
        String base = start(DashboardAccess.loopbackOnly());
        String r = withHost(base, "/api/devices", "192.168.1.20:8080");
        assertTrue(r.startsWith("HTTP/1.1 403 "), r);
        assertFalse(r.contains("cabin-pi"));
        assertTrue(source.calls.isEmpty(), "the source was not asked: " + source.calls);
    }

    @Test
    void loopbackOnlyRefusesAForeignHostHeaderAgainstDnsRebinding() throws Exception {
        String base = start(DashboardAccess.loopbackOnly());
        assertTrue(withHost(base, "/api/devices", "attacker.example:8080").startsWith("HTTP/1.1 403 "));
        assertTrue(DashboardAccess.isLoopbackHost("localhost:8080"));
        assertTrue(DashboardAccess.isLoopbackHost("[::1]:8080"));
        assertTrue(DashboardAccess.isLoopbackHost("127.0.0.1"));
        assertFalse(DashboardAccess.isLoopbackHost("127.0.0.1.nip.example"));
        assertFalse(DashboardAccess.isLoopbackHost(null));
    }

    @Test
    void aCrossOriginPostIsRefused() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = post(base + "/api/devices/cabin-pi/retire",
                "x-heartwatch-key", KEY, "Origin", "http://attacker.example");
        assertEquals(403, r.statusCode());
        assertFalse(source.calls.stream().anyMatch(c -> c.startsWith("retire")));
        for (String undo : List.of("unmute", "unretire")) {
            assertEquals(403, post(base + "/api/devices/cabin-pi/" + undo, "x-heartwatch-key", KEY,
                    "Origin", "http://attacker.example").statusCode(), "an undo is a decision too: " + undo);
        }
        assertFalse(source.calls.stream().anyMatch(c -> c.startsWith("un")));
        assertEquals(200, post(base + "/api/devices/cabin-pi/retire", "x-heartwatch-key", KEY,
                "Origin", base).statusCode());
    }

    // ---- routes and JSON ----

    @Test
    void thePageIsServedWithAStrictPolicyAndNoData() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = get(base + "/", "x-heartwatch-key", KEY);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertFalse(r.body().contains("cabin-pi"));
        assertFalse(r.body().contains("http://") || r.body().contains("https://"), "nothing from the network");
        assertEquals(200, get(base + "/dashboard.css", "x-heartwatch-key", KEY).statusCode());
        assertTrue(get(base + "/dashboard.js", "x-heartwatch-key", KEY).headers()
                .firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
    }

    @Test
    void devicesListsEveryDeviceWithSummaryCounts() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = get(base + "/api/devices", "x-heartwatch-key", KEY);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertEquals(NOW.toEpochMilli(), body.get("now").asLong());
        JsonNode summary = body.get("summary");
        assertEquals(5, summary.get("total").asInt());
        assertEquals(2, summary.get("up").asInt());
        assertEquals(1, summary.get("down").asInt());
        assertEquals(1, summary.get("muted").asInt());
        assertEquals(1, summary.get("stopped").asInt());
        assertEquals(0, summary.get("retired").asInt());
        JsonNode cabin = byName(body, "cabin-pi");
        assertEquals("cabin-pi", cabin.get("device").asText());
        assertEquals("down", cabin.get("status").asText());
        assertEquals(NOW.minus(Duration.ofMinutes(47)).toEpochMilli(), cabin.get("lastSeen").asLong());
        assertEquals("198.51.100.7", cabin.get("ip").asText());
        assertEquals(96.7, cabin.get("uptime24h").asDouble());
        assertEquals(99.42, cabin.get("uptime7d").asDouble());
        assertEquals(99.86, cabin.get("uptime30d").asDouble());
        assertEquals(24, cabin.get("trail").size());
        assertEquals("down", cabin.get("trail").get(23).asText());
        JsonNode laptop = byName(body, "old-laptop");
        assertTrue(laptop.get("ip").isNull());
        assertTrue(laptop.get("uptime24h").isNull(), "no data is null, not 0");
        assertTrue(laptop.get("schedule").isNull(), "a source without a registry says nothing of schedules");
        assertTrue(laptop.get("due").isNull());
        assertEquals("time", laptop.get("uptimeBasis").asText());
        JsonNode router = byName(body, "home-router");
        assertEquals("every 1m + 4m grace", router.get("schedule").asText());
        assertEquals("up", router.get("due").asText());
        assertEquals(NOW.plusSeconds(40).toEpochMilli(), router.get("nextDue").asLong());
        assertEquals(NOW.plusSeconds(280).toEpochMilli(), router.get("downAt").asLong());
        assertTrue(router.get("lastDurationMs").isNull());
        assertTrue(router.get("runs30d").isNull(), "a period device's uptime is time");
        JsonNode nas = byName(body, "garage-nas");
        assertEquals("30 2 * * * Europe/Berlin + 1h", nas.get("schedule").asText());
        assertEquals("late", nas.get("due").asText());
        assertEquals(754_000L, nas.get("lastDurationMs").asLong());
        assertEquals("runs", nas.get("uptimeBasis").asText());
        assertEquals(90.0, nas.get("uptime30d").asDouble(), 1e-9);
        assertEquals("{\"expected\":30,\"onTime\":27,\"failed\":1}", nas.get("runs30d").toString());
        assertEquals("{\"expected\":1,\"onTime\":0,\"failed\":0}", nas.get("runs24h").toString());
    }

    @Test
    void outagesOfADeviceOverTheAskedDays() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = get(base + "/api/devices/cabin-pi/outages?days=7", "x-heartwatch-key", KEY);
        assertEquals(200, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("cabin-pi", body.get("device").asText());
        assertEquals(NOW.minus(Duration.ofDays(7)).toEpochMilli(), body.get("from").asLong());
        JsonNode outages = body.get("outages");
        assertEquals(2, outages.size());
        JsonNode ongoing = outages.get(1);
        assertTrue(ongoing.get("end").isNull());
        assertEquals("dns", ongoing.get("cause").asText());
        assertEquals("both", ongoing.get("source").asText());
        assertEquals(Duration.ofMinutes(46).toMillis(), ongoing.get("durationMs").asLong());
        assertEquals(11 * 60_000L, outages.get(0).get("durationMs").asLong());
        assertTrue(source.calls.contains("outages cabin-pi " + NOW.minus(Duration.ofDays(7)) + " " + NOW + " " + NOW),
                source.calls.toString());
    }

    @Test
    void outagesDefaultToThirtyDaysAndRefuseOtherRanges() throws Exception {
        String base = startWithKey();
        assertEquals(NOW.minus(Duration.ofDays(30)).toEpochMilli(), JSON.readTree(
                get(base + "/api/devices/cabin-pi/outages", "x-heartwatch-key", KEY).body()).get("from").asLong());
        for (String days : List.of("0", "401", "abc", "-3", "")) {
            HttpResponse<String> r = get(base + "/api/devices/cabin-pi/outages?days=" + days, "x-heartwatch-key", KEY);
            assertEquals(400, r.statusCode(), "days=" + days);
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains("days"));
        }
    }

    @Test
    void anUnknownDeviceIs404() throws Exception {
        String base = startWithKey();
        assertEquals(404, get(base + "/api/devices/nobody/outages", "x-heartwatch-key", KEY).statusCode());
        assertEquals(404, post(base + "/api/devices/nobody/mute?for=PT1H", "x-heartwatch-key", KEY).statusCode());
        assertEquals(404, post(base + "/api/devices/nobody/retire", "x-heartwatch-key", KEY).statusCode());
    }

    @Test
    void unknownPathsAre404() throws Exception {
        String base = startWithKey();
        for (String path : List.of("/nope", "/api", "/api/devices/cabin-pi", "/api/devices/cabin-pi/delete")) {
            assertEquals(404, get(base + path, "x-heartwatch-key", KEY).statusCode(), path);
        }
        // A path that climbs above the root, holds an empty segment or an encoded NUL is refused
        // by Jetty's URI rules before any route: a plain 400 that names nothing.
        for (String path : List.of("/../etc/passwd", "/api/devices//outages", "/api/devices/%00/outages")) {
            HttpResponse<String> refused = get(base + path, "x-heartwatch-key", KEY);
            assertEquals(400, refused.statusCode(), path);
            assertFalse(refused.body().contains("passwd") || refused.body().contains("<"), refused.body());
        }
    }

    @Test
    void wrongMethodsAre405WithAllow() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = post(base + "/api/devices", "x-heartwatch-key", KEY);
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElseThrow());
        r = get(base + "/api/devices/cabin-pi/mute?for=PT1H", "x-heartwatch-key", KEY);
        assertEquals(405, r.statusCode());
        assertEquals("POST", r.headers().firstValue("Allow").orElseThrow());
        assertEquals(405, get(base + "/api/devices/cabin-pi/retire", "x-heartwatch-key", KEY).statusCode());
        assertEquals(405, post(base + "/", "x-heartwatch-key", KEY).statusCode());
        assertFalse(source.calls.stream().anyMatch(c -> c.startsWith("mute") || c.startsWith("retire")
                || c.startsWith("unmute") || c.startsWith("unretire")));
    }

    @Test
    void muteTakesAnIsoDurationFromNow() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = post(base + "/api/devices/garage-nas/mute?for=PT2H30M", "x-heartwatch-key", KEY);
        assertEquals(200, r.statusCode());
        assertEquals(NOW.plus(Duration.ofMinutes(150)).toString(), JSON.readTree(r.body()).get("mutedUntil").asText());
        assertTrue(source.calls.contains("mute garage-nas PT2H30M " + NOW));
        assertEquals(200, post(base + "/api/devices/garage-nas/mute", "x-heartwatch-key", KEY).statusCode());
        assertTrue(source.calls.contains("mute garage-nas PT1H " + NOW), "default one hour");
        for (String bad : List.of("1h", "PT0S", "-PT1H", "P400D")) {
            assertEquals(400, post(base + "/api/devices/garage-nas/mute?for=" + bad, "x-heartwatch-key", KEY).statusCode(), bad);
        }
    }

    @Test
    void retireAsksTheSource() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = post(base + "/api/devices/old-laptop/retire", "x-heartwatch-key", KEY);
        assertEquals(200, r.statusCode());
        assertEquals(NOW.toString(), JSON.readTree(r.body()).get("retiredAt").asText());
        assertTrue(source.calls.contains("retire old-laptop " + NOW));
    }

    @Test
    void unmuteAndUnretireAreRoutesOfThePageToo() throws Exception {
        String base = startWithKey();
        HttpResponse<String> r = post(base + "/api/devices/garage-nas/unmute", "x-heartwatch-key", KEY);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"device\":\"garage-nas\",\"mutedUntil\":null,\"retiredAt\":null}", r.body());
        assertTrue(source.calls.contains("unmute garage-nas " + NOW));
        assertEquals(200, post(base + "/api/devices/old-laptop/unretire", "x-heartwatch-key", KEY).statusCode());
        assertTrue(source.calls.contains("unretire old-laptop " + NOW));
        assertEquals(404, post(base + "/api/devices/nobody/unmute", "x-heartwatch-key", KEY).statusCode());
        assertEquals(404, post(base + "/api/devices/nobody/unretire", "x-heartwatch-key", KEY).statusCode());
        assertEquals(405, get(base + "/api/devices/garage-nas/unmute", "x-heartwatch-key", KEY).statusCode());
        assertEquals(401, post(base + "/api/devices/garage-nas/unretire").statusCode(), "the page's access rule holds");
    }

    @Test
    void aFailingSourceGivesA500WithoutDetails() throws Exception {
        String base = startWithKey();
        source.failure = new IllegalStateException("database file /var/lib/heartwatch/store.db is locked");
        HttpResponse<String> r = get(base + "/api/devices", "x-heartwatch-key", KEY);
        assertEquals(500, r.statusCode());
        assertEquals("{\"error\":\"internal error\"}", r.body());
    }

    // ---- hostile text ----

    @Test
    void aHostileDeviceNameIsPlainJsonTextAndAddressable() throws Exception {
        String base = startWithKey();
        JsonNode body = JSON.readTree(get(base + "/api/devices", "x-heartwatch-key", KEY).body());
        assertEquals(FixtureSource.HOSTILE, byName(body, FixtureSource.HOSTILE).get("device").asText());
        HttpResponse<String> r = get(base + "/api/devices/" + enc(FixtureSource.HOSTILE) + "/outages",
                "x-heartwatch-key", KEY);
        assertEquals(200, r.statusCode());
        JsonNode outage = JSON.readTree(r.body()).get("outages").get(0);
        assertEquals("<script>alert(2)</script>", outage.get("cause").asText());
        assertEquals("\"><svg onload=alert(3)>", outage.get("detail").asText());
    }

    @Test
    void thePageScriptNeverWritesMarkup() throws IOException {
        String script;
        try (InputStream in = DashboardHandler.class.getResourceAsStream("/dashboard/dashboard.js")) {
            assertNotNull(in);
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String sink : List.of(".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "setAttribute('on", "srcdoc")) {
            assertFalse(script.contains(sink), "dashboard.js uses " + sink);
        }
        assertTrue(script.contains("textContent"));
    }

    @Test
    void viewsRejectUnknownStatuses() {
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceView("x", "sleeping", null, null, null, null, null, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceView("x", "up", null, null, null, null, null, List.of("up", "meh")));
        assertThrows(IllegalArgumentException.class,
                () -> new OutageView("x", NOW, null, 0, "dns", null, "satellite"));
    }
}
