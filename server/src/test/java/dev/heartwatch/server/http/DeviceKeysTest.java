package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "A key speaks for its own devices" (issue 14), on the running server over loopback. */
class DeviceKeysTest {
    static final String HOME = "home-key-0123456789abcdef0123456789abcdef";
    static final String OFFICE = "office-key-0123456789abcdef0123456789abcd";

    @TempDir
    Path dir;
    RunningServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_DEVICE_KEYS",
                HOME + ":router,nas;" + OFFICE + ":office-*")), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> beat(String key, String body) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri("/api/ping")).header("x-functions-key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private long stored() {
        return server.server.store().facts().count();
    }

    @Test
    void aBoundKeyBeatsForItsOwnDevicesAndTheirChecks() throws Exception {
        assertEquals(200, beat(HOME, "{\"device\":\"router\"}").statusCode());
        assertEquals(200, beat(HOME, "{\"device\":\"nas\",\"state\":\"stopping\"}").statusCode());
        assertEquals(200, beat(HOME, "{\"device\":\"router.dns\"}").statusCode(), "a check of its device");
        assertEquals(200, beat(OFFICE, "{\"device\":\"office-pc\"}").statusCode(), "a device of its prefix");
        assertEquals(4, stored());
        assertTrue(server.server.store().devices().knows("router.dns"));
    }

    @Test
    void anotherDeviceIsRefusedWith403AndNothingIsStored() throws Exception {
        HttpResponse<String> r = beat(HOME, "{\"device\":\"office-pc\"}");
        assertEquals(403, r.statusCode());
        assertEquals("this key speaks only for router,nas, not for office-pc; nothing from this request was stored", r.body().strip());
        assertFalse(r.body().contains(HOME));
        assertEquals(403, beat(HOME, "{\"device\":\"router2\"}").statusCode(), "a name that only starts like its device");
        assertEquals(403, beat(OFFICE, "{\"device\":\"office\"}").statusCode(), "the prefix is office-, not office");
        // The device named by header or query is read as the contract reads it, then checked.
        assertEquals(403, server.send(HttpRequest.newBuilder(server.uri("/api/ping?device=victim&code=" + HOME)).GET()).statusCode());
        assertEquals(403, server.send(HttpRequest.newBuilder(server.uri("/api/ping")).header("x-functions-key", HOME)
                .header("X-Device", "Victim").GET()).statusCode());
        assertEquals(0, stored());
        assertFalse(server.server.store().devices().knows("office-pc"));
    }

    @Test
    void aForgedStopOrOutageForAnotherDeviceIsRefused() throws Exception {
        assertEquals(403, beat(HOME, "{\"device\":\"victim\",\"state\":\"stopping\"}").statusCode());
        assertEquals(403, beat(HOME, "{\"device\":\"victim\",\"outages\":[{\"id\":\"o1\",\"start\":1763700000000,"
                + "\"end\":1763700060000,\"cause\":\"wan-down\"}]}").statusCode());
        assertEquals(0, stored());
        assertEquals(0, server.server.store().facts().reportsReceived("victim", java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60)).size());
    }

    /** Contract v2: a fail (or a start) from a key that may not speak for the device is refused like any beat. */
    @Test
    void aFailOrStartForAnotherDeviceIsRefusedAndNothingIsStored() throws Exception {
        assertEquals(403, beat(HOME, "{\"device\":\"victim\",\"state\":\"fail\",\"exitStatus\":1}").statusCode());
        assertEquals(403, beat(HOME, "{\"device\":\"victim\",\"state\":\"start\"}").statusCode());
        assertEquals(0, stored());
        assertFalse(server.server.store().devices().knows("victim"));
        assertEquals(200, beat(HOME, "{\"device\":\"router\",\"state\":\"fail\",\"exitStatus\":1}").statusCode(),
                "its own device's fail is taken");
    }

    @Test
    void aBoundKeySendsNoProbe() throws Exception {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/api/ping?code=" + HOME)).GET());
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("a request without a device (a probe) is not one of them"), r.body());
        assertEquals(0, stored());
    }

    @Test
    void anUnboundKeyStillSpeaksForEveryDeviceAndAWrongKeyIsStill401() throws Exception {
        assertEquals(200, beat(TestConfig.KEY, "{\"device\":\"office-pc\"}").statusCode());
        assertEquals(200, beat(TestConfig.KEY, "{\"device\":\"router\"}").statusCode());
        assertEquals(200, server.send(HttpRequest.newBuilder(server.uri("/api/ping?code=" + TestConfig.KEY)).GET()).statusCode(),
                "a probe");
        assertEquals(401, beat(HOME + "x", "{\"device\":\"router\"}").statusCode());
        assertEquals(3, stored());
    }
}
