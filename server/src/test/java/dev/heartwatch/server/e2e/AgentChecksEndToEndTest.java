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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * The real agent jar with three checks against this server and GreenMail, thresholds in
 * seconds: each check is a device of its own, and stopping one check's target gives one DOWN for
 * that device alone, then one RESOLVED that names the check's cause. (Folding the checks' alerts
 * into their agent's DOWN when the agent itself dies, issue 17 §4, is not built yet.)
 */
@Tag("full")
class AgentChecksEndToEndTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private static DeviceStatus status(RunningServer s, String device) {
        return s.server.store().devices().device(device).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
    }

    @Test
    void aStoppedTargetGivesOneDownForItsCheckAndOneResolvedWithItsCause() throws Exception {
        Path jar = Clients.agentJar();
        InetAddress lo = InetAddress.getLoopbackAddress();
        ServerSocket a = new ServerSocket(0, 50, lo);
        int portA = a.getLocalPort();
        try (ServerSocket b = new ServerSocket(0, 50, lo); ServerSocket c = new ServerSocket(0, 50, lo);
             RunningServer s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_SMTP_HOST", "127.0.0.1",
                     "HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()), "HEARTWATCH_SMTP_SECURITY", "NONE",
                     "HEARTWATCH_MAIL_TO", "me@example.test")), Clock.systemUTC());
             ChildProcess agent = ChildProcess.start(List.of(ChildProcess.java(), "-jar", jar.toAbsolutePath().toString()),
                     Map.of("HEARTBEAT_URL", s.server.baseUri() + "/api/ping",
                             "HEARTBEAT_KEY", TestConfig.KEY,
                             "HEARTBEAT_DEVICE", "e2e-checks",
                             "HEARTBEAT_INTERVAL", "1",
                             "HEARTBEAT_TIMEOUT", "2",
                             "HEARTBEAT_LEDGER", dir.resolve("ledger").toString(),
                             "HEARTBEAT_CHECK_A", "tcp 127.0.0.1:" + portA + " every PT0.5S",
                             "HEARTBEAT_CHECK_B", "tcp 127.0.0.1:" + b.getLocalPort() + " every PT0.5S",
                             "HEARTBEAT_CHECK_C", "tcp 127.0.0.1:" + c.getLocalPort() + " every PT0.5S"),
                     dir.resolve("agent.log"))) {
            for (String d : List.of("e2e-checks", "e2e-checks.a", "e2e-checks.b", "e2e-checks.c")) {
                Await.until(Duration.ofSeconds(20), () -> status(s, d) == DeviceStatus.UP, () -> d + " never UP\n" + agent.output());
            }

            a.close(); // check a's target stops
            Await.until(Duration.ofSeconds(15), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: e2e-checks.a") == 1,
                    () -> "no down mail for the check: " + Mailbox.all(greenMail) + "\n" + agent.output());

            ServerSocket again = new ServerSocket();
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(lo, portA));
            try (again) {
                Await.until(Duration.ofSeconds(20), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: e2e-checks.a") == 1,
                        () -> "no resolved mail: " + Mailbox.all(greenMail) + "\n" + agent.output());
                Mailbox.Mail resolved = Mailbox.all(greenMail).stream()
                        .filter(m -> m.subject().startsWith("[Heartwatch] RESOLVED")).findFirst().orElseThrow();
                assertTrue(resolved.subject().matches("\\[Heartwatch] RESOLVED: e2e-checks\\.a was down \\d+ s \\(refused\\)"),
                        resolved.subject());
                Await.sleep(3_000);
            }
            List<Mailbox.Mail> mails = Mailbox.all(greenMail);
            assertEquals(2, mails.size(), "one down and one resolved, nothing for the agent or the other checks: " + mails);
        }
    }
}
