package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.support.AgentProcess;
import dev.heartwatch.agent.support.RecordingEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whichever way the key is configured, it reaches the endpoint only in the
 * x-functions-key header: never in the agent's output, never in a URL, never in a
 * body (note, outage detail), not even in an HTTP client's exception message.
 */
class KeyNeverLeaksTest {
    private static final String KEY = "Zx9-kEy_0123456789abcdefQQ==";

    @TempDir
    Path dir;

    /** Two runs, a failing one (its reason is printed) and a successful one, then a failing lookup. */
    private void assertNoLeak(Map<String, String> env, Path work, String... args) throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> n == 1 ? 500 : 200);
            StringBuilder outputs = new StringBuilder();
            for (int run = 0; run < 2; run++) {
                AgentProcess p = AgentProcess.start(work, with(env, server), args);
                p.waitFor(30);
                outputs.append(p.output());
            }
            // A third run against an unresolvable name: the exception text must be clean too.
            AgentProcess dns = AgentProcess.start(work, with(env, null), args);
            assertEquals(1, dns.waitFor(30));
            outputs.append(dns.output());

            String all = outputs.toString();
            assertFalse(all.toLowerCase(Locale.ROOT).contains(KEY.toLowerCase(Locale.ROOT)), all);
            assertTrue(all.contains("starting"), all);
            assertEquals(2, server.received().size());
            for (RecordingEndpoint.Received r : server.received()) {
                assertEquals(KEY, r.keyHeader(), "the key travels as the x-functions-key header");
                assertFalse(r.body().contains(KEY), r.body());
                assertTrue(r.query() == null || !r.query().contains(KEY));
            }
            // --once leaves the ledger alone (docs/agent.md), so no outage detail can carry the key there;
            // the failing runs' reasons went to stderr, checked with the output above.
            assertFalse(Files.exists(work.resolve("ledger")), "--once wrote a ledger");
            assertTrue(all.contains("was not delivered"), all);
        }
    }

    private static Map<String, String> with(Map<String, String> env, RecordingEndpoint server) {
        Map<String, String> m = new java.util.HashMap<>(env);
        String url = server == null ? "http://heartwatch-test.invalid/api/ping" : server.url();
        m.replaceAll((k, v) -> v.replace("URL", url));
        return m;
    }

    @Test
    void keyInTheUrlsCode() throws Exception {
        assertNoLeak(Map.of("HEARTBEAT_URL", "URL?code=" + KEY, "HEARTBEAT_DEVICE", "d"), dir,
                "--once", "--verbose", "--ledger", "ledger", "--timeout", "PT2S");
    }

    @Test
    void keyInTheEnvironment() throws Exception {
        assertNoLeak(Map.of("HEARTBEAT_URL", "URL", "HEARTBEAT_KEY", KEY, "HEARTBEAT_DEVICE", "d"), dir,
                "--once", "--verbose", "--ledger", "ledger", "--timeout", "PT2S");
    }

    @Test
    void keyAsAFlag() throws Exception {
        assertNoLeak(Map.of("HEARTBEAT_URL", "URL", "HEARTBEAT_DEVICE", "d"), dir,
                "--once", "--verbose", "--key", KEY, "--ledger", "ledger", "--timeout", "PT2S");
    }

    @Test
    void keyInTheDotEnvFile() throws Exception {
        Files.writeString(dir.resolve(".env"), "HEARTBEAT_KEY=\"" + KEY + "\"\n");
        assertNoLeak(Map.of("HEARTBEAT_URL", "URL", "HEARTBEAT_DEVICE", "d"), dir,
                "--once", "--verbose", "--ledger", "ledger", "--timeout", "PT2S");
    }

    @Test
    void keyInABadUrlIsNotEchoedByTheConfigurationError() throws Exception {
        AgentProcess p = AgentProcess.start(dir,
                Map.of("HEARTBEAT_URL", "ftp://x.example/api/ping?code=" + KEY, "HEARTBEAT_DEVICE", "d"), "--once");
        assertEquals(2, p.waitFor(30));
        assertTrue(p.output().contains("configuration error"), p.output());
        assertFalse(p.output().contains(KEY), p.output());
    }
}
