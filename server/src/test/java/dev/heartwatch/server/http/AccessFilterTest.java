package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.support.RawHttp;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, D2: one filter decides every route from the real client, so a proxy on the same
 * machine (TRUSTED_PROXIES=127.0.0.1) cannot open a loopback-only dashboard to the internet.
 * Requests are written by hand from chosen loopback source addresses: 127.0.0.1 is the proxy,
 * 127.0.0.2 a local client that is not one.
 */
class AccessFilterTest {
    private static final String PROXY = "127.0.0.1";
    private static final String LOCAL = "127.0.0.2";
    private static final String FORWARDED_FOR = "X-Forwarded-For: 203.0.113.5\r\n";
    private static final String READ = "x-heartwatch-key: " + TestConfig.READ_KEY + "\r\n";

    /** The four kinds of route the dashboard's access guards: page, device list, history, the page's mute. */
    private static final List<String[]> GUARDED = List.of(
            new String[] {"GET", "/"},
            new String[] {"GET", "/api/devices"},
            new String[] {"GET", "/api/history/lines?since=2020-01-01T00:00:00Z&until=2100-01-01T00:00:00Z"},
            new String[] {"POST", "/api/devices/pi/mute?for=PT1H"});

    @TempDir
    Path dir;
    private RunningServer s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    private void start(boolean readKey) throws Exception {
        Map<String, String> settings = TestConfig.settings(dir);
        settings.put("HEARTWATCH_TRUSTED_PROXIES", PROXY);
        if (!readKey) {
            settings.remove("HEARTWATCH_READ_KEY");
        }
        s = new RunningServer(ServerConfig.fromMap(settings), Clock.systemUTC());
        // A known device, so the page's mute has something to mute.
        assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"pi\"}").statusCode());
    }

    private String send(String from, String[] route, String headers) throws Exception {
        String head = RawHttp.get(route[0], route[1], headers + ("POST".equals(route[0]) ? "Content-Length: 0\r\n" : ""));
        return RawHttp.exchange(from, s.server.port(), head);
    }

    private boolean muted() {
        return s.server.store().devices().device("pi").orElseThrow().mutedUntil() != null;
    }

    @Test
    void loopbackOnlyRefusesEveryRouteForwardedByATrustedProxy() throws Exception {
        start(false);
        for (String[] route : GUARDED) {
            String answer = send(PROXY, route, FORWARDED_FOR);
            assertEquals(403, RawHttp.status(answer), route[1] + ": " + answer);
            assertFalse(answer.contains("pi\"") || answer.contains("Exception"), answer);
        }
        assertFalse(muted(), "the forwarded mute did nothing");
    }

    @Test
    void loopbackOnlyRefusesATrustedProxyEvenWhenItForwardsNoHeader() throws Exception {
        start(false);
        for (String[] route : GUARDED) {
            assertEquals(403, RawHttp.status(send(PROXY, route, "")), route[1]);
        }
        assertFalse(muted());
    }

    @Test
    void loopbackOnlyRefusesAnyForwardingHeaderFromAnyLoopbackPeer() throws Exception {
        start(false);
        for (String header : List.of(FORWARDED_FOR, "x-forwarded-for: 203.0.113.5\r\n", "X-Forwarded-For:\r\n",
                "Forwarded: for=203.0.113.5\r\n", "X-Real-IP: 203.0.113.5\r\n",
                "Via: 1.1 edge\r\n", "X-Forwarded-Host: heartwatch.example\r\n")) {
            for (String[] route : GUARDED) {
                assertEquals(403, RawHttp.status(send(LOCAL, route, header)), route[1] + " with " + header.strip());
            }
        }
        assertFalse(muted());
    }

    @Test
    void loopbackOnlyStillServesALocalClientThatNothingForwarded() throws Exception {
        start(false);
        for (String[] route : GUARDED) {
            assertEquals(200, RawHttp.status(send(LOCAL, route, "")), route[1]);
        }
        assertTrue(muted(), "the local page's mute worked");
    }

    @Test
    void withAReadKeyAForwardedRequestIsJudgedByItsKey() throws Exception {
        start(true);
        for (String[] route : GUARDED) {
            String answer = send(PROXY, route, FORWARDED_FOR);
            assertEquals(401, RawHttp.status(answer), route[1] + ": " + answer);
            assertTrue(answer.contains("WWW-Authenticate: HeartwatchKey"), answer);
        }
        assertFalse(muted());
        for (String[] route : GUARDED) {
            assertEquals(200, RawHttp.status(send(PROXY, route, FORWARDED_FOR + READ)), route[1]);
        }
        assertTrue(muted());
    }

    @Test
    void theAdminAndPingKeysWorkThroughTheProxyAndTheReadKeyIsNeitherOfThem() throws Exception {
        start(true);
        String admin = "/api/devices/pi/retire?code=" + TestConfig.ADMIN_KEY;
        assertEquals(401, RawHttp.status(send(PROXY, new String[] {"POST", "/api/devices/pi/retire?code=" + TestConfig.READ_KEY},
                FORWARDED_FOR)), "the read key is not an admin key");
        assertNull(s.server.store().devices().device("pi").orElseThrow().retiredAt());
        assertEquals(200, RawHttp.status(send(PROXY, new String[] {"POST", admin}, FORWARDED_FOR)));
        assertEquals(401, RawHttp.status(send(PROXY, new String[] {"GET", "/api/ping?code=" + TestConfig.READ_KEY}, FORWARDED_FOR)),
                "the read key is not a ping key");
        assertEquals(200, RawHttp.status(send(PROXY, new String[] {"GET", "/api/ping?code=" + TestConfig.KEY + "&device=pi"},
                FORWARDED_FOR)));
    }
}
