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
import java.io.IOException;
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
 * Issue 17's "done when", end to end: the real agent jar with three {@code tcp} checks against
 * loopback listeners this test owns, the real server with thresholds in seconds, every message
 * counted in a real SMTP server (GreenMail). Stopping one target gives one DOWN for that check's
 * device and, once it answers again, one RESOLVED naming its cause, and nothing for the agent or
 * the other checks. Killing the agent gives one DOWN for the agent naming its three checks, no
 * RESOLVED for any check, and one RESOLVED for the agent when it is back.
 */
@Tag("full")
class AgentChecksEndToEndTest {
    static final String AGENT = "e2e-checks";
    static final List<String> CHECKS = List.of(AGENT + ".a", AGENT + ".b", AGENT + ".c");

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private static DeviceStatus status(RunningServer s, String device) {
        return s.server.store().devices().device(device).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
    }

    private ChildProcess agent(RunningServer s, Map<String, Integer> ports, String log) throws IOException {
        Map<String, String> env = new java.util.HashMap<>(Map.of("HEARTBEAT_URL", s.server.baseUri() + "/api/ping",
                "HEARTBEAT_KEY", TestConfig.KEY,
                "HEARTBEAT_DEVICE", AGENT,
                "HEARTBEAT_INTERVAL", "1",
                "HEARTBEAT_TIMEOUT", "2",
                "HEARTBEAT_LEDGER", dir.resolve("ledger").toString()));
        // Every 0.5 s: each check's period is the agent's interval (1 s), its grace the same, so
        // the server judges it on 2 s, not on its 3 s threshold.
        ports.forEach((name, port) -> env.put("HEARTBEAT_CHECK_" + name, "tcp 127.0.0.1:" + port + " every PT0.5S"));
        return ChildProcess.start(List.of(ChildProcess.java(), "-jar", Clients.agentJar().toAbsolutePath().toString()), env,
                dir.resolve(log));
    }

    private static ServerSocket listen(InetAddress lo, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(lo, port));
        return s;
    }

    private static String mails() {
        return String.join("\n", Mailbox.all(greenMail).stream().map(m -> m.subject()).toList());
    }

    @Test
    void oneTargetDownIsItsChecksAloneAndTheAgentDownIsOneMessageForItAndItsChecks() throws Exception {
        Clients.agentJar();
        InetAddress lo = InetAddress.getLoopbackAddress();
        ServerSocket a = new ServerSocket(0, 50, lo);
        int portA = a.getLocalPort();
        try (ServerSocket b = new ServerSocket(0, 50, lo); ServerSocket c = new ServerSocket(0, 50, lo);
             RunningServer s = new RunningServer(TestConfig.config(dir, Mailbox.smtp(greenMail)), Clock.systemUTC())) {
            Map<String, Integer> ports = Map.of("A", portA, "B", b.getLocalPort(), "C", c.getLocalPort());
            ChildProcess first = agent(s, ports, "agent-1.log");
            try {
                for (String d : List.of(AGENT, CHECKS.get(0), CHECKS.get(1), CHECKS.get(2))) {
                    Await.until(Duration.ofSeconds(20), () -> status(s, d) == DeviceStatus.UP, () -> d + " never UP\n" + first.output());
                }
                assertEquals(AGENT, s.server.store().devices().device(CHECKS.get(0)).orElseThrow().parent(),
                        "the server keeps the parent each check's beat names");

                // 1. One target stops: one DOWN for its check, then one RESOLVED with its cause.
                a.close();
                Await.until(Duration.ofSeconds(15), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: " + CHECKS.get(0)) == 1,
                        () -> "no down mail for the check: " + mails() + "\n" + first.output());
                try (ServerSocket again = listen(lo, portA)) {
                    Await.until(Duration.ofSeconds(20), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + CHECKS.get(0)) == 1,
                            () -> "no resolved mail: " + mails() + "\n" + first.output());
                    Mailbox.Mail resolved = Mailbox.all(greenMail).stream()
                            .filter(m -> m.subject().startsWith("[Heartwatch] RESOLVED")).findFirst().orElseThrow();
                    assertTrue(resolved.subject().matches("\\[Heartwatch] RESOLVED: e2e-checks\\.a was down \\d+ s \\(refused\\)"),
                            resolved.subject());
                    Await.sleep(3_000);
                    assertEquals(2, Mailbox.all(greenMail).size(),
                            "one down and one resolved, nothing for the agent or the other checks:\n" + mails());

                    // 2. The agent dies (kill -9): its checks cannot report either.
                    first.kill9();
                    Await.until(Duration.ofSeconds(15), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: " + AGENT + " ") == 1,
                            () -> "no down mail for the agent: " + mails());
                    Mailbox.Mail down = Mailbox.all(greenMail).stream()
                            .filter(m -> m.subject().startsWith("[Heartwatch] DOWN: " + AGENT + " ")).findFirst().orElseThrow();
                    assertEquals("[Heartwatch] DOWN: e2e-checks (3 checks behind it unknown)", down.subject());
                    for (String check : CHECKS) {
                        assertTrue(down.body().contains(check), check + " named in the agent's DOWN:\n" + down.body());
                    }
                    Await.sleep(4_000);
                    for (String check : CHECKS) {
                        assertEquals(DeviceStatus.DOWN, status(s, check), check + " is down (unknown) behind its agent");
                    }
                    assertEquals(3, Mailbox.all(greenMail).size(), "one message for the agent and its checks:\n" + mails());

                    // 3. The agent is back: one RESOLVED, the agent's; none of its own for any check.
                    ChildProcess second = agent(s, ports, "agent-2.log");
                    try {
                        Await.until(Duration.ofSeconds(20), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + AGENT + " ") == 1,
                                () -> "no resolved mail for the agent: " + mails() + "\n" + second.output());
                        for (String check : CHECKS) {
                            Await.until(Duration.ofSeconds(10), () -> status(s, check) == DeviceStatus.UP,
                                    () -> check + " not back\n" + second.output());
                        }
                        Await.sleep(4_000);
                        List<Mailbox.Mail> all = Mailbox.all(greenMail);
                        assertEquals(4, all.size(), "down and resolved for a, down and resolved for the agent:\n" + mails());
                        for (String check : List.of(CHECKS.get(1), CHECKS.get(2))) {
                            assertEquals(0, Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + check),
                                    "no false resolved for " + check + ":\n" + mails());
                            assertEquals(0, Mailbox.count(greenMail, "[Heartwatch] DOWN: " + check), mails());
                        }
                        assertEquals(1, Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + CHECKS.get(0)),
                                "a's only RESOLVED is the one for its own outage:\n" + mails());
                    } finally {
                        second.close();
                    }
                }
            } finally {
                first.close();
            }
        }
    }
}
