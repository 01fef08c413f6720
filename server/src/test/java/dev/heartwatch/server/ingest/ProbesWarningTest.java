package dev.heartwatch.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.CapturedLog;
import dev.heartwatch.server.support.FromAddress;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many probes and no heartbeat from one address: one warning in the log, and the dashboard's
 * {@code probeWarnings}. Clients on 127.0.0.2-4 (loopback) play agents on other machines.
 */
class ProbesWarningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE = "/api/ping?code=" + TestConfig.KEY;

    @TempDir
    Path dir;
    RunningServer s;
    URI base;
    CapturedLog log;

    @BeforeEach
    void start() throws Exception {
        log = CapturedLog.of(ProbesWithoutHeartbeats.class.getName());
        s = new RunningServer(TestConfig.config(dir), Clock.systemUTC());
        base = s.server.baseUri();
    }

    @AfterEach
    void stop() {
        s.close();
        log.close();
    }

    private JsonNode probeWarnings() throws Exception {
        String body = s.send(HttpRequest.newBuilder(s.uri("/api/devices")).header("x-heartwatch-key", TestConfig.READ_KEY).GET()).body();
        return JSON.readTree(body).get("probeWarnings");
    }

    @Test
    void fiveProbesAndNoHeartbeatFromOneAddressWarnOnceInTheLogAndOnTheDashboard() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, FromAddress.get("127.0.0.2", base, PROBE), "a probe is still answered 200");
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(200, FromAddress.get("127.0.0.3", base, PROBE));
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(200, FromAddress.get("127.0.0.4", base, PROBE));
        }
        assertEquals(200, FromAddress.get("127.0.0.4", base, PROBE + "&device=real-pi"), "127.0.0.4 also beats");

        JsonNode shown = probeWarnings();
        assertEquals(1, shown.size(), shown.toString());
        assertEquals("127.0.0.2", shown.get(0).get("ip").asText());
        assertEquals(5, shown.get(0).get("probes").asInt());
        assertTrue(shown.get(0).get("last").asLong() > 0);

        // The check runs every evaluation (PT1S in the tests).
        Await.until(Duration.ofSeconds(10), () -> !log.warnings().isEmpty(), () -> "no warning logged");
        Thread.sleep(2_500);
        List<String> warnings = log.warnings();
        assertEquals(1, warnings.size(), "once per address, not every evaluation: " + warnings);
        String line = warnings.get(0);
        assertTrue(line.contains("127.0.0.2") && line.contains("did the agent forget HEARTBEAT_DEVICE?"), line);
        assertFalse(line.contains(TestConfig.KEY), "the key never reaches the log");
    }

    @Test
    void aHeartbeatFromTheAddressClearsTheWarning() throws Exception {
        for (int i = 0; i < 5; i++) {
            FromAddress.get("127.0.0.2", base, PROBE);
        }
        assertEquals(1, probeWarnings().size());
        assertEquals(200, FromAddress.get("127.0.0.2", base, PROBE + "&device=fixed-pi"));
        assertEquals(0, probeWarnings().size(), "the agent was given its name: no banner");
    }
}
