package dev.heartwatch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void theEnvironmentOverridesTheFileWhichOverridesDefaults() throws Exception {
        Path file = dir.resolve("heartwatch-server.properties");
        Files.writeString(file, "HEARTWATCH_THRESHOLD=PT30S\nexport HEARTWATCH_PORT=\"9000\"\nHEARTWATCH_KEYS=a-key-from-file\n");
        ServerConfig c = ServerConfig.from(Map.of("HEARTWATCH_PORT", "9100", "PATH", "/usr/bin"), file);
        assertEquals(Duration.ofSeconds(30), c.threshold());
        assertEquals(9100, c.port());
        assertEquals(List.of("a-key-from-file"), c.pingKeys());
        assertEquals("127.0.0.1", c.bindAddress(), "loopback unless told otherwise");
        assertEquals(Duration.ofDays(400), c.retention());
    }

    @Test
    void keysCanComeFromAKeyFileAndNeverShowInToString() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "# ping keys\nsecret-one\n\nsecret-two\n");
        ServerConfig c = ServerConfig.fromMap(Map.of("HEARTWATCH_KEY_FILE", keys.toString(), "HEARTWATCH_SMTP_PASSWORD", "mail-secret"));
        assertEquals(List.of("secret-one", "secret-two"), c.pingKeys());
        assertFalse(c.toString().contains("secret-one"));
        assertFalse(c.toString().contains("mail-secret"));
    }

    @Test
    void aBadDurationNamesTheSetting() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromMap(Map.of("HEARTWATCH_THRESHOLD", "5m")));
        assertTrue(e.getMessage().contains("HEARTWATCH_THRESHOLD"), e.getMessage());
    }

    @Test
    void theCommittedExampleFileLoads() {
        Path example = Path.of("heartwatch-server.example.properties");
        assertTrue(Files.exists(example), "server/heartwatch-server.example.properties is documented in docs/server.md");
        ServerConfig c = ServerConfig.from(Map.of(), example);
        assertEquals(Duration.ofMinutes(5), c.threshold());
        assertTrue(c.pingKeys().isEmpty(), "the example holds no key");
    }
}
