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
        Files.writeString(file, "HEARTWATCH_THRESHOLD=PT30S\nexport HEARTWATCH_PORT=\"9000\"\nHEARTWATCH_KEYS=a-key-from-file-0123456789abcdef0123\n");
        ServerConfig c = ServerConfig.from(Map.of("HEARTWATCH_PORT", "9100", "PATH", "/usr/bin"), file);
        assertEquals(Duration.ofSeconds(30), c.threshold());
        assertEquals(9100, c.port());
        assertEquals(List.of("a-key-from-file-0123456789abcdef0123"), c.pingKeys());
        assertEquals("127.0.0.1", c.bindAddress(), "loopback unless told otherwise");
        assertEquals(Duration.ofDays(400), c.retention());
    }

    @Test
    void theFileIsReadAsADotEnvFileAsTheAgentReadsIt() throws Exception {
        // java.util.Properties read p\ss as pss, kept quotes after trailing spaces and kept " # comment".
        Path file = dir.resolve(".env");
        Files.writeString(file, "HEARTWATCH_KEYS=p\\ss-0123456789abcdef0123456789ab   \nHEARTWATCH_ADMIN_KEYS='admin-key-0123456789abcdef0123456789' # who\n"
                + "HEARTWATCH_READ_KEY=\"read-${SUFFIX}\"\n");
        Map<String, String> m = ServerConfig.readFile(file, Map.of("SUFFIX", "key-0123456789abcdef0123456789"));
        assertEquals("p\\ss-0123456789abcdef0123456789ab", m.get("HEARTWATCH_KEYS"));
        assertEquals("admin-key-0123456789abcdef0123456789", m.get("HEARTWATCH_ADMIN_KEYS"));
        assertEquals("read-key-0123456789abcdef0123456789", m.get("HEARTWATCH_READ_KEY"));
    }

    @Test
    void aLineThatDoesNotParseIsAnErrorNamingIt() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, "HEARTWATCH_PORT=9000\nHEARTWATCH_KEYS=\"never closed\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of(), file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void keysCanComeFromAKeyFileAndNeverShowInToString() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "# ping keys\nsecret-one-0123456789abcdef0123456789\n\nsecret-two-0123456789abcdef0123456789\n");
        ServerConfig c = ServerConfig.fromMap(Map.of("HEARTWATCH_KEY_FILE", keys.toString(), "HEARTWATCH_SMTP_PASSWORD", "mail-secret"));
        assertEquals(List.of("secret-one-0123456789abcdef0123456789", "secret-two-0123456789abcdef0123456789"), c.pingKeys());
        assertFalse(c.toString().contains("secret-one-0123456789abcdef0123456789"));
        assertFalse(c.toString().contains("mail-secret"));
    }

    @Test
    void aBadDurationNamesTheSetting() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromMap(Map.of("HEARTWATCH_THRESHOLD", "5m")));
        assertTrue(e.getMessage().contains("HEARTWATCH_THRESHOLD"), e.getMessage());
    }

    @Test
    void newDeviceLimitsHaveSafeDefaultsAndRefuseZero() {
        ServerConfig c = ServerConfig.fromMap(Map.of());
        assertEquals(ServerConfig.NewDevices.DEFAULTS, c.newDevices());
        ServerConfig set = ServerConfig.fromMap(Map.of("HEARTWATCH_NEW_DEVICES_PER_KEY", "5", "HEARTWATCH_WARM_UP", "PT2M"));
        assertEquals(5, set.newDevices().perKey());
        assertEquals(Duration.ofMinutes(2), set.newDevices().warmUp());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfig.fromMap(Map.of("HEARTWATCH_NEW_DEVICES_TOTAL", "0")));
        assertTrue(e.getMessage().contains("HEARTWATCH_NEW_DEVICES_PER_KEY, _BURST and _TOTAL"), e.getMessage());
    }

    @Test
    void theCommittedExampleFileLoads() {
        Path example = Path.of("heartwatch-server.example.properties");
        assertTrue(Files.exists(example), "server/heartwatch-server.example.properties is documented in docs/server.md");
        ServerConfig c = ServerConfig.from(Map.of(), example);
        assertEquals(Duration.ofMinutes(5), c.threshold());
        assertEquals(ServerConfig.NewDevices.DEFAULTS, c.newDevices(), "the example states the defaults");
        assertTrue(c.pingKeys().isEmpty(), "the example holds no key");
    }

    @Test
    void theReadKeyComesFromItsFileIsCheckedAndNeverShown() throws Exception {
        Path file = dir.resolve("read.key");
        Files.writeString(file, "# dashboard\nread-key-0123456789abcdef0123456789\n");
        ServerConfig c = ServerConfig.fromMap(Map.of("HEARTWATCH_READ_KEY_FILE", file.toString()));
        assertEquals("read-key-0123456789abcdef0123456789", c.readKey());
        assertTrue(c.dashboardActions(), "the page's buttons work by default");
        assertFalse(c.toString().contains("read-key-0123456789abcdef0123456789"));
        assertEquals(null, ServerConfig.fromMap(Map.of()).readKey(), "none: the dashboard is loopback-only");

        for (Map<String, String> bad : List.of(
                Map.of("HEARTWATCH_READ_KEY", "short"),
                Map.of("HEARTWATCH_READ_KEY", "has spaces in it, 0123456789"),
                Map.of("HEARTWATCH_READ_KEY", "same-as-the-ping-key-0123456789abcdef", "HEARTWATCH_KEYS", "same-as-the-ping-key-0123456789abcdef"),
                Map.of("HEARTWATCH_READ_KEY", "same-as-the-admin-key-0123456789abcdef", "HEARTWATCH_ADMIN_KEYS", "same-as-the-admin-key-0123456789abcdef"),
                Map.of("HEARTWATCH_DASHBOARD_ACTIONS", "maybe"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromMap(bad), bad.toString());
            assertFalse(e.getMessage().contains("0123"), "no key in the message: " + e.getMessage());
        }
        assertFalse(ServerConfig.fromMap(Map.of("HEARTWATCH_DASHBOARD_ACTIONS", "false")).dashboardActions());
        assertEquals(Duration.ofMinutes(5), ServerConfig.fromMap(Map.of()).responseTimeout());
    }
}
