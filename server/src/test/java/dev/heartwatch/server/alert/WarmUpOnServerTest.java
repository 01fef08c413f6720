package dev.heartwatch.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.store.NotificationRecord;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new-device warm-up on the real server over loopback (PT10M, 3 beats; threshold PT3S,
 * an evaluation every second), the server's clock moved by hand: beats posted to /api/ping,
 * then a minute of silence.
 */
class WarmUpOnServerTest {
    @TempDir
    Path dir;

    @Test
    void onlyDevicesPastTheirWarmUpOrExpectedAlert() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (RunningServer s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_WARM_UP", "PT10M",
                "HEARTWATCH_WARM_UP_BEATS", "3", "HEARTWATCH_EXPECTED_DEVICES", "expected-pi")), clock)) {
            for (int second = 0; second < 3; second++) {
                beat(s, "new-pi");
                if (second < 2) {
                    beat(s, "typo-pi");
                }
                if (second == 0) {
                    beat(s, "expected-pi");
                }
                clock.advance(Duration.ofSeconds(1));
            }
            clock.advance(Duration.ofMinutes(1));
            Await.until(Duration.ofSeconds(20), () -> fired(s, "new-pi") == 1 && fired(s, "expected-pi") == 1,
                    () -> "new-pi (3 beats) and expected-pi (expected) go DOWN: " + s.server.store().outbox().pending());
            Await.sleep(2_000); // two more evaluations
            assertEquals(List.of(), s.server.store().outbox().of("typo-pi"), "2 beats, then silence in its warm-up: nothing");
            assertTrue(s.server.store().devices().knows("typo-pi"), "it is still a device (shown on the dashboard)");
        }
    }

    private static void beat(RunningServer s, String device) throws Exception {
        assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"" + device + "\"}").statusCode());
    }

    private static long fired(RunningServer s, String device) {
        return s.server.store().outbox().of(device).stream().filter(n -> NotificationRecord.FIRED.equals(n.condition())).count();
    }
}
