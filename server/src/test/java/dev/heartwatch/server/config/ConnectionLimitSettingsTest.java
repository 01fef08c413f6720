package dev.heartwatch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HEARTWATCH_MAX_CONNECTIONS and ..._PER_ADDRESS: their defaults and the values refused at start. */
class ConnectionLimitSettingsTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("HEARTWATCH_KEYS", "a-ping-key-long-enough-0123456789abcdef");
        return m;
    }

    @Test
    void theDefaultsAre1024InAllAnd32PerAddress() {
        ServerConfig c = ServerConfig.fromMap(minimal());
        assertEquals(1024, c.maxConnections());
        assertEquals(32, c.maxConnectionsPerAddress());
    }

    @Test
    void bothAreRead() {
        Map<String, String> m = minimal();
        m.put("HEARTWATCH_MAX_CONNECTIONS", "200");
        m.put("HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS", "8");
        ServerConfig c = ServerConfig.fromMap(m);
        assertEquals(200, c.maxConnections());
        assertEquals(8, c.maxConnectionsPerAddress());
    }

    @Test
    void aCapOfNothingOrAPerAddressCapAboveTheTotalStopsTheStart() {
        for (Map.Entry<String, String> bad : Map.of("HEARTWATCH_MAX_CONNECTIONS", "0",
                "HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS", "0").entrySet()) {
            Map<String, String> m = minimal();
            m.put(bad.getKey(), bad.getValue());
            ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromMap(m));
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
        Map<String, String> m = minimal();
        m.put("HEARTWATCH_MAX_CONNECTIONS", "16");
        m.put("HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS", "32");
        assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.fromMap(m)).getMessage()
                .contains("HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS"));
    }
}
