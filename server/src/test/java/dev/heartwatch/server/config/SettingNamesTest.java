package dev.heartwatch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** D8: a mistyped name stops the start instead of leaving a default silently in force. */
class SettingNamesTest {
    static final String KEY = "settings-test-ping-key-0123456789abcdef";

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("heartwatch-server.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aTypoInTheFileIsRefusedWithDidYouMean() throws Exception {
        Path f = file("HEARTWATCH_KEYS=" + KEY + "\nHEARTWATCH_TRESHOLD=PT5S\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of(), f));
        assertTrue(e.getMessage().contains("HEARTWATCH_TRESHOLD is not a setting; did you mean HEARTWATCH_THRESHOLD?"),
                e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    }

    @Test
    void everyUnknownNameInTheFileIsRefusedEvenFarFromAnySetting() throws Exception {
        Path f = file("HEARTWATCH_KEYS=" + KEY + "\nHEARTBEAT_URL=http://127.0.0.1:7071/api/ping\n"
                + "heartwatch_port=9000\nAPPLICATIONINSIGHTS_CONNECTION_STRING=x\n");
        String m = assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of(), f)).getMessage();
        assertTrue(m.contains("HEARTBEAT_URL is not a setting"), m);
        assertTrue(m.contains("heartwatch_port is not a setting; did you mean HEARTWATCH_PORT? (names are upper case)"), m);
        assertTrue(m.contains("APPLICATIONINSIGHTS_CONNECTION_STRING is not a setting"), m);
    }

    @Test
    void aNameWithControlCharactersIsShownDefused() throws Exception {
        Path f = file("HEARTWATCH_KEYS=" + KEY + "\nHEARTWATCH_\u001b[31mX=1\n");
        String m = assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of(), f)).getMessage();
        assertFalse(m.contains("\u001b"), "no terminal escape reaches the console: " + m);
        assertTrue(m.contains("HEARTWATCH_?[31mX"), m);
    }

    @Test
    void theConfigFileCannotNameItself() throws Exception {
        Path f = file("HEARTWATCH_KEYS=" + KEY + "\nHEARTWATCH_CONFIG=/elsewhere\n");
        String m = assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of(), f)).getMessage();
        assertTrue(m.contains("HEARTWATCH_CONFIG names this file"), m);
    }

    @Test
    void aNearMissInTheEnvironmentIsRefused() {
        Map<String, String> env = Map.of("HEARTWATCH_KEYS", KEY, "HEARTWATCH_THRESHHOLD", "PT10S");
        String m = assertThrows(ConfigException.class, () -> ServerConfig.from(env, null)).getMessage();
        assertEquals("environment: HEARTWATCH_THRESHHOLD is not a setting; did you mean HEARTWATCH_THRESHOLD?", m);
        // Two edits away, and a lower-case or mistyped prefix, are near misses too.
        for (String near : new String[] {"HEARTWATCH_TRESHHOLD", "heartwatch_threshold", "HAERTWATCH_THRESHOLD"}) {
            assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of("HEARTWATCH_KEYS", KEY, near, "PT1S"), null), near);
        }
    }

    @Test
    void otherHeartwatchVariablesInTheEnvironmentAreLeftAlone() {
        Map<String, String> env = new HashMap<>(Map.of("HEARTWATCH_KEYS", KEY, "HEARTWATCH_SESSION", "hw",
                "HEARTWATCH_PYTHON", "/usr/bin/python3", "HEARTWATCH_SOMETHING_ELSE_ENTIRELY", "x", "PATH", "/usr/bin"));
        // An agent on the same machine, in the same environment:
        env.putAll(Map.of("HEARTBEAT_URL", "http://127.0.0.1:7071/api/ping", "HEARTBEAT_KEY", "k", "HEARTBEAT_DEVICE", "pi"));
        ServerConfig c = ServerConfig.from(env, null);
        assertEquals(Duration.ofMinutes(5), c.threshold());
    }

    /**
     * Every HEARTWATCH_* name the repository uses (scripts, workflows, tests, docs) is a setting or
     * one of the scripts' own, and setting them all at once in the environment starts the server.
     */
    @Test
    void everyHeartwatchNameInTheRepositoryIsASettingOrTheScripts() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(root.resolve("scripts")), "run from the server module: " + root);
        Pattern name = Pattern.compile("HEARTWATCH_[A-Z0-9_]*[A-Z0-9]");
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).filter(SettingNamesTest::isSource)::iterator) {
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString();
                } catch (CharacterCodingException binary) {
                    continue;
                }
                Matcher m = name.matcher(text);
                while (m.find()) {
                    found.add(m.group());
                }
            }
        }
        assertTrue(found.contains("HEARTWATCH_SESSION") && found.contains("HEARTWATCH_THRESHOLD"), "the walk found names: " + found);
        Set<String> strangers = new TreeSet<>(found);
        strangers.removeAll(SettingNames.SETTINGS);
        strangers.removeAll(SettingNames.SCRIPT_VARIABLES);
        assertEquals(Set.of(), strangers, "add each to SettingNames.SETTINGS or SCRIPT_VARIABLES");

        Map<String, String> env = new HashMap<>();
        for (String n : SettingNames.SCRIPT_VARIABLES) {
            env.put(n, "x");
        }
        env.put("HEARTWATCH_KEYS", KEY);
        assertEquals(1, ServerConfig.from(env, null).pingKeys().size());
    }

    /** Files that spell settings wrong on purpose, to show what is refused. */
    private static final Set<String> TYPO_TESTS = Set.of("SettingNames.java", "server.md", "SettingNamesTest.java", "EditDistanceTest.java", "StartRefusalTest.java");

    private static boolean isSource(Path p) {
        String s = p.toString();
        return !s.contains("/target/") && !s.contains("/node_modules/") && !s.contains("/.git/") && !s.contains("/.heartwatch/")
                && !TYPO_TESTS.contains(p.getFileName().toString());
    }

    /** docs/server.md: the example file "lists every setting". */
    @Test
    void everySettingIsInTheExampleFile() throws IOException {
        String example = Files.readString(Path.of("heartwatch-server.example.properties"));
        Set<String> missing = new TreeSet<>();
        for (String setting : SettingNames.SETTINGS) {
            if (!Pattern.compile("\\b" + setting + "\\b").matcher(example).find()) {
                missing.add(setting);
            }
        }
        assertEquals(Set.of(), missing, "server/heartwatch-server.example.properties");
    }

    @Test
    void everySettingReadIsListed() {
        // Settings.string refuses a name missing from the list; the defaults read every one.
        ServerConfig c = ServerConfig.fromMap(Map.of());
        assertEquals("heartwatch-silence", c.alertRuleName());
    }
}
