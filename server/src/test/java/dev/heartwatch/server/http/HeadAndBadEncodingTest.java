package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.support.RawHttp;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's smaller ones: HEAD is answered like GET without a body on every GET route and never
 * records a beat on {@code /api/ping}, with nothing logged; bad percent-encoding anywhere in a
 * path or a query is a plain-text 400, never an HTML page.
 */
class HeadAndBadEncodingTest {
    private static final String READ = "x-heartwatch-key: " + TestConfig.READ_KEY + "\r\n";
    private static final String HISTORY = "/api/history/lines?since=2020-01-01T00:00:00Z&until=2100-01-01T00:00:00Z";

    @TempDir
    Path dir;
    private RunningServer s;
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler collect = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir), Clock.systemUTC());
        assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"pi\"}").statusCode());
        Logger.getLogger("").addHandler(collect);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(collect);
        s.close();
    }

    private String raw(String method, String pathAndQuery, String headers) throws Exception {
        return RawHttp.exchange("127.0.0.1", s.server.port(), RawHttp.get(method, pathAndQuery, headers));
    }

    private static String header(String answer, String name) {
        for (String line : answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }

    @Test
    void headOnEveryGetRouteIsTheGetsHeadWithoutItsBody() throws Exception {
        for (String path : List.of("/", "/dashboard.js", "/api/devices", "/api/devices/pi/outages?days=7")) {
            String get = raw("GET", path, READ);
            String head = raw("HEAD", path, READ);
            assertEquals(200, RawHttp.status(get), path);
            assertEquals(200, RawHttp.status(head), path + ": " + head);
            assertEquals(header(get, "Content-Type"), header(head, "Content-Type"), path);
            assertEquals(header(get, "Cache-Control"), header(head, "Cache-Control"), path);
            if (!path.startsWith("/api/")) {
                assertEquals(header(get, "Content-Length"), header(head, "Content-Length"), path);
            }
            assertFalse(RawHttp.body(get).isEmpty(), path);
            assertEquals("", RawHttp.body(head), path + ": a HEAD answer has no body");
        }
        String history = raw("HEAD", HISTORY, READ);
        assertEquals(200, RawHttp.status(history), history);
        assertEquals("text/plain; charset=utf-8", header(history, "Content-Type"));
        assertEquals("", RawHttp.body(history));
        assertTrue(warnings.isEmpty(), "nothing logged: " + warnings);
    }

    @Test
    void headIsJudgedByTheSameAccessRuleAsGet() throws Exception {
        assertEquals(401, RawHttp.status(raw("HEAD", "/api/devices", "")));
        assertEquals(401, RawHttp.status(raw("HEAD", HISTORY, "")));
    }

    @Test
    void headOnThePingIs405AndRecordsNothing() throws Exception {
        long before = s.server.store().facts().count();
        for (String path : List.of("/api/ping?code=" + TestConfig.KEY, "/api/ping?code=" + TestConfig.KEY + "&device=pi2")) {
            String answer = raw("HEAD", path, "");
            assertEquals(405, RawHttp.status(answer), answer);
            assertEquals("GET, POST", header(answer, "Allow"));
            assertEquals("", RawHttp.body(answer));
        }
        assertEquals(before, s.server.store().facts().count(), "no beat, no probe");
        assertTrue(s.server.store().devices().device("pi2").isEmpty());
        assertTrue(warnings.isEmpty(), "nothing logged: " + warnings);
    }

    @Test
    void badPercentEncodingAnywhereIsAPlainText400() throws Exception {
        List<String> requests = List.of(
                "/%ZZ", "/api/ping%ZZ", "/api/devices/%ZZ/mute", "/api/devices/pi/outages%ZZ", "/api/history/lines%ZZ",
                "/api/ping?code=" + TestConfig.KEY + "&device=%ZZ",
                "/api/ping?code=%ZZ",
                "/api/devices?x=%ZZ",
                "/api/devices/pi/outages?days=%ZZ",
                "/api/devices/pi/mute?for=%ZZ",
                "/?key=%ZZ",
                "/api/history/lines?since=%ZZ&until=%ZZ",
                "/api/ping?code=" + TestConfig.KEY + "&device=%E0%A4%A");
        for (String path : requests) {
            for (String method : List.of("GET", "POST")) {
                String answer = raw(method, path, READ + "x-functions-key: " + TestConfig.KEY + "\r\nContent-Length: 0\r\n");
                assertEquals(400, RawHttp.status(answer), method + " " + path + ": " + answer);
                assertTrue(answer.contains("Content-Type: text/plain"), answer);
                assertFalse(answer.contains("<") || answer.contains("ZZ") || answer.contains("Exception"), answer);
            }
        }
        assertEquals(1, s.server.store().facts().count(), "only the first beat is stored");
        assertTrue(s.server.store().devices().device("pi").orElseThrow().mutedUntil() == null);
        assertTrue(warnings.isEmpty(), "nothing logged: " + warnings);
    }
}
