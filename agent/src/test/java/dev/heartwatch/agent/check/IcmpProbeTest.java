package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heartwatch.agent.cause.Cause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The icmp check through the real {@code ping}, in a network namespace the test makes
 * ({@code unshare -rn}: a user and network namespace of its own, only its loopback up). The
 * ping binary is a copy without its file capability and runs with {@code CAP_NET_RAW} out of
 * the bounding set: what the hardened systemd unit gives it ({@code NoNewPrivileges} ignores
 * file capabilities). So the mechanism is asserted: the echo goes through the kernel's
 * unprivileged ICMP datagram socket, and works exactly when {@code net.ipv4.ping_group_range}
 * holds the caller's group.
 */
class IcmpProbeTest {
    @TempDir
    static Path dir;
    private static Path ping;
    private static final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    @BeforeAll
    static void needsNamespacesAndPing() throws Exception {
        if (run(List.of("unshare", "-rn", "true")) != 0) {
            fail("unshare -rn is not permitted here, and the icmp check is tested in a network namespace: allow "
                    + "unprivileged user namespaces (sysctl -w kernel.unprivileged_userns_clone=1 and "
                    + "user.max_user_namespaces > 0; in a container, a seccomp profile that allows unshare)");
        }
        Path system = Path.of("/usr/bin/ping");
        if (!Files.isExecutable(system)) {
            system = Path.of("/bin/ping");
        }
        if (!Files.isExecutable(system)) {
            fail("no ping: apt-get install iputils-ping (scripts/test.sh installs it)");
        }
        if (run(List.of("setpriv", "--version")) != 0) {
            fail("no setpriv: apt-get install util-linux");
        }
        ping = dir.resolve("ping");
        Files.copy(system, ping); // a plain copy carries no file capability
    }

    @AfterAll
    static void stop() {
        timer.shutdownNow();
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** The probe, with ping started inside a fresh namespace set up by {@code setup}. */
    private static ProbeResult pingInNamespace(String setup) {
        String script = setup + " exec setpriv --bounding-set -net_raw " + ping + " \"$@\"";
        IcmpProbe probe = new IcmpProbe("127.0.0.1", List.of("unshare", "-rn", "sh", "-c", script, "sh"));
        return probe.run(new Deadline(System.nanoTime() + 5_000_000_000L, timer));
    }

    @Test
    void anEchoReplyPassesWithItsRoundTripTime() {
        ProbeResult r = pingInNamespace("ip link set lo up && echo '0 0' > /proc/sys/net/ipv4/ping_group_range &&");
        assertTrue(r.passed(), r.toString());
        assertTrue(r.text().matches("icmp echo reply, rtt \\d+\\.\\d+ ms"), r.text());
    }

    @Test
    void withoutPingGroupRangeAnUnprivilegedPingIsRefusedAndTheCauseSaysHowToAllowIt() {
        // A new namespace starts with the range empty ("1 0"): no group may open an ICMP socket.
        ProbeResult r = pingInNamespace("ip link set lo up &&");
        assertFalse(r.passed(), r.toString());
        assertTrue(r.text().contains("ping is not permitted") && r.text().contains("net.ipv4.ping_group_range"), r.text());
    }

    @Test
    void aNetworkWithoutARouteIsUnreachable() {
        ProbeResult r = pingInNamespace("echo '0 0' > /proc/sys/net/ipv4/ping_group_range &&"); // loopback left down
        assertEquals(Cause.UNREACHABLE, r.cause(), r.toString());
    }

    @Test
    void pingsSummaryOfALostEchoIsATimeout() {
        String out = "PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.\n\n--- 192.0.2.1 ping statistics ---\n"
                + "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n";
        ProbeResult r = new IcmpProbe("192.0.2.1", List.of("ping")).read(1, out);
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
    }

    @Test
    void aPingThatHangsIsKilledAtTheDeadline() {
        // A stand-in that never ends: only the probe's deadline can stop it.
        IcmpProbe probe = new IcmpProbe("127.0.0.1", List.of("sh", "-c", "sleep 30", "sh"));
        long t0 = System.nanoTime();
        ProbeResult r = probe.run(new Deadline(System.nanoTime() + 500_000_000L, timer));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
        assertTrue(ms < 2000, "killed at the deadline: " + ms + " ms");
    }

    @Test
    void aMissingPingIsAFailureSayingWhatToInstall() {
        ProbeResult r = new IcmpProbe("127.0.0.1", List.of(dir.resolve("no-such-ping").toString()))
                .run(new Deadline(System.nanoTime() + 1_000_000_000L, timer));
        assertEquals(Cause.UNKNOWN, r.cause());
        assertTrue(r.text().contains("iputils-ping"), r.text());
    }
}
