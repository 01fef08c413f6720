package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.ChildProcess;
import dev.heartwatch.server.support.Clients;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with real parts: this server, the real agent jar as a separate process, and
 * GreenMail as the SMTP server; thresholds in seconds.
 */
@Tag("full")
class AgentEndToEndTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final String DEVICE = "e2e-agent";

    @TempDir
    Path dir;

    static Map<String, String> smtp() {
        return Mailbox.smtp(greenMail);
    }

    private ChildProcess agent(RunningServer s, String name) throws Exception {
        Path jar = Clients.agentJar();
        return ChildProcess.start(List.of(ChildProcess.java(), "-jar", jar.toAbsolutePath().toString()),
                Map.of("HEARTBEAT_URL", s.server.baseUri() + "/api/ping",
                        "HEARTBEAT_KEY", TestConfig.KEY,
                        "HEARTBEAT_DEVICE", DEVICE,
                        "HEARTBEAT_INTERVAL", "1",
                        "HEARTBEAT_TIMEOUT", "2",
                        "HEARTBEAT_LEDGER", dir.resolve("ledger").toString()),
                dir.resolve(name + ".log"));
    }

    private static DeviceStatus status(RunningServer s) {
        return s.server.store().devices().device(DEVICE).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
    }

    @Test
    void killedAgentMailsOneDownThenOneResolvedWithTheOutageAndACleanStopMailsNothing() throws Exception {
        Clients.agentJar();
        try (RunningServer s = new RunningServer(TestConfig.config(dir, smtp()), Clock.systemUTC())) {
            ChildProcess first = agent(s, "agent-1");
            try {
                Await.until(Duration.ofSeconds(20), () -> status(s) == DeviceStatus.UP, () -> "device never UP\n" + first.output());
            } finally {
                first.kill9(); // SIGKILL: no stopping beat
            }
            Await.until(Duration.ofSeconds(15), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: " + DEVICE) == 1,
                    () -> "no down mail: " + Mailbox.all(greenMail) + "\n" + s.consoleText());

            try (ChildProcess second = agent(s, "agent-2")) {
                Await.until(Duration.ofSeconds(20), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + DEVICE) == 1,
                        () -> "no resolved mail: " + Mailbox.all(greenMail) + "\n" + second.output());
                Mailbox.Mail resolved = Mailbox.all(greenMail).stream().filter(m -> m.subject().startsWith("[Heartwatch] RESOLVED")).findFirst().orElseThrow();
                assertTrue(resolved.subject().matches("\\[Heartwatch] RESOLVED: e2e-agent was down \\d+ s \\(agent_not_running\\)"), resolved.subject());
                assertTrue(resolved.body().contains("Duration:"), resolved.body());
                assertTrue(resolved.body().contains("Cause:        agent_not_running"), resolved.body());
                assertTrue(resolved.body().contains("Source:       AGENT") || resolved.body().contains("Source:       BOTH"), resolved.body());

                // A clean stop: SIGTERM makes the agent send its stopping beat; no "down" follows.
                Await.sleep(2_000);
                int exit = second.terminate(15);
                assertTrue(exit == 0 || exit == 143, "a JVM stopped by SIGTERM exits 143: " + exit + "\n" + second.output());
            }
            Await.until(Duration.ofSeconds(5), () -> status(s) == DeviceStatus.STOPPED, () -> "not STOPPED after SIGTERM: " + status(s));
            Await.sleep(6_000); // two thresholds
            List<Mailbox.Mail> mails = Mailbox.all(greenMail);
            assertEquals(2, mails.size(), "exactly one down and one resolved: " + mails);
            assertEquals(DeviceStatus.STOPPED, status(s));
        }
    }
}
