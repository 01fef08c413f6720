package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heartwatch.agent.cause.Cause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        IcmpProbe probe = new IcmpProbe("127.0.0.1", List.of("unshare", "-rn", "sh", "-c", script, "sh"), EVERY);
        try {
            return probe.run(deadlineIn(5_000));
        } finally {
            probe.close();
        }
    }

    private static final Duration EVERY = Duration.ofSeconds(1);
    private static final String IN_NAMESPACE = "ip link set lo up && echo '0 0' > /proc/sys/net/ipv4/ping_group_range &&";

    private static Deadline deadlineIn(long millis) {
        return new Deadline(System.nanoTime() + millis * 1_000_000L, timer);
    }

    /** A stand-in for ping that prints {@code script}'s lines (ping's documented output shape), whatever it is asked. */
    private static IcmpProbe standIn(String script) {
        return new IcmpProbe("127.0.0.1", List.of("sh", "-c", script, "sh"), EVERY);
    }

    @Test
    void oneSessionOfTheRealPingServesRunAfterRun() throws Exception {
        String script = IN_NAMESPACE + " exec setpriv --bounding-set -net_raw " + ping + " \"$@\"";
        IcmpProbe probe = new IcmpProbe("127.0.0.1", List.of("unshare", "-rn", "sh", "-c", script, "sh"), EVERY);
        try {
            long start = System.nanoTime();
            for (int run = 0; run < 3; run++) {
                // Each run at its due time, as the checks' timer calls it: the session sends on the same beat.
                long due = start + run * EVERY.toNanos();
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                ProbeResult r = probe.run(deadlineIn(800));
                assertTrue(r.passed(), "run " + run + ": " + r);
            }
            assertEquals(1, probe.sessionsStarted(), "three runs, one ping process");
        } finally {
            probe.close();
        }
    }

    @Test
    void eachRunCountsOnlyAReplyItHasNotCountedAndALostEchoIsATimeout() throws Exception {
        // Echo 1 answered, echo 2 lost, echo 3 answered: ping -i prints nothing for a lost echo.
        IcmpProbe probe = standIn("echo 'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.';"
                + " echo '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.040 ms'; sleep 0.6;"
                + " sleep 0.6; echo '64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=0.050 ms'; sleep 30");
        try {
            ProbeResult first = probe.run(deadlineIn(500));
            assertTrue(first.passed(), first.toString());
            assertEquals("icmp echo reply, rtt 0.040 ms", first.text());
            ProbeResult second = probe.run(deadlineIn(300)); // seq 1 again would be a false pass
            assertEquals(Cause.TIMEOUT, second.cause(), second.toString());
            ProbeResult third = probe.run(deadlineIn(2_000));
            assertTrue(third.passed(), third.toString());
            assertEquals("icmp echo reply, rtt 0.050 ms", third.text());
            assertEquals(1, probe.sessionsStarted());
        } finally {
            probe.close();
        }
    }

    @Test
    void aReplySlowerThanTheTimeoutIsATimeoutNotAPass() {
        IcmpProbe probe = standIn("echo '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=900 ms'; sleep 30");
        try {
            ProbeResult r = probe.run(deadlineIn(400));
            assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
        } finally {
            probe.close();
        }
    }

    @Test
    void unreachableLinesInASessionGiveTheCauseUnreachable() {
        IcmpProbe probe = standIn("echo 'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable'; sleep 30");
        try {
            ProbeResult r = probe.run(deadlineIn(400));
            assertEquals(Cause.UNREACHABLE, r.cause(), r.toString());
            assertTrue(r.text().contains("Destination Host Unreachable"), r.text());
        } finally {
            probe.close();
        }
    }

    @Test
    void aSessionThatRanItsCountIsStartedAgainAtTheNextRun() throws Exception {
        // One echo, then ping's summary and exit 0, as at the end of its -c count.
        IcmpProbe probe = standIn("echo '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.040 ms'; echo;"
                + " echo '--- 127.0.0.1 ping statistics ---';"
                + " echo '1 packets transmitted, 1 received, 0% packet loss, time 0ms'; exit 0");
        try {
            assertTrue(probe.run(deadlineIn(500)).passed());
            Thread.sleep(EVERY.toMillis() + 100); // the session ended an interval ago
            ProbeResult again = probe.run(deadlineIn(500));
            assertTrue(again.passed(), again.toString());
            assertEquals(2, probe.sessionsStarted());
        } finally {
            probe.close();
        }
    }

    @Test
    void closingTheProbeEndsItsPing() throws Exception {
        Path pidFile = dir.resolve("standin.pid");
        IcmpProbe probe = standIn("echo $$ > " + pidFile + "; echo '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.04 ms';"
                + " exec sleep 30");
        assertTrue(probe.run(deadlineIn(2_000)).passed());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the session lives between runs");
        probe.close();
        for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "ping ends with the probe");
    }

    @Test
    void theSessionAsksPingForOneEchoAnIntervalForAnHourAtMost() throws Exception {
        Path argsFile = dir.resolve("standin.args");
        IcmpProbe probe = new IcmpProbe("127.0.0.1", List.of("sh", "-c", "echo \"$*\" > " + argsFile + "; sleep 30", "sh"),
                Duration.ofSeconds(30));
        try {
            probe.run(deadlineIn(300));
            assertEquals("-n -i 30 -c 120 -W 1 -- 127.0.0.1", Files.readString(argsFile).strip());
        } finally {
            probe.close();
        }
    }

    @Test
    void anEchoReplyPassesWithItsRoundTripTime() {
        ProbeResult r = pingInNamespace(IN_NAMESPACE);
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
        ProbeResult r = new IcmpProbe("192.0.2.1", List.of("ping"), EVERY).read(1, out);
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
    }

    @Test
    void aPingThatNeverAnswersEndsTheRunAtItsDeadline() {
        // A stand-in that never answers: only the run's deadline ends the run (the session lives on).
        IcmpProbe probe = standIn("sleep 30");
        long t0 = System.nanoTime();
        ProbeResult r = probe.run(deadlineIn(500));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        probe.close();
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
        assertTrue(ms < 2000, "killed at the deadline: " + ms + " ms");
    }

    @Test
    void aMissingPingIsAFailureSayingWhatToInstall() {
        ProbeResult r = new IcmpProbe("127.0.0.1", List.of(dir.resolve("no-such-ping").toString()), EVERY)
                .run(deadlineIn(1_000));
        assertEquals(Cause.UNKNOWN, r.cause());
        assertTrue(r.text().contains("iputils-ping"), r.text());
    }
}
