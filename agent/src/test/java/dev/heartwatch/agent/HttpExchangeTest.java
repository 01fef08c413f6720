package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.support.ScriptedHttpServer;
import dev.heartwatch.agent.support.ScriptedHttpServer.Reply;
import dev.heartwatch.agent.support.TestCertificates;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's own HTTP/1.1 client against answers real servers give: each framing of a body,
 * interim answers, what keeps a connection for the next beat and what ends it, malformed
 * answers, and a certificate issued for another host.
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

    private static HttpTransport transport(Duration keepIdle) throws Exception {
        return new HttpTransport(TIMEOUT, keepIdle, trusted.clientContext().getSocketFactory(), ProxySettings.NONE,
                new Redactor(List.of(KEY)), "test");
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
    void theRequestIsOneWellFormedPostWithTheKeyInAHeader() throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.keep(OK))) {
            beats(s, transport(Duration.ofSeconds(30)), 1, 0);
            int port = URI.create(s.url()).getPort();
            assertEquals("POST /api/ping HTTP/1.1\n"
                    + "Host: 127.0.0.1:" + port + "\n"
                    + "User-Agent: heartwatch-agent/test\n"
                    + "Content-Type: application/json\n"
                    + "x-functions-key: " + KEY + "\n"
                    + "Content-Length: " + BODY.length + "\n", s.heads().get(0));
        }
    }

    @Test
    void aChunkedAnswerIsReadToItsEndAndTheConnectionCarriesTheNextBeat() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1;ext=x\r\no\r\n1\r\nk\r\n0\r\nX-Trailer: t\r\n\r\n";
        try (ScriptedHttpServer s = http(n -> Reply.keep(chunked))) {
            Attempt a = beats(s, transport(Duration.ofSeconds(30)), 3, 0);
            assertTrue(a.acknowledges());
            assertEquals(List.of(1, 1, 1), s.connectionOfEachRequest());
        }
    }

    @Test
    void connectionCloseMeansAFreshConnectionForTheNextBeat() throws Exception {
        String close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
        try (ScriptedHttpServer s = http(n -> Reply.close(close))) {
            beats(s, transport(Duration.ofSeconds(30)), 2, 0);
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void anHttp10AnswerKeepsTheConnectionOnlyWhenItSaysSo() throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.close("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"))) {
            beats(s, transport(Duration.ofSeconds(30)), 2, 0);
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
        String keep = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok";
        try (ScriptedHttpServer s = http(n -> Reply.keep(keep))) {
            beats(s, transport(Duration.ofSeconds(30)), 2, 0);
            assertEquals(List.of(1, 1), s.connectionOfEachRequest());
        }
    }

    @Test
    void interimAnswersAreSkipped() throws Exception {
        String interim = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        try (ScriptedHttpServer s = http(n -> Reply.keep(interim))) {
            Attempt a = beats(s, transport(Duration.ofSeconds(30)), 2, 0);
            assertEquals(200, a.status());
            assertEquals(List.of(1, 1), s.connectionOfEachRequest());
        }
    }

    @Test
    void anAnswerWithoutALengthIsReadUntilTheServerClosesIt() throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.close("HTTP/1.1 200 OK\r\n\r\nok, no length"))) {
            beats(s, transport(Duration.ofSeconds(30)), 2, 0);
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void aBodyTooLargeToReadStillCountsButTheConnectionIsDropped() throws Exception {
        // Declares a megabyte and sends a little of it: the agent reads none of it.
        String huge = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\nokokokok";
        try (ScriptedHttpServer s = http(n -> Reply.keep(huge))) {
            Attempt a = beats(s, transport(Duration.ofSeconds(30)), 2, 0);
            assertEquals(200, a.status());
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void theServersKeepAliveTimeoutIsBelieved() throws Exception {
        String shortIdle = "HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1, max=100\r\nContent-Length: 2\r\n\r\nok";
        try (ScriptedHttpServer s = http(n -> Reply.keep(shortIdle))) {
            beats(s, transport(Duration.ofSeconds(30)), 2, 1200);
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void anAbsurdKeepAliveTimeoutIsCappedNotAFailedBeat() throws Exception {
        // Seconds that overflow a count of nanoseconds: the agent's own idle limit applies.
        String absurd = "HTTP/1.1 200 OK\r\nKeep-Alive: timeout=99999999999999\r\nContent-Length: 2\r\n\r\nok";
        try (ScriptedHttpServer s = http(n -> Reply.keep(absurd))) {
            beats(s, transport(Duration.ofSeconds(30)), 2, 0);
            assertEquals(List.of(1, 1), s.connectionOfEachRequest());
        }
    }

    @Test
    void bytesTheTlsLayerDecryptedPastTheAnswerAreNeverReadAsTheNextAnswer() throws Exception {
        // One TLS record: an answer of exactly the reader's 2048-byte buffer, then a stray second
        // answer. The stray bytes wait inside the TLS socket, where the raw socket shows nothing.
        String head = "HTTP/1.1 200 OK\r\nContent-Length: ";
        int bodyLength = 2048 - head.length() - "1997\r\n\r\n".length();
        String exact = head + bodyLength + "\r\n\r\n" + "x".repeat(bodyLength);
        assertEquals(2048, exact.length());
        String stray = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        String busy = "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n";
        try (ScriptedHttpServer s = ScriptedHttpServer.https(trusted.serverContext(),
                n -> n == 1 ? Reply.keep(exact + stray) : Reply.keep(busy))) {
            HttpTransport t = transport(Duration.ofSeconds(30));
            Endpoint e = Endpoint.parse(s.url(), KEY, "url");
            assertEquals(200, t.post(e, BODY).status());
            Attempt second = t.post(e, BODY);
            assertEquals(503, second.status(), "the second beat must read the server's answer to it, not the stray one");
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void aConnectionIdleLongerThanTheAgentKeepsOneIsNotReused() throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.keep(OK))) {
            HttpTransport t = transport(Duration.ofMillis(100));
            beats(s, t, 2, 300);
            beats(s, t, 1, 0); // the third, at once: still within 100 ms of the second
            assertEquals(List.of(1, 2, 2), s.connectionOfEachRequest());
        }
    }

    @Test
    void aTlsConnectionTheServerClosedWhileIdleIsSeenAndReplaced() throws Exception {
        // No Connection: close, so the agent keeps it; the server then closes (close_notify + FIN).
        try (ScriptedHttpServer s = ScriptedHttpServer.https(trusted.serverContext(), n -> Reply.close(OK))) {
            HttpTransport t = transport(Duration.ofSeconds(30));
            beats(s, t, 3, 300);
            assertEquals(List.of(1, 2, 3), s.connectionOfEachRequest());
        }
    }

    @Test
    void aTlsCloseFromTheServerMarksTheIdleConnectionUnusableBeforeAnyByteIsWritten() throws Exception {
        byte[] request = "POST /api/ping HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (boolean serverCloses : new boolean[] {true, false}) {
            try (ScriptedHttpServer s = ScriptedHttpServer.https(trusted.serverContext(),
                    n -> serverCloses ? Reply.close(OK) : Reply.keep(OK))) {
                long end = System.nanoTime() + TIMEOUT.toNanos();
                try (HttpConnection c = HttpConnection.open("127.0.0.1", URI.create(s.url()).getPort(),
                        trusted.clientContext().getSocketFactory(), null,
                        BoundedResolver.SYSTEM, end)) {
                    assertTrue(c.exchange(request, end, 100).reusable(), "the answer itself did not say close");
                    c.idle(System.nanoTime(), Duration.ofSeconds(30).toNanos());
                    long until = System.nanoTime() + 2_000_000_000L;
                    while (c.usable(System.nanoTime()) && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                    assertEquals(!serverCloses, c.usable(System.nanoTime()), "server closes: " + serverCloses);
                }
            }
        }
    }

    @Test
    void aPlainConnectionTheServerClosedWhileIdleIsRetriedOnAFreshOne() throws Exception {
        // A bare FIN cannot be seen before writing: the beat fails on the old connection, then succeeds on a new one.
        try (ScriptedHttpServer s = http(n -> Reply.close(OK))) {
            beats(s, transport(Duration.ofSeconds(30)), 2, 300);
            assertEquals(List.of(1, 2), s.connectionOfEachRequest());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HELLO\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"
    })
    void aMalformedAnswerIsAFailedBeatWithAClearCause(String answer) throws Exception {
        try (ScriptedHttpServer s = http(n -> Reply.close(answer))) {
            Attempt a = transport(Duration.ofSeconds(30)).post(Endpoint.parse(s.url(), KEY, "url"), BODY);
            assertEquals(Cause.UNKNOWN, a.cause(), a.detail());
            assertTrue(a.detail().startsWith("malformed HTTP answer"), a.detail());
        }
    }

    @Test
    void anEndlessAnswerHeadIsRefusedNotBuffered() throws Exception {
        String endless = "HTTP/1.1 200 OK\r\nX-Filler: " + "a".repeat(20_000) + "\r\n\r\n";
        try (ScriptedHttpServer s = http(n -> Reply.close(endless))) {
            Attempt a = transport(Duration.ofSeconds(30)).post(Endpoint.parse(s.url(), KEY, "url"), BODY);
            assertEquals(Cause.UNKNOWN, a.cause(), a.detail());
            assertTrue(a.detail().contains("too long"), a.detail());
        }
    }

    @Test
    void aCertificateIssuedForAnotherAddressIsATlsFailureAndTheKeyIsNeverSent() throws Exception {
        TestCertificates other = TestCertificates.generate(dir, "elsewhere", "ip:127.0.0.2,dns:heartwatch.test");
        SSLContextPair pair = new SSLContextPair(other);
        try (ScriptedHttpServer s = ScriptedHttpServer.https(pair.server, n -> Reply.keep(OK))) {
            HttpTransport t = new HttpTransport(TIMEOUT, Duration.ofSeconds(30), pair.client.getSocketFactory(), ProxySettings.NONE,
                    new Redactor(List.of(KEY)), "test");
            Attempt a = t.post(Endpoint.parse(s.url(), KEY, "url"), BODY);
            assertEquals(Cause.TLS, a.cause(), a.detail());
            assertTrue(a.detail().contains("not issued for 127.0.0.1"), a.detail());
            assertTrue(s.heads().isEmpty(), "no request may reach a server whose certificate names another host");
        }
    }

    @Test
    void aNamedEndpointIsAskedForByNameInTheHandshakeAndItsCertificateMustCarryThatName() throws Exception {
        // Azure's front ends pick the certificate by SNI: without it every beat would fail there.
        BoundedResolver toLoopback = new BoundedResolver(host -> new java.net.InetAddress[] {
            java.net.InetAddress.getLoopbackAddress()});
        TestCertificates named = TestCertificates.generate(dir, "named", "dns:*.heartwatch.test");
        SSLContextPair pair = new SSLContextPair(named);
        try (ScriptedHttpServer s = ScriptedHttpServer.https(pair.server, n -> Reply.keep(OK))) {
            int port = URI.create(s.url()).getPort();
            HttpTransport t = new HttpTransport(TIMEOUT, Duration.ofSeconds(30), pair.client.getSocketFactory(),
                    ProxySettings.NONE, toLoopback, new Redactor(List.of(KEY)), "test");
            Attempt ok = t.post(Endpoint.parse("https://hw.heartwatch.test:" + port + "/api/ping", KEY, "url"), BODY);
            assertTrue(ok.ok(), ok.detail());
            assertEquals(List.of("hw.heartwatch.test"), s.serverNames());
            assertTrue(s.heads().get(0).contains("Host: hw.heartwatch.test:" + port + "\n"), s.heads().get(0));

            Attempt wrong = t.post(Endpoint.parse("https://a.b.heartwatch.test:" + port + "/api/ping", KEY, "url"), BODY);
            assertEquals(Cause.TLS, wrong.cause(), wrong.detail());
            assertEquals(1, s.heads().size(), "nothing is sent to a host the certificate does not name");
        }
    }

    /** Server and client contexts for one certificate (the client trusts exactly it). */
    private record SSLContextPair(javax.net.ssl.SSLContext server, javax.net.ssl.SSLContext client) {
        SSLContextPair(TestCertificates c) throws Exception {
            this(c.serverContext(), c.clientContext());
        }
    }
}
