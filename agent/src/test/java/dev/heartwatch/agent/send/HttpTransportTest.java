package dev.heartwatch.agent.send;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.config.ProxySettings;
import dev.heartwatch.agent.support.RawFaultServer;
import dev.heartwatch.agent.support.RecordingEndpoint;
import dev.heartwatch.agent.support.ScriptedHttpServer.Reply;
import dev.heartwatch.agent.support.ScriptedHttpServer;
import dev.heartwatch.agent.support.TestCertificates;
import dev.heartwatch.common.SecretRedactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


/** Each fault a real loopback server can inject, classified; no request outlives its timeout. */
class HttpTransportTest {
    // Generous enough for a cold JVM's first TLS handshake on a loaded 2-core machine; the
    // faults below still take several times longer than it.
    private static final Duration TIMEOUT = Duration.ofMillis(2000);
    private static final String KEY = "Sup3rS3cretKey-abc123";
    private static final byte[] BODY = "{\"device\":\"t\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    static TestCertificates trusted;
    static TestCertificates untrusted;

    @BeforeAll
    static void certificates() throws Exception {
        trusted = TestCertificates.generate(dir, "trusted");
        untrusted = TestCertificates.generate(dir, "stranger");
    }

    private static HttpTransport transport() throws Exception {
        return new HttpTransport(TIMEOUT, trusted.clientContext().getSocketFactory(), ProxySettings.NONE,
                new SecretRedactor(List.of(KEY)), "test");
    }

    private static Attempt post(String url) throws Exception {
        Endpoint e = Endpoint.parse(url + "?code=" + KEY, null, "url");
        HttpTransport transport = transport();
        long t0 = System.nanoTime();
        Attempt a = transport.post(e, BODY);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < TIMEOUT.toMillis() + 1000, "took " + ms + " ms, past the timeout");
        assertFalse(a.detail().contains(KEY), a.detail());
        return a;
    }

    @Test
    void httpsToATrustedCertificateSucceedsAndSendsTheKeyAsAHeaderOnly() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.https(trusted.serverContext())) {
            Attempt a = post(server.url());
            assertTrue(a.ok(), a.detail());
            assertTrue(a.acknowledges());
            RecordingEndpoint.Received r = server.received().get(0);
            assertEquals(KEY, r.keyHeader());
            assertEquals(null, r.query(), "code= must leave the URL");
            assertEquals("{\"device\":\"t\"}", r.body());
        }
    }

    @Test
    void anUntrustedCertificateIsATlsFailure() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.https(untrusted.serverContext())) {
            Attempt a = post(server.url());
            assertEquals(Cause.TLS, a.cause(), a.detail());
            assertTrue(server.received().isEmpty(), "the body must not reach an untrusted server");
        }
    }

    @Test
    void aRefusedConnectionIsRefused() throws Exception {
        Attempt a = post("http://127.0.0.1:" + RawFaultServer.refusingPort() + "/api/ping");
        assertEquals(Cause.REFUSED, a.cause(), a.detail());
    }

    @Test
    void aResetAfterTheRequestIsReset() throws Exception {
        try (RawFaultServer s = RawFaultServer.start(RawFaultServer.Fault.RESET)) {
            Attempt a = post(s.url());
            assertEquals(Cause.RESET, a.cause(), a.detail());
        }
    }

    @Test
    void aServerThatNeverAnswersIsAReadTimeout() throws Exception {
        try (RawFaultServer s = RawFaultServer.start(RawFaultServer.Fault.HANG)) {
            Attempt a = post(s.url());
            assertEquals(Cause.READ_TIMEOUT, a.cause(), a.detail());
        }
    }

    @Test
    void aConnectionThatNeverCompletesIsAConnectTimeout() throws Exception {
        try (RawFaultServer s = RawFaultServer.start(RawFaultServer.Fault.FULL_BACKLOG)) {
            Attempt a = post(s.url());
            assertEquals(Cause.CONNECT_TIMEOUT, a.cause(), a.detail());
        }
    }

    @Test
    void aBodyDribbledPastTheTimeoutOverTlsIsAReadTimeoutAtTheDeadlineEvenThoughEachByteArrivesInTime()
            throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.https(trusted.serverContext())) {
            server.dribble(500); // 10 bytes x 500 ms = 5 s > 2 s, yet each read waits only 500 ms
            Attempt a = post(server.url());
            assertEquals(Cause.READ_TIMEOUT, a.cause(), a.detail());
        }
    }

    /**
     * Over plain HTTP (a server on the user's own network) the cut is the JDK's disconnect(),
     * which first finishes closing the answer's stream: the beat still ends as a read timeout,
     * a little past the deadline (docs/agent.md, "How a beat is sent").
     */
    @Test
    void aBodyDribbledOverPlainHttpIsAReadTimeoutSoonAfterTheDeadline() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.dribble(500);
            long t0 = System.nanoTime();
            Attempt a = transport().post(Endpoint.parse(server.url(), KEY, "url"), BODY);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Cause.READ_TIMEOUT, a.cause(), a.detail());
            assertTrue(ms < 5000, "took " + ms + " ms: the whole dribbled answer was waited for");
        }
    }

    @Test
    void aTlsHandshakeDribbledByteByByteIsCutOffAtTheTimeout() throws Exception {
        // Each byte arrives well within the timeout, but the handshake record never completes.
        try (RawFaultServer s = RawFaultServer.start(RawFaultServer.Fault.DRIBBLE_TLS)) {
            Attempt a = post(s.url().replace("http://", "https://"));
            assertEquals(Cause.CONNECT_TIMEOUT, a.cause(), a.detail());
        }
    }

    @Test
    void consecutiveHttpsBeatsAllSucceed() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.https(trusted.serverContext())) {
            HttpTransport t = transport();
            Endpoint e = Endpoint.parse(server.url(), KEY, "url");
            for (int i = 0; i < 3; i++) {
                assertTrue(t.post(e, BODY).ok());
            }
            assertEquals(3, server.received().size());
        }
    }

    @Test
    void aKeptAliveConnectionThatDiesUnderTheRequestIsRetriedOnAFreshOne() throws Exception {
        String ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
        try (ScriptedHttpServer server = ScriptedHttpServer.https(trusted.serverContext(),
                n -> n == 3 ? Reply.resetting() : Reply.keep(ok))) {
            HttpTransport t = transport();
            Endpoint e = Endpoint.parse(server.url(), KEY, "url");
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                Attempt a = t.post(e, BODY);
                assertTrue(a.ok(), "beat " + i + ": " + a.detail());
                assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos() + 1_000_000_000L, "past the timeout");
            }
            // Beats 1 and 2 share a connection; beat 3 dies on it and succeeds on a second one.
            assertEquals(List.of(1, 1, 1, 2), server.connectionOfEachRequest());
        }
    }

    @Test
    void aServerThatResetsEveryRequestIsAResetAfterTheJdksRetry() throws Exception {
        try (RawFaultServer s = RawFaultServer.start(RawFaultServer.Fault.RESET)) {
            Attempt a = post(s.url());
            assertEquals(Cause.RESET, a.cause(), a.detail());
            // The JDK retries a reset POST once; a reset while writing may count one connection more.
            assertTrue(s.accepted() >= 2 && s.accepted() <= 3, "tries: " + s.accepted());
        }
    }

    @Test
    void statusCodesMapToTheirCauses() throws Exception {
        int[][] cases = {{500, 0}, {503, 0}, {429, 0}, {401, 1}, {403, 1}, {404, 2}, {400, 2}};
        Cause[] expected = {Cause.HTTP_5XX, Cause.AUTH, Cause.HTTP_4XX};
        for (int[] c : cases) {
            try (RecordingEndpoint server = RecordingEndpoint.http()) {
                server.answer(n -> c[0]);
                Attempt a = post(server.url());
                assertEquals(expected[c[1]], a.cause(), "HTTP " + c[0]);
                assertEquals(c[0], a.status());
            }
        }
    }

    @Test
    void anUnresolvableNameIsDns() throws Exception {
        // The test JVM resolves through an empty hosts file (see pom.xml): no resolver is asked.
        Attempt a = post("http://heartwatch-test.invalid:9/api/ping");
        assertEquals(Cause.DNS, a.cause(), a.detail());
    }

    @Test
    void aNameLookupThatHangsIsADnsFailureWithinTheTimeout() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        BoundedResolver hanging = new BoundedResolver(host -> {
            try {
                never.await(); // a router whose DNS has stopped answering
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
        });
        HttpTransport t = new HttpTransport(TIMEOUT, trusted.clientContext().getSocketFactory(),
                ProxySettings.NONE, hanging, new SecretRedactor(List.of(KEY)), "test");
        long t0 = System.nanoTime();
        Attempt a = t.post(Endpoint.parse("https://hw.heartwatch.test/api/ping?code=" + KEY, null, "url"), BODY);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        never.countDown();
        assertEquals(Cause.DNS, a.cause(), a.detail());
        assertTrue(ms >= TIMEOUT.toMillis() - 100 && ms < TIMEOUT.toMillis() + 1000, "took " + ms + " ms");
        assertTrue(a.detail().contains("within the timeout"), a.detail());
        assertFalse(a.detail().contains(KEY), a.detail());
    }

    @Test
    void aNon200SuccessIsNotAnAcknowledgement() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> 204);
            Attempt a = post(server.url());
            assertTrue(a.ok());
            assertFalse(a.acknowledges());
        }
    }
}
