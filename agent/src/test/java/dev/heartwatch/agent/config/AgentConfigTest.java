package dev.heartwatch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    private static final String[] NO_ARGS = {};

    @TempDir
    Path dir;

    private Path dotEnv(String text) throws Exception {
        Path p = dir.resolve(".env");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void theOriginalAgentsVariablesWorkUnchanged() throws Exception {
        AgentConfig c = AgentConfig.from(NO_ARGS, Map.of(
                "HEARTBEAT_URL", "https://home-func.azurewebsites.net/api/ping?code=abcKEY123==",
                "HEARTBEAT_DEVICE", "home-pi",
                "HEARTBEAT_INTERVAL", "30"), dir.resolve("missing.env"));
        Endpoint e = c.endpoints().get(0);
        assertEquals("https://home-func.azurewebsites.net/api/ping", e.target().toString());
        assertEquals("abcKEY123==", e.key(), "code= moves to the x-functions-key header");
        assertEquals("home-pi", c.device());
        assertEquals(Duration.ofSeconds(30), c.interval());
        assertEquals(AgentConfig.DEFAULT_TIMEOUT, c.timeout());
        assertEquals("scheduled heartbeat", c.note());
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheDotEnvFileWhichBeatsDefaults() throws Exception {
        Path env = dotEnv("HEARTBEAT_URL=https://dotenv.example/api/ping\nHEARTBEAT_DEVICE=from-dotenv\n"
                + "HEARTBEAT_INTERVAL=5\nexport HEARTBEAT_TIMEOUT='PT3S'\n# a comment\n");
        AgentConfig fromFile = AgentConfig.from(NO_ARGS, Map.of(), env);
        assertEquals("from-dotenv", fromFile.device());
        assertEquals(Duration.ofSeconds(3), fromFile.timeout());

        AgentConfig fromEnv = AgentConfig.from(NO_ARGS, Map.of("HEARTBEAT_DEVICE", "from-env"), env);
        assertEquals("from-env", fromEnv.device());
        assertEquals(Duration.ofSeconds(5), fromEnv.interval(), "the file still fills what env leaves");

        AgentConfig fromFlag = AgentConfig.from(new String[] {"--device", "from-flag", "--interval=PT2M"},
                Map.of("HEARTBEAT_DEVICE", "from-env"), env);
        assertEquals("from-flag", fromFlag.device());
        assertEquals(Duration.ofMinutes(2), fromFlag.interval());
    }

    @Test
    void durationsAcceptPlainSecondsAndIso8601() throws Exception {
        assertEquals(Duration.ofSeconds(60), AgentConfig.duration("60", null, "x"));
        assertEquals(Duration.ofMillis(500), AgentConfig.duration("0.5", null, "x"));
        assertEquals(Duration.ofSeconds(1), AgentConfig.duration("PT1S", null, "x"));
        assertEquals(Duration.ofMinutes(5), AgentConfig.duration("PT5M", null, "x"));
        assertThrows(ConfigException.class, () -> AgentConfig.duration("1m", null, "x"));
        assertThrows(ConfigException.class, () -> AgentConfig.duration("0", null, "x"));
        assertThrows(ConfigException.class, () -> AgentConfig.duration("-5", null, "x"));
    }

    @Test
    void anExplicitKeyWinsOverTheUrlsCodeAndSecondariesKeepTheirOwn() throws Exception {
        AgentConfig c = AgentConfig.from(new String[] {"--key", "flagKey"}, Map.of(
                "HEARTBEAT_URL", "https://a.example/api/ping?code=urlKey&device=x",
                "HEARTBEAT_DEVICE", "d",
                "HEARTBEAT_SECONDARY_URLS", " https://b.example/api/ping , https://c.example/api/ping?code=cKey"),
                null);
        assertEquals(3, c.endpoints().size());
        assertEquals("flagKey", c.endpoints().get(0).key());
        assertEquals("https://a.example/api/ping?device=x", c.endpoints().get(0).target().toString());
        assertEquals("flagKey", c.endpoints().get(1).key());
        assertEquals("flagKey", c.endpoints().get(2).key());
        assertFalse(c.toString().contains("flagKey"));
        assertFalse(c.endpoints().get(0).label().contains("device=x"), "labels carry no query string");
    }

    @Test
    void badConfigurationSaysWhatIsWrongWithoutTheKey() {
        String[][] bad = {
            {"HEARTBEAT_URL", ""},
            {"HEARTBEAT_URL", "ftp://x.example/?code=s3cretValue"},
            {"HEARTBEAT_URL", "https:///nohost?code=s3cretValue"},
            {"HEARTBEAT_URL", "https://a.example:99999/ping?code=s3cretValue"},
            {"HEARTBEAT_URL", "https://a.example/ping?code=s3cretValue", "HEARTBEAT_INTERVAL", "soon"},
        };
        for (String[] b : bad) {
            Map<String, String> env = b.length == 2 ? Map.of(b[0], b[1], "HEARTBEAT_DEVICE", "d")
                    : Map.of(b[0], b[1], b[2], b[3], "HEARTBEAT_DEVICE", "d");
            ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.from(NO_ARGS, env, null));
            assertFalse(e.getMessage().contains("s3cretValue"), e.getMessage());
            assertTrue(e.getMessage().contains("HEARTBEAT_"), e.getMessage());
        }
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> AgentConfig.from(new String[] {"--bogus"}, Map.of("HEARTBEAT_URL", "https://a.example/"), null));
        assertTrue(unknown.getMessage().contains("--bogus"));
        assertThrows(ConfigException.class,
                () -> AgentConfig.from(new String[] {"--url"}, Map.of(), null));
    }

    @Test
    void theLedgerGoesToSystemdsStateDirectoryUnlessConfigured() throws Exception {
        Map<String, String> env = Map.of("HEARTBEAT_URL", "https://a.example/", "HEARTBEAT_DEVICE", "d",
                "STATE_DIRECTORY", "/var/lib/heartwatch-agent");
        assertEquals(Path.of("/var/lib/heartwatch-agent/ledger"), AgentConfig.from(NO_ARGS, env, null).ledger());
        assertEquals(Path.of("my.ledger"),
                AgentConfig.from(new String[] {"--ledger", "my.ledger"}, env, null).ledger());
    }

    @Test
    void verboseAndOnceAreFlags() throws Exception {
        AgentConfig c = AgentConfig.from(new String[] {"--verbose", "--once"},
                Map.of("HEARTBEAT_URL", "http://127.0.0.1:1/api/ping", "HEARTBEAT_DEVICE", "d"), null);
        assertTrue(c.verbose());
        assertTrue(c.once());
    }

    @Test
    void aKeyThatWouldBreakTheHeaderLineIsRefusedWithoutShowingIt() {
        String[] bad = {"https://a.example/api/ping?code=abc%0D%0AX-Injected:%20yes",
            "https://a.example/api/ping?code=k%20ey", "https://a.example/api/ping?code=cl%C3%A9"};
        for (String url : bad) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> AgentConfig.from(NO_ARGS, Map.of("HEARTBEAT_URL", url, "HEARTBEAT_DEVICE", "d"), null));
            assertTrue(e.getMessage().contains("function key"), e.getMessage());
            assertFalse(e.getMessage().contains("abc") || e.getMessage().contains("Injected"), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.from(NO_ARGS,
                Map.of("HEARTBEAT_URL", "https://a.example/", "HEARTBEAT_KEY", "tab\tkey", "HEARTBEAT_DEVICE", "d"),
                null));
        assertFalse(e.getMessage().contains("tab"), e.getMessage());
    }
}
