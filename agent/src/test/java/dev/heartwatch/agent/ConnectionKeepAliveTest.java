package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionKeepAliveTest {
    @Test
    void theIdleTimeSpansTwoIntervalsWithinTheJdksFloorAndAnHour() {
        assertEquals(121, ConnectionKeepAlive.idleSeconds(Duration.ofSeconds(60)));
        assertEquals(21, ConnectionKeepAlive.idleSeconds(Duration.ofSeconds(10)));
        assertEquals(5, ConnectionKeepAlive.idleSeconds(Duration.ofSeconds(1)));
        assertEquals(5, ConnectionKeepAlive.idleSeconds(Duration.ofMillis(200)));
        assertEquals(3600, ConnectionKeepAlive.idleSeconds(Duration.ofMinutes(45)));
        assertEquals(3600, ConnectionKeepAlive.idleSeconds(Duration.ofDays(400_000_000L)));
    }

    @Test
    void itIsSetForTheJvmUnlessTheOperatorSetItAlready() {
        String before = System.getProperty(ConnectionKeepAlive.PROPERTY);
        try {
            System.clearProperty(ConnectionKeepAlive.PROPERTY);
            ConnectionKeepAlive.spanBeats(Duration.ofSeconds(60));
            assertEquals("121", System.getProperty(ConnectionKeepAlive.PROPERTY));

            System.setProperty(ConnectionKeepAlive.PROPERTY, "30");
            ConnectionKeepAlive.spanBeats(Duration.ofSeconds(60));
            assertEquals("30", System.getProperty(ConnectionKeepAlive.PROPERTY));
        } finally {
            if (before == null) {
                System.clearProperty(ConnectionKeepAlive.PROPERTY);
            } else {
                System.setProperty(ConnectionKeepAlive.PROPERTY, before);
            }
        }
    }
}
