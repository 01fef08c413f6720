package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.ChildProcess;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The life of a Python heartbeat loop with the original agent's wire behaviour (POST
 * {@code {device, note}}, key in the URL, a beat a second) on the real server: it comes UP, is
 * killed with {@code kill -9}, one DOWN mail; started again, one RESOLVED mail whose outage is
 * the server's own view (the original reports none); nothing more. Run by the compatibility
 * client on every clone and by the original agent when its article is named.
 */
final class PythonAgentLifecycle {
    static final String DEVICE = "python-agent";

    private PythonAgentLifecycle() {
    }

    /** Settings the way the original reads them: a .env beside the script, which loads it. */
    static void writeDotEnv(Path script, RunningServer s) throws IOException {
        Files.writeString(script.resolveSibling(".env"),
                "HEARTBEAT_URL=" + s.server.baseUri() + "/api/ping?code=" + TestConfig.KEY + "\n"
                        + "HEARTBEAT_DEVICE=" + DEVICE + "\nHEARTBEAT_INTERVAL=1\n");
    }

    /** The script in {@code dir} with {@code args}; no HEARTBEAT_ variable reaches it, only the .env. */
    static ChildProcess start(String python, Path script, Path dir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, "-u", script.toString()));
        command.addAll(List.of(args));
        return ChildProcess.start(command, Map.of(), dir.resolve(name + ".log"), dir);
    }

    private static DeviceStatus status(RunningServer s) {
        return s.server.store().devices().device(DEVICE).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
    }

    static void run(GreenMailExtension greenMail, String python, Path script, Path dir) throws Exception {
        Map<String, String> smtp = Map.of("HEARTWATCH_SMTP_HOST", "127.0.0.1",
                "HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()), "HEARTWATCH_SMTP_SECURITY", "NONE");
        try (RunningServer s = new RunningServer(TestConfig.config(dir, smtp), Clock.systemUTC())) {
            writeDotEnv(script, s);
            ChildProcess first = start(python, script, dir, "python-1");
            try {
                Await.until(Duration.ofSeconds(20), () -> status(s) == DeviceStatus.UP,
                        () -> python + " " + script.getFileName() + " never UP\n" + first.output());
            } finally {
                first.kill9();
            }
            List<String> beats = s.server.store().lineTexts(DEVICE, "heartbeat", Instant.EPOCH, Instant.now());
            assertTrue(beats.get(0).contains("\"note\":\"scheduled heartbeat\""), beats.get(0));
            assertTrue(beats.stream().noneMatch(l -> l.contains(TestConfig.KEY)), "the key in the URL never reaches a line");
            Await.until(Duration.ofSeconds(15), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: " + DEVICE) == 1,
                    () -> "no down mail: " + Mailbox.all(greenMail));
            try (ChildProcess second = start(python, script, dir, "python-2")) {
                Await.until(Duration.ofSeconds(20), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + DEVICE) == 1,
                        () -> "no resolved mail: " + Mailbox.all(greenMail) + "\n" + second.output());
                Mailbox.Mail resolved = Mailbox.all(greenMail).get(1);
                // No outage report from a Python loop: the server's own view, and it says so.
                assertTrue(resolved.subject().matches("\\[Heartwatch] RESOLVED: python-agent was down \\d+ s \\(unknown\\)"),
                        resolved.subject());
                assertTrue(resolved.body().contains("Source:       CLOUD"), resolved.body());
                Await.sleep(3_000);
                assertEquals(2, Mailbox.all(greenMail).size(), Mailbox.all(greenMail).toString());
            }
        }
    }
}
