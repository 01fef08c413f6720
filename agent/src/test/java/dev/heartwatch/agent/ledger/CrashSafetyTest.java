package dev.heartwatch.agent.ledger;

import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.agent.support.AgentProcess;
import dev.heartwatch.agent.support.Bodies;
import dev.heartwatch.agent.support.RecordingEndpoint;
import dev.heartwatch.common.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * {@code kill -9} the agent's JVM while it beats, fails and rewrites its ledger
 * every 50 ms, twice, each time with a heartbeat in flight that carries an
 * unacknowledged outage; restart it on the same ledger; stop it cleanly. Every
 * outage the servers caused must be acknowledged exactly once, the agent's own
 * downtime must be reported, and the ledger and its alive stamp must be intact.
 */
class CrashSafetyTest {
    @TempDir
    Path dir;

    private Map<String, String> env(RecordingEndpoint server) {
        return Map.of("HEARTBEAT_URL", server.url() + "?code=crashKey", "HEARTBEAT_DEVICE", "crash-test",
                "HEARTBEAT_INTERVAL", "PT0.05S", "HEARTBEAT_TIMEOUT", "PT10S",
                "HEARTBEAT_LEDGER", dir.resolve("state/ledger").toString());
    }

    @Test
    void kill9LosesNoOutageAndDuplicatesNoneThatWasAcknowledged() throws Exception {
        int[] hangs = {20, 11}; // both are "success" slots right after a failure closed an outage
        int expected5xx = 0;
        List<RecordingEndpoint> servers = new ArrayList<>();
        try {
            for (int hangAt : hangs) {
                RecordingEndpoint server = RecordingEndpoint.http();
                servers.add(server);
                server.answer(n -> n % 3 == 0 ? 500 : 200);
                server.hangAt(hangAt);
                expected5xx += (hangAt - 1) / 3;
                AgentProcess agent = AgentProcess.start(dir, env(server));
                assertTrue(server.awaitHanging(30), "agent never reached request " + hangAt + ":\n" + agent.output());
                agent.kill();
                server.releaseHung(); // answered only after the agent is dead: never an acknowledgement
                Thread.sleep(300); // the agent stays down for six intervals: a gap it must report
            }
            RecordingEndpoint last = RecordingEndpoint.http();
            servers.add(last);
            AgentProcess agent = AgentProcess.start(dir, env(last));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!drained(last) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            agent.terminate();
            int code = agent.waitFor(30);
            assertTrue(code == 0 || code == 143, "exit " + code + "\n" + agent.output());

            Map<String, Integer> acknowledged = new HashMap<>();
            List<Bodies.SentOutage> reports = new ArrayList<>();
            for (RecordingEndpoint s : servers) {
                for (RecordingEndpoint.Received r : s.received()) {
                    if (r.status() != 200) {
                        continue;
                    }
                    for (Bodies.SentOutage o : Bodies.outages(r.body())) {
                        acknowledged.merge(o.id(), 1, Integer::sum);
                        if (acknowledged.get(o.id()) == 1) {
                            reports.add(o);
                        }
                    }
                }
            }
            acknowledged.forEach((id, n) -> assertEquals(1, n, "outage " + id + " acknowledged " + n + " times"));
            long fivexx = reports.stream().filter(o -> o.cause().equals("http_5xx")).count();
            long gaps = reports.stream().filter(o -> o.cause().equals("agent_not_running")).count();
            assertEquals(expected5xx, fivexx, "every outage the servers caused, none lost: " + reports);
            assertEquals(2, gaps, "each kill -9 is a gap the agent reports itself: " + reports);
            for (Bodies.SentOutage o : reports) {
                assertTrue(o.start() <= o.end(), o.toString());
            }
            List<RecordingEndpoint.Received> lastBeats = last.received();
            assertEquals("stopping", Bodies.field(lastBeats.get(lastBeats.size() - 1).body(), "state"));

            try (Stream<Path> files = Files.list(dir.resolve("state"))) {
                // ledger.alive: the plain successes' stamp (the beat after each closing one is plain).
                assertEquals(List.of("ledger", "ledger.alive"),
                        files.map(p -> p.getFileName().toString()).sorted().toList(),
                        "no corrupt ledger kept aside, no temporary file left");
            }
            AgentLog quiet = new AgentLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    SecretRedactor.none(), Clock.systemUTC(), false);
            OutageLedger ledger = OutageLedger.open(dir.resolve("state/ledger"), 0, quiet);
            assertTrue(ledger.pending(100).isEmpty());
            assertNull(ledger.openOutage());
            assertTrue(AliveStamp.read(dir.resolve("state/ledger.alive")).valid(), "the alive stamp checks out");
            assertTrue(ledger.lastSuccess() > 0);
            ledger.close();
        } finally {
            for (RecordingEndpoint s : servers) {
                s.close();
            }
        }
    }

    /** Several beats in and the last one carried no outage: the backlog is gone. */
    private static boolean drained(RecordingEndpoint server) {
        List<RecordingEndpoint.Received> got = server.received();
        return got.size() >= 5 && !got.get(got.size() - 1).body().contains("\"outages\"");
    }
}
