package dev.heartwatch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** D8: keys long enough not to be guessed, one job each, never printed. */
class KeyRulesTest {
    static final String PING = "ping-key-0123456789abcdef0123456789ab";
    static final String ADMIN = "admin-key-0123456789abcdef0123456789a";
    static final String READ = "read-key-0123456789abcdef0123456789ab";

    @TempDir
    Path dir;

    private static String refusal(Map<String, String> settings) {
        String m = assertThrows(ConfigException.class, () -> ServerConfig.fromMap(settings), settings.keySet().toString())
                .getMessage();
        for (String secret : settings.values()) {
            if (secret.length() >= 8) {
                assertFalse(m.contains(secret), "no key in the message: " + m);
            }
        }
        return m;
    }

    @Test
    void theAdminKeyMustDifferFromThePingKey() {
        String m = refusal(Map.of("HEARTWATCH_KEYS", PING, "HEARTWATCH_ADMIN_KEYS", PING));
        assertEquals("admin key 1 (HEARTWATCH_ADMIN_KEYS, then HEARTWATCH_ADMIN_KEY_FILE) is the same as ping key 1 "
                + "(HEARTWATCH_KEYS, then HEARTWATCH_KEY_FILE): ping, device, admin and read keys must all differ", m);
    }

    @Test
    void theReadKeyMustDifferFromTheOthers() {
        assertTrue(refusal(Map.of("HEARTWATCH_KEYS", PING, "HEARTWATCH_READ_KEY", PING)).contains("must all differ"));
        assertTrue(refusal(Map.of("HEARTWATCH_ADMIN_KEYS", ADMIN, "HEARTWATCH_READ_KEY", ADMIN)).contains("must all differ"));
    }

    @Test
    void aOneLetterKeyIsRefused() {
        String m = refusal(Map.of("HEARTWATCH_KEYS", "a"));
        assertEquals("ping key 1 (HEARTWATCH_KEYS, then HEARTWATCH_KEY_FILE) is shorter than 32 characters "
                + "(make one with: openssl rand -hex 24)", m);
        assertTrue(refusal(Map.of("HEARTWATCH_KEYS", PING, "HEARTWATCH_ADMIN_KEYS", "0123456789abcdef0123456789abcde"))
                .startsWith("admin key 1 "), "31 characters is one short");
        assertTrue(refusal(Map.of("HEARTWATCH_READ_KEY", "0123456789abcdef0123456789abcde")).contains("HEARTWATCH_READ_KEY must be 32-256"));
    }

    @Test
    void thirtyTwoCharactersOfEachKindStart() {
        ServerConfig c = ServerConfig.fromMap(Map.of("HEARTWATCH_KEYS", "p".repeat(32), "HEARTWATCH_ADMIN_KEYS", "a".repeat(32),
                "HEARTWATCH_READ_KEY", "r".repeat(32), "HEARTWATCH_DEVICE_KEYS", "d".repeat(32) + ":router"));
        assertEquals(1, c.pingKeys().size());
        assertEquals(1, c.deviceKeys().size());
    }

    @Test
    void aKeyFromAFileIsNamedByItsSettingAndPosition() throws Exception {
        Path keys = dir.resolve("ping.key");
        Files.writeString(keys, PING + "\nshort-key\n");
        String m = refusal(Map.of("HEARTWATCH_KEY_FILE", keys.toString()));
        assertTrue(m.startsWith("ping key 2 "), m);
        assertFalse(m.contains("short-key"), m);
    }

    private static String pathRefusal(Map<String, String> settings) {
        return assertThrows(ConfigException.class, () -> ServerConfig.fromMap(settings)).getMessage();
    }

    @Test
    void aKeyFileThatCannotBeReadSaysWhy() throws Exception {
        Path missing = dir.resolve("nowhere.key");
        assertEquals("key file " + missing + " does not exist", pathRefusal(Map.of("HEARTWATCH_KEY_FILE", missing.toString())));
        Path latin1 = dir.resolve("latin1.key");
        Files.write(latin1, new byte[] {'k', (byte) 0xe9, 'y', '\n'});
        assertEquals("device key file " + latin1 + " is not UTF-8 text",
                pathRefusal(Map.of("HEARTWATCH_DEVICE_KEY_FILE", latin1.toString())));
        assertEquals("key file " + dir + " cannot be read: Is a directory", pathRefusal(Map.of("HEARTWATCH_ADMIN_KEY_FILE", dir.toString())));
    }

    @Test
    void aKeyWithWhiteSpaceInsideIsRefused() {
        for (String bad : new String[] {"0123456789abcdef 0123456789abcdef", "0123456789abcdef\u00a00123456789abcdef",
                "0123456789abcdef\u00850123456789abcdef", "0123456789abcdef\u001b0123456789abcdef"}) {
            assertTrue(refusal(Map.of("HEARTWATCH_KEYS", bad)).contains("white space or control"), bad);
        }
    }

    @Test
    void theSamePingKeyListedTwiceIsHarmless() {
        assertEquals(List.of(PING, PING), ServerConfig.fromMap(Map.of("HEARTWATCH_KEYS", PING + "," + PING)).pingKeys());
    }

    @Test
    void deviceKeysAreBoundToDevicesAndPrefixes() {
        ServerConfig c = ServerConfig.fromMap(Map.of("HEARTWATCH_DEVICE_KEYS", PING + ": router, nas ;" + ADMIN + ":office-*"));
        assertEquals(2, c.deviceKeys().size());
        DeviceScope home = c.deviceKeys().get(0).scope();
        assertEquals(List.of("router", "nas"), home.devices());
        assertTrue(home.speaksFor("router") && home.speaksFor("router.dns") && home.speaksFor("nas"));
        assertFalse(home.speaksFor("router2") || home.speaksFor("office-pc") || home.speaksFor("nas-backup"));
        DeviceScope office = c.deviceKeys().get(1).scope();
        assertTrue(office.speaksFor("office-pc") && office.speaksFor("office-pc.http"));
        assertFalse(office.speaksFor("office") || office.speaksFor("router"));
        assertFalse(c.toString().contains(PING) || c.toString().contains(ADMIN), c.toString());
        assertTrue(c.toString().contains("router,nas"), c.toString());
    }

    @Test
    void deviceKeysComeFromAFileOneBindingALine() throws Exception {
        Path file = dir.resolve("device.keys");
        Files.writeString(file, "# home\n" + PING + ": router, nas\n\n" + ADMIN + ": office-*\n");
        ServerConfig c = ServerConfig.fromMap(Map.of("HEARTWATCH_DEVICE_KEY_FILE", file.toString()));
        assertEquals(List.of("office-"), c.deviceKeys().get(1).scope().prefixes());
        assertEquals("HEARTWATCH_DEVICE_KEY_FILE line 4", c.deviceKeys().get(1).where());
    }

    @Test
    void aBadDeviceBindingSaysWhereAndWhyWithoutTheKey() {
        assertEquals("HEARTWATCH_DEVICE_KEYS binding 1: expected KEY:device,device,prefix-* (no ':' found)",
                refusal(Map.of("HEARTWATCH_DEVICE_KEYS", PING)));
        assertTrue(refusal(Map.of("HEARTWATCH_DEVICE_KEYS", PING + ":Router!")).contains("'Router!' is not a device id"));
        assertTrue(refusal(Map.of("HEARTWATCH_DEVICE_KEYS", PING + ":*")).contains("'*' alone would speak for every device"));
        assertTrue(refusal(Map.of("HEARTWATCH_DEVICE_KEYS", PING + ": , ")).contains("names no device"));
        assertTrue(refusal(Map.of("HEARTWATCH_DEVICE_KEYS", ":router")).contains("no key before ':'"));
        assertTrue(refusal(Map.of("HEARTWATCH_DEVICE_KEYS", PING + ":office*-*")).contains("is not a device id prefix"));
        // Written the wrong way round: the key is never echoed as a "device" (refusal checks).
        String upperKey = "PING-KEY-0123456789ABCDEF0123456789AB";
        assertTrue(refusal(Map.of("HEARTWATCH_DEVICE_KEYS", "router,nas:" + upperKey))
                .contains("device 1 (as long as a key: is the binding KEY:devices?) is not a device id"));
    }

    @Test
    void aDeviceKeyCannotAlsoBeAnUnboundOrAnotherBoundKey() {
        assertTrue(refusal(Map.of("HEARTWATCH_KEYS", PING, "HEARTWATCH_DEVICE_KEYS", PING + ":router"))
                .contains("the device key of HEARTWATCH_DEVICE_KEYS binding 1 is the same as ping key 1"));
        assertTrue(refusal(Map.of("HEARTWATCH_DEVICE_KEYS", PING + ":router;" + PING + ":nas"))
                .contains("binding 2 is the same as the device key of HEARTWATCH_DEVICE_KEYS binding 1"));
    }
}
