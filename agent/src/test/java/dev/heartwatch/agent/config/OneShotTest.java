package dev.heartwatch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --state}, {@code --exit-status}, {@code --duration(-ms)}: contract v2's run fields on a --once beat. */
class OneShotTest {
    private static final Map<String, String> BASE = Map.of("HEARTBEAT_URL", "http://127.0.0.1:1/api/ping",
            "HEARTBEAT_DEVICE", "backup");

    @TempDir
    Path dir;

    private OneShot read(Map<String, String> extraEnv, String... args) throws ConfigException {
        Map<String, String> env = new HashMap<>(BASE);
        env.putAll(extraEnv);
        return AgentConfig.from(args, env, dir.resolve(".env")).oneShot();
    }

    private String refused(Map<String, String> extraEnv, String... args) {
        return assertThrows(ConfigException.class, () -> read(extraEnv, args)).getMessage();
    }

    @Test
    void aPlainOnceIsASuccessWithoutRunFields() throws Exception {
        assertEquals(OneShot.SUCCESS, read(Map.of(), "--once"));
        assertEquals(OneShot.SUCCESS, read(Map.of()));
    }

    @Test
    void flagsGiveStateExitStatusAndDuration() throws Exception {
        assertEquals(new OneShot("start", -1, -1), read(Map.of(), "--once", "--state", "start"));
        assertEquals(new OneShot("fail", 3, 1234),
                read(Map.of(), "--once", "--state=fail", "--exit-status", "3", "--duration-ms", "1234"));
        assertEquals(new OneShot("running", 0, 90_000),
                read(Map.of(), "--once", "--exit-status", "0", "--duration", "PT1M30S"));
        assertEquals(new OneShot("running", -1, 12_500), read(Map.of(), "--once", "--duration", "12.5"));
        assertEquals(new OneShot("fail", 255, 0), read(Map.of(), "--once", "--state", "fail", "--exit-status", "255",
                "--duration-ms", "0"));
        assertEquals(new OneShot("running", -1, OneShot.MAX_DURATION_MS),
                read(Map.of(), "--once", "--duration", "P400D"));
    }

    @Test
    void theEnvironmentGivesThemTooAndAFlagWins() throws Exception {
        assertEquals(new OneShot("fail", 7, 42), read(Map.of("HEARTBEAT_STATE", "fail", "HEARTBEAT_EXIT_STATUS", "7",
                "HEARTBEAT_DURATION_MS", "42"), "--once"));
        assertEquals(new OneShot("running", 7, 42), read(Map.of("HEARTBEAT_STATE", "fail", "HEARTBEAT_EXIT_STATUS", "7",
                "HEARTBEAT_DURATION_MS", "42"), "--once", "--state", "running"));
    }

    @Test
    void dotEnvNeverSaysHowARunWent() throws Exception {
        // The loop shares .env: a state there would turn every beat into a failure.
        Files.writeString(dir.resolve(".env"), "HEARTBEAT_STATE=fail\nHEARTBEAT_EXIT_STATUS=9\n");
        assertEquals(OneShot.SUCCESS, read(Map.of(), "--once"));
        assertEquals(OneShot.SUCCESS, read(Map.of()));
    }

    @Test
    void badValuesAreRefusedAtStartWithTheReason() {
        for (String bad : new String[] {"256", "-1", "3.0", "x", "99999999999"}) {
            String m = refused(Map.of(), "--once", "--state", "fail", "--exit-status", bad);
            assertTrue(m.contains("0 to 255"), m);
        }
        assertTrue(refused(Map.of(), "--once", "--state", "stopping").contains("start, fail or running"));
        assertTrue(refused(Map.of(), "--once", "--state", "FAIL").contains("start, fail or running"), "case-sensitive");
        assertTrue(refused(Map.of(), "--once", "--state", "start", "--exit-status", "1").contains("not start"));
        assertTrue(refused(Map.of(), "--once", "--state", "start", "--duration-ms", "1").contains("not start"));
        assertTrue(refused(Map.of(), "--once", "--duration-ms", "-5").contains("whole milliseconds"));
        assertTrue(refused(Map.of(), "--once", "--duration-ms", String.valueOf(OneShot.MAX_DURATION_MS + 1))
                .contains("400 days"));
        assertTrue(refused(Map.of(), "--once", "--duration", "P401D").contains("400 days"));
        assertTrue(refused(Map.of(), "--once", "--duration", "-PT1S").contains("400 days"));
        assertTrue(refused(Map.of(), "--once", "--duration", "1", "--duration-ms", "1").contains("not both"));
        assertTrue(refused(Map.of(), "--exit-status", "0").contains("needs --once"));
        assertTrue(refused(Map.of("HEARTBEAT_STATE", "start")).contains("HEARTBEAT_STATE"));
        assertTrue(refused(Map.of(), "--state").contains("needs a value"));
    }

    @Test
    void aRefusedValueIsNotEchoedWithControlCharacters() {
        String m = refused(Map.of(), "--once", "--state", "fail\u001b[2J");
        assertFalse(m.contains("\u001b"), m);
    }
}
