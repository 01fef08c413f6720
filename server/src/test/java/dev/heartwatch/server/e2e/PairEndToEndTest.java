package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.config.PairMode;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.ChildProcess;
import dev.heartwatch.server.support.Clients;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 "done when", server side: two real servers on loopback standing in for two stacks,
 * each beating the other as {@code stack-<name>} (pair mode, PT1S), and one home beating both.
 * The home is the real agent jar ({@code HEARTBEAT_SECONDARY_MODE=fanout}, every beat to both),
 * killed with SIGKILL where the issue says "kill the agent".
 * Messages are counted on each server's console sink (one line per delivered alert).
 */
@Tag("full")
class PairEndToEndTest {
    static final String HOME = "pair-pi";
    /** The key home-a presents to home-b, bound there to stack-home-a only; and the other way round. */
    static final String KEY_A = "pair-key-of-home-a-0123456789abcdef0123";
    static final String KEY_B = "pair-key-of-home-b-0123456789abcdef0123";

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private RunningServer server(String name, String role, int port, String peer, int peerPort, String presents,
                                 String peerKey) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Path keyFile = home.resolve("peer.key");
        Files.writeString(keyFile, presents + "\n");
        return new RunningServer(TestConfig.config(home, Map.of(
                "HEARTWATCH_PORT", String.valueOf(port),
                "HEARTWATCH_DEVICE_KEYS", peerKey + ":stack-" + peer,
                "HEARTWATCH_PAIR_ROLE", role,
                "HEARTWATCH_STACK_NAME", name,
                "HEARTWATCH_PEER_NAME", peer,
                "HEARTWATCH_PEER_URL", "http://127.0.0.1:" + peerPort + "/api/ping",
                "HEARTWATCH_PEER_KEY_FILE", keyFile.toString(),
                "HEARTWATCH_PEER_INTERVAL", "PT1S")), Clock.systemUTC());
    }

    /** The real agent jar, fanning out to both stacks (HEARTBEAT_SECONDARY_MODE=fanout), beating every second. */
    private ChildProcess agent(RunningServer primary, RunningServer secondary, String name) throws Exception {
        Path jar = Clients.agentJar();
        return ChildProcess.start(List.of(ChildProcess.java(), "-jar", jar.toAbsolutePath().toString()),
                Map.of("HEARTBEAT_URL", primary.server.baseUri() + "/api/ping",
                        "HEARTBEAT_SECONDARY_URLS", secondary.server.baseUri() + "/api/ping",
                        "HEARTBEAT_SECONDARY_MODE", "fanout",
                        "HEARTBEAT_KEY", TestConfig.KEY,
                        "HEARTBEAT_DEVICE", HOME,
                        "HEARTBEAT_INTERVAL", "1",
                        "HEARTBEAT_TIMEOUT", "2",
                        "HEARTBEAT_LEDGER", dir.resolve("ledger").toString()),
                dir.resolve(name + ".log"));
    }

    /** The agents this test started, closed after it whatever happens (a failed assertion too). */
    private static final class Started implements AutoCloseable {
        final java.util.List<ChildProcess> all = new java.util.ArrayList<>();

        ChildProcess add(ChildProcess p) {
            all.add(p);
            return p;
        }

        @Override
        public void close() {
            all.forEach(ChildProcess::close);
        }
    }

    private static long count(RunningServer s, String line) {
        return s.consoleText().lines().filter(l -> l.startsWith(line)).count();
    }

    @Test
    void oneDownFromThePrimaryThenOneCoveringThenOneDownFromTheSecondary() throws Exception {
        int portA = freePort();
        int portB = freePort();
        String downHome = "ALERT FIRED [Heartwatch] DOWN: " + HOME;
        String covering = "ALERT FIRED [Heartwatch] DOWN: stack-home-a - " + PairMode.PRIMARY_DOWN;
        try (Started started = new Started();
             RunningServer b = server("home-b", "secondary", portB, "home-a", portA, KEY_B, KEY_A);
             RunningServer a = server("home-a", "primary", portA, "home-b", portB, KEY_A, KEY_B)) {
            ChildProcess agent = started.add(agent(a, b, "agent-1"));
            // Each stack hears the other and the home.
            Await.until(Duration.ofSeconds(20), () -> a.status("stack-home-b") == DeviceStatus.UP
                            && b.status("stack-home-a") == DeviceStatus.UP
                            && a.status(HOME) == DeviceStatus.UP && b.status(HOME) == DeviceStatus.UP,
                    () -> "the pair did not come up:\nA " + a.consoleText() + "\nB " + b.consoleText());

            // 1. The agent dies (SIGKILL): one DOWN, from the primary; the secondary holds its own.
            agent.kill9();
            Await.until(Duration.ofSeconds(15), () -> count(a, downHome) == 1, () -> "no DOWN from the primary:\n" + a.consoleText());
            Thread.sleep(3_000); // a threshold more: the secondary must still be silent
            assertEquals(0, count(b, "ALERT FIRED"), "the secondary alerted while the primary could:\n" + b.consoleText());
            ChildProcess again = started.add(agent(a, b, "agent-2"));
            Await.until(Duration.ofSeconds(15), () -> count(a, "ALERT RESOLVED") == 1 && a.status(HOME) == DeviceStatus.UP,
                    () -> "the home did not come back at the primary:\n" + a.consoleText());

            // 2. The primary stops: one "primary down, secondary covering", from the secondary.
            a.close();
            Await.until(Duration.ofSeconds(15), () -> count(b, covering) == 1, () -> "no covering DOWN:\n" + b.consoleText());

            // 3. The agent dies again: one DOWN, now from the secondary.
            Await.until(Duration.ofSeconds(10), () -> again.output().contains("stack fault: "),
                    () -> "the agent did not see the primary go:\n" + again.output());
            again.kill9();
            Await.until(Duration.ofSeconds(15), () -> count(b, downHome) == 1, () -> "no DOWN from the secondary:\n" + b.consoleText());
            Thread.sleep(2_000); // nothing more follows

            assertEquals(1, count(a, downHome), a.consoleText());
            assertEquals(1, count(a, "ALERT FIRED"), "the primary sent only the home's DOWN:\n" + a.consoleText());
            assertEquals(1, count(b, covering), b.consoleText());
            assertEquals(1, count(b, downHome), b.consoleText());
            assertEquals(2, count(b, "ALERT FIRED"), "the secondary sent only the covering and the home's DOWN:\n" + b.consoleText());
        }
    }
}
