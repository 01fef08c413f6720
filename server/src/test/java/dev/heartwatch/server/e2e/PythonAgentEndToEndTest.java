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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The original Python agent from the seeds, unchanged, as the client (its key rides in the URL). */
@Tag("full")
class PythonAgentEndToEndTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final String DEVICE = "python-agent";

    @TempDir
    Path dir;

    private ChildProcess agent(RunningServer s, Path script, String name) throws Exception {
        return ChildProcess.start(List.of(Clients.python(), "-u", script.toString()),
                Map.of("HEARTBEAT_URL", s.server.baseUri() + "/api/ping?code=" + TestConfig.KEY,
                        "HEARTBEAT_DEVICE", DEVICE,
                        "HEARTBEAT_INTERVAL", "1"),
                dir.resolve(name + ".log"), dir);
    }

    private static DeviceStatus status(RunningServer s) {
        return s.server.store().devices().device(DEVICE).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
    }

    @Test
    void theOriginalAgentIsMonitoredUnchanged() throws Exception {
        String python = Clients.python();
        Path script = Clients.pythonAgent(dir);
        Map<String, String> smtp = Map.of("HEARTWATCH_SMTP_HOST", "127.0.0.1",
                "HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()), "HEARTWATCH_SMTP_SECURITY", "NONE");
        try (RunningServer s = new RunningServer(TestConfig.config(dir, smtp), Clock.systemUTC())) {
            ChildProcess first = agent(s, script, "python-1");
            try {
                Await.until(Duration.ofSeconds(20), () -> status(s) == DeviceStatus.UP, () -> python + " agent never UP\n" + first.output());
            } finally {
                first.kill9();
            }
            List<String> beats = s.server.store().lineTexts(DEVICE, "heartbeat", Instant.EPOCH, Instant.now());
            assertTrue(beats.get(0).contains("\"note\":\"scheduled heartbeat\""), beats.get(0));
            assertTrue(beats.stream().noneMatch(l -> l.contains(TestConfig.KEY)), "the key in the URL never reaches a line");
            Await.until(Duration.ofSeconds(15), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: " + DEVICE) == 1,
                    () -> "no down mail: " + Mailbox.all(greenMail));
            try (ChildProcess second = agent(s, script, "python-2")) {
                Await.until(Duration.ofSeconds(20), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + DEVICE) == 1,
                        () -> "no resolved mail: " + Mailbox.all(greenMail) + "\n" + second.output());
                Mailbox.Mail resolved = Mailbox.all(greenMail).get(1);
                // The Python agent reports no outages: the server's own view, and it says so.
                assertTrue(resolved.subject().matches("\\[Heartwatch] RESOLVED: python-agent was down \\d+ s \\(unknown\\)"), resolved.subject());
                assertTrue(resolved.body().contains("Source:       CLOUD"), resolved.body());
                Await.sleep(3_000);
                assertEquals(2, Mailbox.all(greenMail).size(), Mailbox.all(greenMail).toString());
            }
        }
    }
}
