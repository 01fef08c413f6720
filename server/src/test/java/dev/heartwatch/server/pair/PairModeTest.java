package dev.heartwatch.server.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.HeartwatchServer;
import dev.heartwatch.server.config.ConfigException;
import dev.heartwatch.server.config.PairMode;
import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pair mode's settings, its refusals at start, and the reserved {@code stack-*} ids at the ping. */
class PairModeTest {
    static final String PEER_KEY = "peer-key-of-home-a-0123456789abcdef01234";
    static final String OTHER_STACK_KEY = "key-of-stack-home-c-0123456789abcdef0123";

    @TempDir
    Path dir;

    private Map<String, String> pair(String role, String peerUrl) throws Exception {
        Path key = dir.resolve("peer.key");
        Files.writeString(key, "peer-key-presented-0123456789abcdef012345\n");
        Map<String, String> m = new HashMap<>();
        m.put("HEARTWATCH_PAIR_ROLE", role);
        m.put("HEARTWATCH_STACK_NAME", "home-b");
        m.put("HEARTWATCH_PEER_NAME", "home-a");
        m.put("HEARTWATCH_PEER_URL", peerUrl);
        m.put("HEARTWATCH_PEER_KEY_FILE", key.toString());
        return m;
    }

    @Test
    void noRoleIsNoPairAndTheSettingsAreRead() throws Exception {
        assertNull(TestConfig.config(dir).pair());
        PairMode p = TestConfig.config(dir, pair("secondary", "https://a.example.com/api/ping")).pair();
        assertTrue(p.secondary());
        assertEquals("stack-home-b", p.ownDevice());
        assertEquals("stack-home-a", p.peerDevice());
        assertEquals(java.time.Duration.ofMinutes(1), p.interval(), "the default interval");
        assertFalse(TestConfig.config(dir, pair("primary", "https://a.example.com/api/ping")).toString()
                .contains("peer-key-presented"), "the key never shows");
    }

    @Test
    void aRoleWithoutAPeerIsRefused() throws Exception {
        Map<String, String> m = pair("primary", "https://a.example.com/api/ping");
        m.remove("HEARTWATCH_PEER_URL");
        String msg = assertThrows(ConfigException.class, () -> TestConfig.config(dir, m)).getMessage();
        assertTrue(msg.contains("needs a peer"), msg);
        Map<String, String> peerOnly = new HashMap<>(pair("primary", "https://a.example.com/api/ping"));
        peerOnly.remove("HEARTWATCH_PAIR_ROLE");
        assertThrows(ConfigException.class, () -> TestConfig.config(dir, peerOnly), "peer settings without a role");
    }

    @Test
    void badRolesNamesAndUrlsAreRefused() throws Exception {
        assertThrows(ConfigException.class, () -> TestConfig.config(dir, pair("tertiary", "https://a.example.com/api/ping")));
        assertThrows(ConfigException.class, () -> TestConfig.config(dir, pair("primary", "http://a.example.com/api/ping")),
                "plain http off loopback");
        assertThrows(ConfigException.class, () -> TestConfig.config(dir, pair("primary", "https://a.example.com/api/ping?code=x")),
                "a key in the URL");
        Map<String, String> self = pair("primary", "https://a.example.com/api/ping");
        self.put("HEARTWATCH_PEER_NAME", "home-b");
        assertThrows(ConfigException.class, () -> TestConfig.config(dir, self), "its own name as its peer");
        Map<String, String> upper = pair("primary", "https://a.example.com/api/ping");
        upper.put("HEARTWATCH_STACK_NAME", "Home_B");
        assertThrows(ConfigException.class, () -> TestConfig.config(dir, upper));
    }

    @Test
    void aPeerUrlThatIsThisServersOwnAddressStopsTheStart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> m = pair("primary", "http://localhost:" + port + "/api/ping");
        m.put("HEARTWATCH_PORT", String.valueOf(port));
        ServerConfig config = TestConfig.config(dir, m);
        String msg = assertThrows(ConfigException.class,
                () -> HeartwatchServer.start(config, Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()))).getMessage();
        assertTrue(msg.contains("own address"), msg);
        // Nothing is left behind: the same port and database serve a correct start at once.
        m.put("HEARTWATCH_PEER_URL", "http://127.0.0.1:" + (port == 65535 ? port - 1 : port + 1) + "/api/ping");
        try (RunningServer ok = new RunningServer(TestConfig.config(dir, m), Clock.systemUTC())) {
            assertEquals(port, ok.server.port());
        }
    }

    @Test
    void aKeyFileWithoutExactlyOneKeyStopsTheStart() throws Exception {
        Map<String, String> m = pair("primary", "http://127.0.0.1:9/api/ping");
        Files.writeString(Path.of(m.get("HEARTWATCH_PEER_KEY_FILE")), "# nothing\n");
        assertThrows(ConfigException.class, () -> new RunningServer(TestConfig.config(dir, m), Clock.systemUTC()));
    }

    @Test
    void stackBeatsComeOnlyFromTheKeyBoundToExactlyThatStack() throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("HEARTWATCH_DEVICE_KEYS", PEER_KEY + ":stack-home-a;" + OTHER_STACK_KEY + ":stack-*");
        try (RunningServer s = new RunningServer(TestConfig.config(dir, m), Clock.systemUTC())) {
            assertEquals(403, beat(s, TestConfig.KEY, "stack-home-a").statusCode(), "an unbound key");
            assertEquals(403, beat(s, OTHER_STACK_KEY, "stack-home-a").statusCode(), "a prefix binding is not exactly it");
            HttpResponse<String> refused = beat(s, PEER_KEY, "stack-home-c");
            assertEquals(403, refused.statusCode(), "the peer's key for another stack");
            assertFalse(refused.body().contains(PEER_KEY));
            assertEquals(200, beat(s, PEER_KEY, "stack-home-a").statusCode(), refused.body());
            assertEquals(200, beat(s, TestConfig.KEY, "pi").statusCode(), "other devices as before");
            assertTrue(s.server.store().devices().device("stack-home-c").isEmpty(), "nothing stored");
        }
    }

    private static HttpResponse<String> beat(RunningServer s, String key, String device) throws Exception {
        return s.send(HttpRequest.newBuilder(s.uri("/api/ping")).header("x-functions-key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + device + "\"}")));
    }
}
