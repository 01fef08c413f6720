package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Source;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceHistoryTest {
    static final Instant T0 = Instant.parse("2026-11-21T00:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of());

    @TempDir
    Path dir;

    @Test
    void outagesUptimeStatusAndAddressComeFromTheStoredLines() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            // One beat a minute for 2 hours, except a silence from minute 30 to minute 50.
            for (int m = 0; m <= 120; m++) {
                if (m <= 30 || m >= 50) {
                    Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(m)));
                }
            }
            DeviceHistory h = new DeviceHistory(store, RULE);
            Instant now = T0.plus(Duration.ofMinutes(121));
            List<Outage> outages = h.outages("pi", T0, now, now);
            assertEquals(1, outages.size());
            assertEquals(T0.plus(Duration.ofMinutes(31)), outages.get(0).start());
            assertEquals(T0.plus(Duration.ofMinutes(50)), outages.get(0).end());
            assertEquals(Source.CLOUD, outages.get(0).source());
            assertEquals(0, h.outages("pi", T0.plus(Duration.ofMinutes(60)), now, now).size());
            var uptime = h.uptime("pi", T0, T0.plus(Duration.ofMinutes(120)), now);
            assertEquals(Duration.ofMinutes(19), uptime.down());
            assertEquals(Duration.ofMinutes(120), uptime.monitored());
            assertEquals(DeviceStatus.UP, h.status(store.devices().device("pi").orElseThrow(), now));
            assertEquals(DeviceStatus.DOWN, h.status(store.devices().device("pi").orElseThrow(), now.plus(Duration.ofMinutes(10))));
            assertEquals("127.0.0.1", h.lastAddress("pi").orElseThrow());
            assertNull(h.lastAddress("nobody").orElse(null));
        }
    }

    /**
     * The one coverage rule (docs/history.md): a clean restart no longer than the threshold is
     * watched time and up, as in {@code heartwatch history}; a longer clean stop is unmonitored.
     * Before, the dashboard left every clean stop out of its monitored time.
     */
    @Test
    void aTwoMinuteCleanRestartIsWatchedAndALongCleanStopIsNot() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            for (int m = 0; m <= 120; m++) {
                if (m == 30 || m == 60) {
                    Lines.stopping(store, "pi", T0.plus(Duration.ofMinutes(m)));
                } else if (m < 31 || m > 32 && m < 61 || m >= 90) {
                    Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(m)));
                }
            }
            DeviceHistory h = new DeviceHistory(store, RULE);
            Instant now = T0.plus(Duration.ofMinutes(120));
            var uptime = h.uptime("pi", T0, now, now);
            assertEquals(Duration.ofMinutes(90), uptime.monitored(), "120 minutes less the 30-minute stop, the 2-minute restart kept");
            assertEquals(Duration.ZERO, uptime.down());
            assertEquals(List.of(), h.outages("pi", T0, now, now));
        }
    }
}
