package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * host.json must never let the host sample heartbeat traces away, must let the function's own
 * lines through, and should keep the host's per-invocation noise out of Application Insights.
 */
class HostJsonTest {
    static final Path HOST_JSON = Path.of("..", "host.json");

    @Test
    void heartbeatTracesCanNeverBeSampled() throws Exception {
        assertFalse(HostJsonPolicy.read(HOST_JSON).traceCanBeSampled(),
                "host.json: Application Insights sampling must be off or exclude Trace");
    }

    @Test
    void theFunctionsOwnLinesAreLoggedAtInformation() throws Exception {
        assertTrue(HostJsonPolicy.read(HOST_JSON).logs("Function.Ping.User", "Information"),
                "host.json must log category Function.Ping.User at Information or lower");
    }

    @Test
    void theHostWritesNoExtraRowPerSuccessfulInvocation() throws Exception {
        assertEquals(0, HostJsonPolicy.read(HOST_JSON).hostRowsPerSuccessfulInvocation());
    }

    @Test
    void thePolicyDetectsSamplingThatIncludesTraces() throws Exception {
        JsonNode sampled = new ObjectMapper().readTree("""
                {"version":"2.0","logging":{"applicationInsights":{"samplingSettings":{"isEnabled":true,
                 "excludedTypes":"Request"}}}}""");
        assertTrue(new HostJsonPolicy(sampled).traceCanBeSampled());
        JsonNode included = new ObjectMapper().readTree("""
                {"version":"2.0","logging":{"applicationInsights":{"samplingSettings":{"isEnabled":true,
                 "includedTypes":"Trace","excludedTypes":"Trace"}}}}""");
        assertTrue(new HostJsonPolicy(included).traceCanBeSampled());
        JsonNode defaults = new ObjectMapper().readTree("{\"version\":\"2.0\"}");
        assertTrue(new HostJsonPolicy(defaults).traceCanBeSampled(), "sampling is on by default");
    }

    @Test
    void thePolicyCountsTheHostsDefaultNoise() throws Exception {
        JsonNode defaults = new ObjectMapper().readTree("{\"version\":\"2.0\"}");
        assertEquals(3, new HostJsonPolicy(defaults).hostRowsPerSuccessfulInvocation());
    }
}
