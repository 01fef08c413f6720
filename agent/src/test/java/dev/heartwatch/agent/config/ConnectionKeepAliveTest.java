package dev.heartwatch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionKeepAliveTest {
    @Test
    void theIdleTimeSpansTwoIntervalsAndASecondUpToAnHour() {
        assertEquals(Duration.ofSeconds(121), ConnectionKeepAlive.idleFor(Duration.ofSeconds(60)));
        assertEquals(Duration.ofSeconds(21), ConnectionKeepAlive.idleFor(Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(3), ConnectionKeepAlive.idleFor(Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), ConnectionKeepAlive.idleFor(Duration.ofMillis(200)));
        assertEquals(Duration.ofSeconds(3600), ConnectionKeepAlive.idleFor(Duration.ofMinutes(45)));
        assertEquals(Duration.ofSeconds(3600), ConnectionKeepAlive.idleFor(Duration.ofDays(400_000_000L)));
    }
}
