package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.store.AdminState;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mute, retire and their undo answer one shape in the admin API and on the page's routes, the
 * one docs/dashboard.md shows (issue 14: they answered ISO against epoch ms, and
 * {@code "retired": "<time>"} against {@code true}).
 */
class AdminStateShapeTest {
    static final Instant MIDNIGHT = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(MIDNIGHT);
    RunningServer s;

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir), clock);
        HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/api/ping")).header("x-functions-key", TestConfig.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"home-pi\"}")));
        assertEquals(200, r.statusCode(), r.body());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    /** The example JSON under the marker in docs/dashboard.md. */
    static String documentedExample() throws IOException {
        Path doc = Path.of("..", "docs", "dashboard.md");
        assertTrue(Files.isRegularFile(doc), "missing " + doc.toAbsolutePath());
        Matcher m = Pattern.compile("<!-- admin-state example[^>]*-->\\s*```json\\s*\\n(.*?)\\n```", Pattern.DOTALL)
                .matcher(Files.readString(doc));
        assertTrue(m.find(), "docs/dashboard.md has no admin-state example block");
        return m.group(1).strip();
    }

    private HttpResponse<String> admin(String action) throws Exception {
        return s.send(HttpRequest.newBuilder(s.uri("/api/devices/home-pi/" + action)).header("x-functions-key", TestConfig.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> page(String action) throws Exception {
        return s.send(HttpRequest.newBuilder(s.uri("/api/devices/home-pi/" + action)).header("x-heartwatch-key", TestConfig.READ_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void theAdminApiAndThePageAnswerAMuteExactlyAsDocumented() throws Exception {
        String example = documentedExample();
        HttpResponse<String> fromAdmin = admin("mute?for=PT2H");
        assertEquals(200, fromAdmin.statusCode(), fromAdmin.body());
        assertEquals(example, fromAdmin.body());
        HttpResponse<String> fromPage = page("mute?for=PT2H");
        assertEquals(200, fromPage.statusCode(), fromPage.body());
        assertEquals(example, fromPage.body());
        assertEquals("application/json", fromPage.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }

    @Test
    void everyDecisionAndItsUndoAnswerTheSameShapeBothWays() throws Exception {
        for (String action : new String[] {"mute?for=PT1H", "unmute", "retire", "unretire"}) {
            String a = admin(action).body();
            String p = page(action).body();
            assertEquals(a, p, action);
            assertTrue(a.matches("\\{\"device\":\"home-pi\",\"mutedUntil\":(null|\"[0-9TZ:.-]+\"),\"retiredAt\":(null|\"[0-9TZ:.-]+\")}"),
                    action + ": " + a);
        }
        assertEquals("{\"device\":\"home-pi\",\"mutedUntil\":null,\"retiredAt\":null}", admin("unretire").body());
    }

    @Test
    void unmuteAndUnretireUndoThroughTheAdminApi() throws Exception {
        admin("mute?for=PT1H");
        admin("retire");
        assertNotEquals(null, s.server.store().devices().device("home-pi").orElseThrow().retiredAt());
        assertEquals(200, admin("unmute").statusCode());
        assertNull(s.server.store().devices().device("home-pi").orElseThrow().mutedUntil());
        assertEquals(200, admin("unretire").statusCode());
        assertNull(s.server.store().devices().device("home-pi").orElseThrow().retiredAt());
        assertEquals(401, s.send(HttpRequest.newBuilder(s.uri("/api/devices/home-pi/unretire?code=" + TestConfig.KEY))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode(), "the ping key undoes nothing");
        assertEquals(400, s.send(HttpRequest.newBuilder(s.uri("/api/devices/Home%20Pi/unmute"))
                .header("x-functions-key", TestConfig.ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    @Test
    void theAnswerIsJsonWhateverTheNameHolds() throws Exception {
        String hostile = "\"},{\"x\":\"<img src=x onerror=alert(1)>";
        var parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new AdminState(hostile, null, MIDNIGHT).json());
        assertEquals(hostile, parsed.get("device").asText());
        assertEquals(MIDNIGHT.toString(), parsed.get("retiredAt").asText());
        assertEquals(3, parsed.size());
    }
}
