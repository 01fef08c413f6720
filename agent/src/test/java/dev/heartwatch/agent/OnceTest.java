package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.ledger.OutageLedger;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.agent.support.AgentProcess;
import dev.heartwatch.agent.support.Bodies;
import dev.heartwatch.agent.support.RecordingEndpoint;
import dev.heartwatch.common.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --once} as cron and scripts/heartwatch-run.sh use it: the agent's own process against a loopback endpoint. */
class OnceTest {
    @TempDir
    Path dir;

    private static Map<String, String> env(RecordingEndpoint server, String... more) {
        Map<String, String> m = new HashMap<>(Map.of("HEARTBEAT_URL", server.url() + "?code=onceTestKey0123456789abcdefXYZ",
                "HEARTBEAT_DEVICE", "nightly-backup"));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    @Test
    void startFailAndSuccessCarryTheRunFieldsOfContractV2() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            assertEquals(0, AgentProcess.start(dir, env(server), "--once", "--state", "start").waitFor(30));
            AgentProcess fail = AgentProcess.start(dir, env(server), "--once", "--state", "fail", "--exit-status", "3",
                    "--duration-ms", "1234");
            assertEquals(0, fail.waitFor(30), fail.output());
            assertEquals(0, AgentProcess.start(dir, env(server), "--once", "--duration", "PT1M30S").waitFor(30));
            List<RecordingEndpoint.Received> got = server.received();
            assertEquals(3, got.size());
            assertEquals("start", Bodies.field(got.get(0).body(), "state"));
            assertNull(Bodies.field(got.get(0).body(), "exitStatus"));
            assertNull(Bodies.field(got.get(0).body(), "durationMs"));
            assertEquals("fail", Bodies.field(got.get(1).body(), "state"));
            assertEquals("3", Bodies.field(got.get(1).body(), "exitStatus"));
            assertEquals("1234", Bodies.field(got.get(1).body(), "durationMs"));
            assertEquals("running", Bodies.field(got.get(2).body(), "state"));
            assertEquals("90000", Bodies.field(got.get(2).body(), "durationMs"));
            for (RecordingEndpoint.Received r : got) {
                assertEquals("nightly-backup", Bodies.field(r.body(), "device"));
            }
        }
    }

    @Test
    void theEnvironmentSaysTheSame() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            AgentProcess p = AgentProcess.start(dir, env(server, "HEARTBEAT_STATE", "fail", "HEARTBEAT_EXIT_STATUS", "42",
                    "HEARTBEAT_DURATION", "2.5"), "--once");
            assertEquals(0, p.waitFor(30), p.output());
            String body = server.received().get(0).body();
            assertEquals("fail", Bodies.field(body, "state"));
            assertEquals("42", Bodies.field(body, "exitStatus"));
            assertEquals("2500", Bodies.field(body, "durationMs"));
        }
    }

    @Test
    void aRefusedStatusStopsBeforeAnythingIsSent() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            AgentProcess p = AgentProcess.start(dir, env(server), "--once", "--state", "fail", "--exit-status", "256");
            assertEquals(2, p.waitFor(30), p.output());
            assertTrue(p.output().contains("configuration error: --exit-status / HEARTBEAT_EXIT_STATUS must be a whole number"
                    + " from 0 to 255"), p.output());
            assertEquals(0, server.received().size());
        }
    }

    /** The ledger is the loop's: --once neither reports its pending outages nor records one, nor rewrites it. */
    @Test
    void onceLeavesTheLedgerAlone() throws Exception {
        Path ledgerFile = dir.resolve("ledger");
        AgentLog quiet = new AgentLog(new PrintStream(new ByteArrayOutputStream()), SecretRedactor.none(),
                Clock.systemUTC(), false);
        try (OutageLedger ledger = OutageLedger.open(ledgerFile, 1_000, quiet)) {
            ledger.recordFailure(1_000, Cause.REFUSED, "a pending outage");
            ledger.recordSuccess(61_000, Set.of());
        }
        byte[] before = Files.readAllBytes(ledgerFile);
        List<Path> filesBefore;
        try (var s = Files.list(dir)) {
            filesBefore = s.sorted().toList();
        }
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> n == 1 ? 200 : 503);
            assertEquals(0, AgentProcess.start(dir, env(server), "--once", "--ledger", "ledger").waitFor(30));
            AgentProcess failed = AgentProcess.start(dir, env(server), "--once", "--ledger", "ledger", "--state", "fail",
                    "--exit-status", "1");
            assertEquals(1, failed.waitFor(30), failed.output());
            assertTrue(failed.output().contains("heartwatch-agent: the fail beat was not delivered: http_5xx"),
                    failed.output());
            assertEquals(List.of(), Bodies.outages(server.received().get(0).body()), "a pending outage rode --once");
        }
        assertArrayEquals(before, Files.readAllBytes(ledgerFile), "--once rewrote the ledger");
        try (var s = Files.list(dir)) {
            List<Path> after = s.filter(f -> !f.getFileName().toString().startsWith("agent-")).sorted().toList();
            assertEquals(filesBefore, after, "--once made or removed a file (alive stamp, ledger)");
        }
    }

    /** A hung endpoint: the beat ends at the whole-request deadline, as a loop beat does, with one line saying why. */
    @Test
    void aHungEndpointIsBoundedByTheTimeout() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.hangAt(1);
            long t0 = System.nanoTime();
            AgentProcess p = AgentProcess.start(dir, env(server), "--once", "--state", "start", "--timeout", "PT1S");
            assertEquals(1, p.waitFor(30), p.output());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 15_000, "took " + ms + " ms");
            assertTrue(p.output().contains("heartwatch-agent: the start beat was not delivered: read_timeout"), p.output());
            assertFalse(p.output().contains("onceTestKey0123456789abcdefXYZ"), p.output());
        }
    }
}
