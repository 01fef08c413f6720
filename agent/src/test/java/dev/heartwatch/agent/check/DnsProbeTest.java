package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.cause.Cause;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dns check through the JDK's JNDI DNS provider, against a DNS server on a loopback port. */
class DnsProbeTest {
    private static final long TIMEOUT_MS = 800;
    private static LoopbackDnsServer dns;
    private static final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    @BeforeAll
    static void start() throws Exception {
        dns = new LoopbackDnsServer();
    }

    @AfterAll
    static void stop() {
        dns.close();
        timer.shutdownNow();
    }

    private static ProbeResult ask(String name, String expect) {
        Deadline d = new Deadline(System.nanoTime() + TIMEOUT_MS * 1_000_000, timer);
        return new DnsProbe("127.0.0.1", dns.port(), name, "A", expect).run(d);
    }

    @Test
    void aGoodAnswerPassesWithTheRecordInTheNote() {
        ProbeResult r = ask("good.test", null);
        assertTrue(r.passed(), r.toString());
        assertEquals("A 127.0.0.10", r.text());
        assertTrue(dns.asked.contains("good"), "the query went to the server named, not the system resolver");
    }

    @Test
    void anExpectedValueMustBeInTheAnswer() {
        assertTrue(ask("good.test", "127.0.0.10").passed());
        ProbeResult r = ask("good.test", "127.0.0.11");
        assertEquals(Cause.UNEXPECTED_ANSWER, r.cause(), r.toString());
        assertTrue(r.text().contains("expected 127.0.0.11"), r.text());
    }

    @Test
    void nxdomainIsItsOwnCause() {
        assertEquals(Cause.NXDOMAIN, ask("nx.test", null).cause());
    }

    @Test
    void servfailIsADnsError() {
        assertEquals(Cause.DNS_ERROR, ask("servfail.test", null).cause());
    }

    @Test
    void aMalformedAnswerIsAFailureNotACrash() {
        // The provider reads an announced-but-missing answer as no answer; the others it refuses.
        for (String name : new String[] {"malformed.test", "loop.test"}) {
            long t0 = System.nanoTime();
            ProbeResult r = ask(name, null);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(r.passed(), name + ": " + r);
            assertTrue(r.cause() == Cause.DNS_ERROR || r.cause() == Cause.UNEXPECTED_ANSWER || r.cause() == Cause.TIMEOUT,
                    name + ": " + r);
            assertTrue(tookMs < TIMEOUT_MS + 1500, name + " bounded by the timeout: " + tookMs + " ms");
        }
    }

    /**
     * JNDI's limit, pinned down so a JDK that changes it shows here: it does not bound a record's
     * data by the datagram's length, so an A record cut short reads as zero bytes (127.0.0.0).
     * With {@code expect}, as docs/checks.md advises, that is a failure.
     */
    @Test
    void aTruncatedRecordFailsOnlyAgainstAnExpectedValue() {
        ProbeResult bare = ask("truncated.test", null);
        assertEquals("A 127.0.0.0", bare.text(), "JNDI reads past the datagram: " + bare);
        assertEquals(Cause.UNEXPECTED_ANSWER, ask("truncated.test", "127.0.0.10").cause());
    }

    @Test
    void anAnswerWithTheWrongIdIsIgnoredAndTheCheckTimesOut() {
        long t0 = System.nanoTime();
        ProbeResult r = ask("wrongid.test", null);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
        assertTrue(tookMs >= TIMEOUT_MS - 50 && tookMs < TIMEOUT_MS + 1500, "waited to the timeout: " + tookMs + " ms");
    }

    @Test
    void anAnswerToAnotherQuestionIsIgnoredAndTheCheckTimesOut() {
        ProbeResult r = ask("wrongq.test", null);
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
    }

    @Test
    void noAnswerAtAllIsATimeoutBoundedByTheCheck() {
        long t0 = System.nanoTime();
        ProbeResult r = ask("silent.test", null);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
        assertTrue(tookMs < TIMEOUT_MS + 1500, "bounded by the check's timeout: " + tookMs + " ms");
    }

    @Test
    void aProbeKeepsItsContextButAsksTheServerEveryRun() {
        DnsProbe probe = new DnsProbe("127.0.0.1", dns.port(), "good.test", "A", null);
        long before = dns.asked.stream().filter("good"::equals).count();
        for (int i = 0; i < 3; i++) {
            ProbeResult r = probe.run(new Deadline(System.nanoTime() + TIMEOUT_MS * 1_000_000, timer));
            assertTrue(r.passed(), r.toString());
        }
        assertEquals(before + 3, dns.asked.stream().filter("good"::equals).count(), "an answer is never reused");
        probe.close();
        assertTrue(probe.run(new Deadline(System.nanoTime() + TIMEOUT_MS * 1_000_000, timer)).passed(), "closed: a new context");
    }
}
