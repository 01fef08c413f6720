package dev.heartwatch.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 429 path of new device names, on the real server over loopback, time moved by hand. */
class NewDeviceAdmissionTest {
    private static final String OTHER_KEY = "test-other-ping-key-abcdef0123456789";

    @TempDir
    Path dir;
    RunningServer s;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir, Map.of(
                "HEARTWATCH_KEYS", TestConfig.KEY + "," + OTHER_KEY,
                "HEARTWATCH_NEW_DEVICES_PER_KEY", "2",
                "HEARTWATCH_NEW_DEVICES_BURST", "3",
                "HEARTWATCH_NEW_DEVICES_TOTAL", "5",
                "HEARTWATCH_NEW_DEVICES_WINDOW", "PT1M",
                "HEARTWATCH_EXPECTED_DEVICES", "expected-pi")), clock);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private HttpResponse<String> beat(String key, String device) throws Exception {
        return s.post("/api/ping?code=" + key, "{\"device\":\"" + device + "\"}");
    }

    private boolean stored(String device) {
        return s.server.store().devices().knows(device);
    }

    @Test
    void beyondTheKeysLimitANewNameGets429WithRetryAfterAndKnownAndExpectedDevicesPass() throws Exception {
        for (String d : new String[] {"pi-1", "pi-2", "pi-3"}) {
            assertEquals(200, beat(TestConfig.KEY, d).statusCode(), d + " is within the burst of 3");
        }
        HttpResponse<String> refused = beat(TestConfig.KEY, "pi-4");
        assertEquals(429, refused.statusCode());
        assertEquals("30", refused.headers().firstValue("Retry-After").orElse(null), "one name at 2 a minute: 30 s");
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(refused.body().contains("too many new devices for this key"), refused.body());
        assertFalse(refused.body().contains(TestConfig.KEY), "the key is never echoed");
        assertFalse(stored("pi-4"), "nothing of a refused request is stored");

        assertEquals(200, beat(TestConfig.KEY, "pi-1").statusCode(), "a known device is never refused");
        assertEquals(200, beat(TestConfig.KEY, "expected-pi").statusCode(), "an expected device is always admitted");

        clock.advance(Duration.ofSeconds(29));
        assertEquals(429, beat(TestConfig.KEY, "pi-4").statusCode(), "29 s refill less than one name");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, beat(TestConfig.KEY, "pi-4").statusCode(), "the bucket refilled with time");
        assertTrue(stored("pi-4"));
    }

    @Test
    void beyondTheTotalLimitEveryKeysNewNamesGet429() throws Exception {
        for (String d : new String[] {"a-1", "a-2", "a-3"}) {
            assertEquals(200, beat(TestConfig.KEY, d).statusCode());
        }
        assertEquals(200, beat(OTHER_KEY, "b-1").statusCode());
        assertEquals(200, beat(OTHER_KEY, "b-2").statusCode());
        HttpResponse<String> refused = beat(OTHER_KEY, "b-3");
        assertEquals(429, refused.statusCode(), "5 new names in total: the other key's own bucket is not empty, the server's is");
        assertTrue(refused.body().contains("too many new devices for this server"), refused.body());
        assertEquals("12", refused.headers().firstValue("Retry-After").orElse(null), "one name at 5 a minute: 12 s");
        assertEquals(200, beat(OTHER_KEY, "b-1").statusCode(), "a known device is never refused");
        clock.advance(Duration.ofSeconds(12));
        assertEquals(200, beat(OTHER_KEY, "b-3").statusCode());
    }

    @Test
    void aProbeCreatesNoDeviceAndIsNotMetered() throws Exception {
        for (String d : new String[] {"pi-1", "pi-2", "pi-3"}) {
            assertEquals(200, beat(TestConfig.KEY, d).statusCode());
        }
        assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "").statusCode(), "a smoke test still passes");
    }

    @Test
    void theSameNameSpelledDifferentlyIsOneDeviceAfterTheContractNormalisesIt() throws Exception {
        assertEquals(200, beat(TestConfig.KEY, "Home Pi").statusCode());
        for (int i = 0; i < 5; i++) {
            assertEquals(200, beat(TestConfig.KEY, i % 2 == 0 ? "home-pi" : "HOME PI").statusCode(),
                    "home-pi is known: its spellings are not new names");
        }
    }
}
