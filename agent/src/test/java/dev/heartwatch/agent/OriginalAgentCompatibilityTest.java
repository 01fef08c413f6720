package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.support.AgentProcess;
import dev.heartwatch.agent.support.Bodies;
import dev.heartwatch.agent.support.RecordingEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The original Python agent's .env / environment runs the Java agent unchanged. */
class OriginalAgentCompatibilityTest {
    @TempDir
    Path dir;

    @Test
    void theOriginalDotEnvWorksAsIs() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Files.writeString(dir.resolve(".env"), "HEARTBEAT_URL=" + server.url() + "?code=origKey42\n"
                    + "HEARTBEAT_DEVICE=home-office\nHEARTBEAT_INTERVAL=60\n");
            AgentProcess p = AgentProcess.start(dir, Map.of(), "--once");
            assertEquals(0, p.waitFor(30), p.output());
            RecordingEndpoint.Received r = server.received().get(0);
            assertEquals("origKey42", r.keyHeader());
            assertNull(r.query());
            assertEquals("home-office", Bodies.field(r.body(), "device"));
            assertEquals("scheduled heartbeat", Bodies.field(r.body(), "note"));
            assertTrue(p.output().contains("interval=PT1M"), p.output());
            assertFalse(Files.exists(dir.resolve("heartwatch-ledger")), "--once leaves the ledger alone");
        }
    }

    @Test
    void onceExitsOneWhenTheBeatFails() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> 503);
            AgentProcess p = AgentProcess.start(dir, Map.of("HEARTBEAT_URL", server.url(),
                    "HEARTBEAT_DEVICE", "d", "HEARTBEAT_INTERVAL", "60"), "--once");
            assertEquals(1, p.waitFor(30), p.output());
            assertTrue(p.output().contains("down: http_5xx"), p.output());
            assertTrue(p.output().contains("heartwatch-agent: the running beat was not delivered: http_5xx"), p.output());
        }
    }

    @Test
    void badConfigurationExitsAtOnceWithAClearMessage() throws Exception {
        AgentProcess p = AgentProcess.start(dir, Map.of("HEARTBEAT_DEVICE", "d"));
        assertEquals(2, p.waitFor(30));
        assertTrue(p.output().contains("HEARTBEAT_URL (or --url) is required"), p.output());
        AgentProcess q = AgentProcess.start(dir, Map.of("HEARTBEAT_URL", "https://a.example/api/ping",
                "HEARTBEAT_INTERVAL", "often", "HEARTBEAT_DEVICE", "d"));
        assertEquals(2, q.waitFor(30));
        assertTrue(q.output().contains("HEARTBEAT_INTERVAL must be seconds"), q.output());
    }
}
