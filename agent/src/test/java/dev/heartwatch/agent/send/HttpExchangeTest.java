package dev.heartwatch.agent.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.config.ProxySettings;
import dev.heartwatch.agent.support.AgentProcess;
import dev.heartwatch.agent.support.ScriptedHttpServer.Reply;
import dev.heartwatch.agent.support.ScriptedHttpServer;
import dev.heartwatch.agent.support.TestCertificates;
import dev.heartwatch.agent.support.TestHosts;
import dev.heartwatch.common.SecretRedactor;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the user sees of the request on the JDK's HTTP client: the request itself, the
 * connection kept for the next beat (and when it is not), the JDK's own lookup answered from
 * its address cache after the bounded one, the certificate's name checked before any byte of
 * the key is sent, and a malformed answer as a failed beat.
 */
class HttpExchangeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(2000);
    private static final String KEY = "Sup3rS3cretKey-abc123";
    private static final byte[] BODY = "{\"device\":\"t\"}".getBytes(StandardCharsets.UTF_8);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

    @TempDir
    static Path dir;
    static TestCertificates trusted;

    @BeforeAll
    static void certificates() throws Exception {
        trusted = TestCertificates.generate(dir, "trusted");
    }

    private static HttpTransport transport() throws Exception {
        return new HttpTransport(TIMEOUT, trusted.clientContext().getSocketFactory(), ProxySettings.NONE,
                new SecretRedactor(List.of(KEY)), "test");
    }

    /** Posts {@code beats} times on one transport, {@code pauseMs} apart; returns the last attempt. */
    private static Attempt beats(ScriptedHttpServer server, HttpTransport t, int beats, long pauseMs)
            throws Exception {
        Endpoint e = Endpoint.parse(server.url(), KEY, "url");
        Attempt a = null;
        for (int i = 0; i < beats; i++) {
            if (i > 0) {
                Thread.sleep(pauseMs);
            }
            long t0 = System.nanoTime();
            a = t.post(e, BODY);
            assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos() + 1_000_000_000L, "past the timeout");
            assertFalse(a.detail().contains(KEY), a.detail());
            assertTrue(a.ok(), "beat " + (i + 1) + ": " + a.detail());
        }
        return a;
    }

    private static ScriptedHttpServer http(IntFunction<Reply> script) throws Exception {
        return ScriptedHttpServer.http(script);
    }

    @Test
    void theRequestIsAPostWithTheKeyInAHeaderAndNeverInTheUrl() throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.keep(OK))) {
            beats(s, transport(), 1, 0);
            int port = URI.create(s.url()).getPort();
            String head = s.heads().get(0);
            assertTrue(head.startsWith("POST /api/ping HTTP/1.1\n"), head);
            for (String line : List.of("Host: 127.0.0.1:" + port, "User-Agent: heartwatch-agent/test",
                    "Content-Type: application/json", "x-functions-key: " + KEY, "Content-Length: " + BODY.length)) {
                assertTrue(head.contains("\n" + line + "\n"), line + " in\n" + head);
            }
        }
    }

    @Test
    void aChunkedAnswerIsReadToItsEndAndTheConnectionCarriesTheNextBeat() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1;ext=x\r\no\r\n1\r\nk\r\n0\r\nX-Trailer: t\r\n\r\n";
        try (ScriptedHttpServer s = http(n -> Reply.keep(chunked))) {
            Attempt a = beats(s, transport(), 3, 0);
            assertTrue(a.acknowledges());
            assertEquals(List.of(1, 1, 1), s.connectionOfEachRequest());
        }
    }

    @Test
    void anErrorAnswerIsReadToItsEndToo() throws Exception {
        String busy = "HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy";
        try (ScriptedHttpServer s = http(n -> Reply.keep(n == 1 ? busy : OK))) {
            HttpTransport t = transport();
            Endpoint e = Endpoint.parse(s.url(), KEY, "url");
            assertEquals(Cause.HTTP_5XX, t.post(e, BODY).cause());
            assertTrue(t.post(e, BODY).ok());
            assertEquals(List.of(1, 1), s.connectionOfEachRequest());
        }
    }

    @Test
    void connectionCloseMeansAFreshConnectionForTheNextBeat() throws Exception {
        String close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
        try (ScriptedHttpServer s = http(n -> Reply.close(close))) {
            beats(s, transport(), 2, 0);
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void aBodyTooLargeToReadStillCountsButTheConnectionIsDropped() throws Exception {
        String huge = "HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n" + "k".repeat(70000);
        try (ScriptedHttpServer s = http(n -> Reply.keep(huge))) {
            Attempt a = beats(s, transport(), 2, 0);
            assertEquals(200, a.status());
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void aTlsConnectionTheServerClosedWhileIdleIsReplaced() throws Exception {
        // No Connection: close, so the JDK keeps it; the server then closes (close_notify + FIN).
        try (ScriptedHttpServer s = ScriptedHttpServer.https(trusted.serverContext(), n -> Reply.close(OK))) {
            beats(s, transport(), 3, 300);
            assertEquals(List.of(1, 2, 3), s.connectionOfEachRequest());
        }
    }

    @Test
    void aPlainConnectionTheServerClosedWhileIdleIsRetriedOnAFreshOne() throws Exception {
        // A bare FIN cannot be seen before writing: the JDK's request fails on the old connection,
        // and the JDK sends it again on a new one.
        try (ScriptedHttpServer s = http(n -> Reply.close(OK))) {
            beats(s, transport(), 2, 300);
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HELLO\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
    })
    void aMalformedAnswerIsAFailedBeat(String answer) throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.close(answer))) {
            Attempt a = transport().post(Endpoint.parse(s.url(), KEY, "url"), BODY);
            assertFalse(a.ok(), a.detail());
            assertNotEquals(Cause.AUTH, a.cause(), a.detail());
            assertFalse(a.detail().contains(KEY), a.detail());
        }
    }

    @Test
    void aRedirectIsAFailedBeatAndIsNotFollowedWithTheKey() throws Exception {
        int[] port = new int[1];
        try (ScriptedHttpServer s = http(n -> Reply.keep("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:"
                + port[0] + "/elsewhere\r\nContent-Length: 0\r\n\r\n"))) {
            port[0] = URI.create(s.url()).getPort();
            Attempt a = transport().post(Endpoint.parse(s.url(), KEY, "url"), BODY);
            assertEquals(Cause.UNKNOWN, a.cause(), a.detail());
            assertEquals(307, a.status());
            assertEquals(1, s.heads().size(), "the redirect was followed: " + s.heads());
        }
    }

    @Test
    void aCertificateIssuedForAnotherAddressIsATlsFailureAndTheKeyIsNeverSent() throws Exception {
        TestCertificates other = TestCertificates.generate(dir, "elsewhere", "ip:127.0.0.2,dns:heartwatch.test");
        try (ScriptedHttpServer s = ScriptedHttpServer.https(other.serverContext(), n -> Reply.keep(OK))) {
            HttpTransport t = new HttpTransport(TIMEOUT, other.clientContext().getSocketFactory(), ProxySettings.NONE,
                    new SecretRedactor(List.of(KEY)), "test");
            Attempt a = t.post(Endpoint.parse(s.url(), KEY, "url"), BODY);
            assertEquals(Cause.TLS, a.cause(), a.detail());
            assertTrue(a.detail().contains("127.0.0.1"), a.detail());
            assertTrue(s.heads().isEmpty(), "no request may reach a server whose certificate names another host");
        }
    }

    @Test
    void aNamedEndpointIsAskedForByNameInTheHandshakeAndItsCertificateMustCarryThatName() throws Exception {
        // Azure's front ends pick the certificate by SNI: without it every beat would fail there.
        TestHosts.map("hw.heartwatch.test", "127.0.0.1");
        TestHosts.map("a.b.heartwatch.test", "127.0.0.1");
        TestCertificates named = TestCertificates.generate(dir, "named", "dns:*.heartwatch.test");
        try (ScriptedHttpServer s = ScriptedHttpServer.https(named.serverContext(), n -> Reply.keep(OK))) {
            int port = URI.create(s.url()).getPort();
            HttpTransport t = new HttpTransport(TIMEOUT, named.clientContext().getSocketFactory(), ProxySettings.NONE,
                    new SecretRedactor(List.of(KEY)), "test");
            Attempt ok = t.post(Endpoint.parse("https://hw.heartwatch.test:" + port + "/api/ping", KEY, "url"), BODY);
            assertTrue(ok.ok(), ok.detail());
            assertEquals(List.of("hw.heartwatch.test"), s.serverNames());
            assertTrue(s.heads().get(0).contains("Host: hw.heartwatch.test:" + port + "\n"), s.heads().get(0));

            // A wildcard stands for one label only: the JDK's HTTPS identity check refuses it in the handshake.
            Attempt wrong = t.post(Endpoint.parse("https://a.b.heartwatch.test:" + port + "/api/ping", KEY, "url"), BODY);
            assertEquals(Cause.TLS, wrong.cause(), wrong.detail());
            assertEquals(1, s.heads().size(), "nothing is sent to a host the certificate does not name");
        }
    }

    /**
     * JDK 17's HttpURLConnection resolves the name itself, with no timeout: the agent resolves it
     * first within the deadline (BoundedResolver), and the JDK's lookup must then be answered by
     * its address cache. Proved with a name taken out of the hosts file just after the bounded
     * lookup: the beat still goes through. Its negative: a lookup that fills no cache (a resolver
     * answering by itself) leaves the JDK's own lookup to fail.
     */
    @Test
    void theJdksOwnLookupIsAnsweredFromTheCacheTheBoundedLookupFilled() throws Exception {
        TestHosts.map("cached.heartwatch.test", "127.0.0.1");
        BoundedResolver thenForget = new BoundedResolver(host -> {
            InetAddress[] found = InetAddress.getAllByName(host);
            try {
                TestHosts.unmap(host);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return found;
        });
        BoundedResolver noCache = new BoundedResolver(host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
        try (ScriptedHttpServer s = http(n -> Reply.keep(OK))) {
            int port = URI.create(s.url()).getPort();
            HttpTransport cached = new HttpTransport(TIMEOUT, null, ProxySettings.NONE, thenForget,
                    new SecretRedactor(List.of(KEY)), "test");
            Attempt a = cached.post(Endpoint.parse("http://cached.heartwatch.test:" + port + "/api/ping", KEY, "url"), BODY);
            assertTrue(a.ok(), a.detail());

            HttpTransport uncached = new HttpTransport(TIMEOUT, null, ProxySettings.NONE, noCache,
                    new SecretRedactor(List.of(KEY)), "test");
            Attempt b = uncached.post(Endpoint.parse("http://uncached.heartwatch.test:" + port + "/api/ping", KEY, "url"),
                    BODY);
            assertEquals(Cause.DNS, b.cause(), b.detail());
            assertEquals(1, s.heads().size());
        }
    }

    /**
     * The JDK closes a connection idle for 5 s when the server names no Keep-Alive timeout
     * (JDK-8278067), which at a 60 s interval would cost a TLS handshake per beat; the agent
     * sets http.keepAlive.time.server to two intervals and a second (JdkHttpSettings). Its own
     * process, at a 6.5 s interval: two beats 6.5 s apart share one connection.
     */
    @Test
    void twoBeatsMoreThanFiveSecondsApartShareOneConnection(@TempDir Path work) throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.keep(OK))) {
            AgentProcess agent = AgentProcess.start(work, Map.of("HEARTBEAT_URL", s.url(), "HEARTBEAT_DEVICE", "d"),
                    "--interval", "PT6.5S", "--ledger", "ledger", "--timeout", "PT2S");
            long until = System.nanoTime() + 30_000_000_000L;
            while (s.connectionOfEachRequest().size() < 2 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            agent.kill();
            assertEquals(List.of(1, 1), s.connectionOfEachRequest().subList(0, 2), agent.output());
        }
    }
}
