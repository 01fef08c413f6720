package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.CheckDefinition;
import dev.heartwatch.agent.support.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http check against an HTTPS server on loopback with a test CA, as the check line configures it. */
class HttpProbeTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static HttpsServer server;
    private static final List<String> authorizations = new CopyOnWriteArrayList<>();
    private static final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate(dir, "web", "ip:127.0.0.1", 30);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/ok", x -> reply(x, 200, "all good here"));
        server.createContext("/fail", x -> reply(x, 503, "down for maintenance"));
        server.createContext("/here", x -> redirect(x, "/ok"));
        server.createContext("/away", x -> redirect(x, "https://localhost:" + port() + "/ok"));
        server.createContext("/down", x -> redirect(x, "http://127.0.0.1:" + port() + "/ok"));
        server.createContext("/loop", x -> redirect(x, "/loop"));
        server.createContext("/big", x -> {
            x.sendResponseHeaders(200, 0); // chunked, endless until the check stops reading
            byte[] chunk = new byte[8192];
            try {
                for (int i = 0; i < 10_000; i++) {
                    x.getResponseBody().write(chunk);
                }
            } catch (IOException e) {
                // the check stopped reading at 64 KiB
            }
            x.close();
        });
        server.createContext("/hang", x -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(x, 200, "too late");
        });
        server.createContext("/auth", x -> {
            String a = x.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(a));
            reply(x, "Basic YWRtaW46cEBzcw==".equals(a) ? 200 : 401, "");
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        timer.shutdownNow();
    }

    private static int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
        x.close();
    }

    private static void redirect(HttpExchange x, String location) throws IOException {
        x.getResponseHeaders().set("Location", location);
        reply(x, 302, "");
    }

    private static ProbeResult check(String options) throws Exception {
        return check("https://127.0.0.1:" + port(), options, 3000);
    }

    private static ProbeResult check(String base, String options, long timeoutMs) throws Exception {
        Check c = CheckLine.parse(new CheckDefinition("web", "test", "http " + base + " " + options
                + " ca " + certs.pem()), CheckConfigTest.DEFAULTS);
        return c.probe().run(new Deadline(System.nanoTime() + timeoutMs * 1_000_000, timer));
    }

    @Test
    void anExpectedStatusPasses() throws Exception {
        ProbeResult r = check("https://127.0.0.1:" + port() + "/ok", "", 3000);
        assertTrue(r.passed(), r.toString());
        assertEquals("HTTP 200", r.text());
    }

    @Test
    void anotherStatusFailsWithHttpStatus() throws Exception {
        ProbeResult r = check("https://127.0.0.1:" + port() + "/fail", "", 3000);
        assertEquals(Cause.HTTP_STATUS, r.cause(), r.toString());
        assertTrue(r.text().contains("HTTP 503"), r.text());
        assertTrue(check("https://127.0.0.1:" + port() + "/fail", "status 503", 3000).passed(), "503 when 503 is expected");
    }

    @Test
    void theBodyMustHoldTheExpectedText() throws Exception {
        assertTrue(check("https://127.0.0.1:" + port() + "/ok", "body \"good here\"", 3000).passed());
        assertEquals(Cause.BODY_MISMATCH, check("https://127.0.0.1:" + port() + "/ok", "body missing", 3000).cause());
    }

    @Test
    void aRedirectOnTheSameHostIsFollowedWhenA3xxIsNotExpected() throws Exception {
        ProbeResult r = check("https://127.0.0.1:" + port() + "/here", "status 200", 3000);
        assertTrue(r.passed(), r.toString());
        assertTrue(r.text().contains("after 1 redirect"), r.text());
    }

    @Test
    void anExpected3xxPassesAsItIsAndSaysWhereItPoints() throws Exception {
        ProbeResult r = check("https://127.0.0.1:" + port() + "/away", "", 3000);
        assertTrue(r.passed(), r.toString());
        assertTrue(r.text().contains("HTTP 302 to https://localhost:" + port() + "/ok (not followed)"), r.text());
    }

    @Test
    void aRedirectToAnotherHostIsNeverFollowed() throws Exception {
        ProbeResult r = check("https://127.0.0.1:" + port() + "/away", "status 200", 3000);
        assertEquals(Cause.REDIRECT, r.cause(), r.toString());
        assertTrue(r.text().contains("localhost") && r.text().contains("not followed"), r.text());
    }

    @Test
    void aRedirectFromHttpsDownToHttpIsNeverFollowed() throws Exception {
        assertEquals(Cause.REDIRECT, check("https://127.0.0.1:" + port() + "/down", "status 200", 3000).cause());
    }

    @Test
    void aRedirectLoopEndsAfterFiveHops() throws Exception {
        ProbeResult r = check("https://127.0.0.1:" + port() + "/loop", "status 200", 3000);
        assertEquals(Cause.REDIRECT, r.cause(), r.toString());
        assertTrue(r.text().contains("more than 5 redirects"), r.text());
    }

    @Test
    void anEndlessAnswerIsReadTo64KiBOnly() throws Exception {
        long t0 = System.nanoTime();
        ProbeResult r = check("https://127.0.0.1:" + port() + "/big", "body nothing-like-this", 3000);
        assertEquals(Cause.BODY_MISMATCH, r.cause(), r.toString());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2500, "stopped reading, did not wait for 80 MB");
    }

    @Test
    void anUntrustedCertificateFailsWithTls() throws Exception {
        // The JDK's own trust store: the test CA is not in it.
        Check c = CheckLine.parse(new CheckDefinition("web", "test", "http https://127.0.0.1:" + port() + "/ok"),
                CheckConfigTest.DEFAULTS);
        ProbeResult r = c.probe().run(new Deadline(System.nanoTime() + 3_000_000_000L, timer));
        assertEquals(Cause.TLS, r.cause(), r.toString());
    }

    @Test
    void aHungServerIsCutAtTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        ProbeResult r = check("https://127.0.0.1:" + port() + "/hang", "", 700);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
        assertTrue(ms < 2000, "cut at the timeout: " + ms + " ms");
    }

    @Test
    void credentialsInTheUrlGoAsBasicAuthAndNeverIntoTheResult() throws Exception {
        ProbeResult r = check("https://admin:p%40ss@127.0.0.1:" + port() + "/auth", "", 3000);
        assertTrue(r.passed(), r.toString());
        assertEquals("Basic YWRtaW46cEBzcw==", authorizations.get(authorizations.size() - 1));
        ProbeResult wrong = check("https://admin:nope@127.0.0.1:" + port() + "/auth?token=t0ps3cret", "", 3000);
        assertEquals(Cause.HTTP_STATUS, wrong.cause());
        assertFalse(wrong.text().contains("nope") || wrong.text().contains("admin") || wrong.text().contains("t0ps3cret"),
                wrong.text());
    }
}
