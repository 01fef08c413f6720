package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.ChildProcess;
import dev.heartwatch.server.support.TestConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a separate process, killed with SIGKILL between "down" and "resolved": it comes
 * back, sends exactly one "resolved", and no restart ever repeats a mail.
 */
@Tag("full")
class ServerRestartTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final String DEVICE = "restart-pi";

    @TempDir
    Path dir;

    private Map<String, String> env(int port) {
        Map<String, String> env = new HashMap<>(TestConfig.settings(dir));
        env.put("HEARTWATCH_PORT", String.valueOf(port));
        env.put("HEARTWATCH_SMTP_HOST", "127.0.0.1");
        env.put("HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()));
        env.put("HEARTWATCH_SMTP_SECURITY", "NONE");
        return env;
    }

    private ChildProcess server(int port, String name) throws IOException {
        ChildProcess p = ChildProcess.start(List.of(ChildProcess.java(), "-cp", System.getProperty("java.class.path"),
                "dev.heartwatch.server.HeartwatchServer"), env(port), dir.resolve(name + ".log"));
        Await.until(Duration.ofSeconds(20), () -> p.output().contains("listening on"), () -> name + " did not start\n" + p.output());
        return p;
    }

    private DeviceStatus status() {
        try (HeartwatchStore store = HeartwatchStore.openForAdmin(dir.resolve("heartwatch.db"))) {
            return store.devices().device(DEVICE).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
        }
    }

    /** Beats every 500 ms while on; failures (server down) are expected and ignored. */
    private static final class Beater implements AutoCloseable {
        final AtomicBoolean on = new AtomicBoolean();
        final AtomicInteger ok = new AtomicInteger();
        final Thread thread;

        Beater(int port) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            URI uri = URI.create("http://127.0.0.1:" + port + "/api/ping");
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (on.get()) {
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                                    .header("x-functions-key", TestConfig.KEY)
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + DEVICE + "\"}")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                            }
                        } catch (IOException e) {
                            // server down: keep trying
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "beater");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void killedBetweenDownAndResolvedItSendsExactlyOneResolvedAndNoRestartRepeatsAMail() throws Exception {
        int port = freePort();
        try (Beater beater = new Beater(port)) {
            ChildProcess first = server(port, "server-1");
            try {
                beater.on.set(true);
                Await.until(Duration.ofSeconds(15), () -> status() == DeviceStatus.UP, () -> "never UP\n" + first.output());
                beater.on.set(false);
                Await.until(Duration.ofSeconds(15), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: " + DEVICE) == 1,
                        () -> "no down mail\n" + first.output());
            } finally {
                first.kill9();
            }
            beater.on.set(true);
            try (ChildProcess second = server(port, "server-2")) {
                Await.until(Duration.ofSeconds(20), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + DEVICE) == 1,
                        () -> "no resolved mail after the restart: " + Mailbox.all(greenMail) + "\n" + second.output());
                second.kill9();
            }
            try (ChildProcess third = server(port, "server-3")) {
                Await.sleep(5_000);
                List<Mailbox.Mail> mails = Mailbox.all(greenMail);
                assertEquals(2, mails.size(), "one down, one resolved, nothing repeated: " + mails + "\n" + third.output());
                assertEquals(DeviceStatus.UP, status());
            }
        }
    }
}
