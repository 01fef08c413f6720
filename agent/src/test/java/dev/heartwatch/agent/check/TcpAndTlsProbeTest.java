package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.CheckDefinition;
import dev.heartwatch.agent.support.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcp against a loopback listener; tls against servers whose certificates expire in 2 and in 30 days. */
class TcpAndTlsProbeTest {
    @TempDir
    static Path dir;
    private static final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private static TestCertificates expiring;
    private static TestCertificates fresh;
    private static SSLServerSocket expiringServer;
    private static SSLServerSocket freshServer;
    private static ServerSocket silent;

    @BeforeAll
    static void start() throws Exception {
        expiring = TestCertificates.generate(dir, "expiring", "ip:127.0.0.1", 2);
        fresh = TestCertificates.generate(dir, "fresh", "ip:127.0.0.1", 30);
        expiringServer = tlsServer(expiring);
        freshServer = tlsServer(fresh);
        silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress()); // accepts (backlog), never speaks
    }

    private static SSLServerSocket tlsServer(TestCertificates c) throws Exception {
        SSLServerSocket s = (SSLServerSocket) c.serverContext().getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (SSLSocket peer = (SSLSocket) s.accept()) {
                    peer.startHandshake();
                } catch (IOException e) {
                    // a client that gave up, or the server closing
                }
            }
        }, "tls-" + s.getLocalPort());
        t.setDaemon(true);
        t.start();
        return s;
    }

    @AfterAll
    static void stop() throws IOException {
        expiringServer.close();
        freshServer.close();
        silent.close();
        timer.shutdownNow();
    }

    private static ProbeResult run(String line, long timeoutMs) throws Exception {
        Check c = CheckLine.parse(new CheckDefinition("c", "test", line), CheckConfigTest.DEFAULTS);
        return c.probe().run(new Deadline(System.nanoTime() + timeoutMs * 1_000_000, timer));
    }

    @Test
    void anOpenPortPasses() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            ProbeResult r = run("tcp 127.0.0.1:" + listener.getLocalPort(), 2000);
            assertTrue(r.passed(), r.toString());
            assertEquals("tcp open", r.text());
        }
    }

    @Test
    void aClosedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertEquals(Cause.REFUSED, run("tcp 127.0.0.1:" + port, 2000).cause());
    }

    @Test
    void aCertificateExpiringWithinMinDaysFailsWithTheDaysLeft() throws Exception {
        ProbeResult r = run("tls 127.0.0.1:" + expiringServer.getLocalPort() + " min-days 7 ca " + expiring.pem(), 3000);
        assertEquals(Cause.CERT_EXPIRING, r.cause(), r.toString());
        assertTrue(r.text().contains("in 1 days") && r.text().contains("min-days 7"), r.text());
    }

    @Test
    void aCertificateWithDaysToSparePassesWithTheDaysInTheNote() throws Exception {
        ProbeResult r = run("tls 127.0.0.1:" + freshServer.getLocalPort() + " min-days 7 ca " + fresh.pem(), 3000);
        assertTrue(r.passed(), r.toString());
        assertTrue(r.text().matches("certificate expires .*, in (29|30) days"), r.text());
    }

    @Test
    void aChainTheTrustStoreDoesNotAnchorFailsWithTls() throws Exception {
        // The 30-day server, checked against the other certificate only.
        ProbeResult r = run("tls 127.0.0.1:" + freshServer.getLocalPort() + " min-days 7 ca " + expiring.pem(), 3000);
        assertEquals(Cause.TLS, r.cause(), r.toString());
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeIsCutAtTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        ProbeResult r = run("tls 127.0.0.1:" + silent.getLocalPort() + " min-days 7 ca " + fresh.pem(), 600);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Cause.TIMEOUT, r.cause(), r.toString());
        assertTrue(ms < 1800, "cut at the timeout: " + ms + " ms");
    }

    @Test
    void aHostNameIsResolvedWithinTheTimeout() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Socket ignored = new Socket()) {
            assertTrue(run("tcp localhost:" + listener.getLocalPort(), 2000).passed());
        }
    }

    @Test
    void tcpAndTlsGoDirectWhateverProxyTheJvmIsGiven() throws Exception {
        // A JVM-wide selector that sends every socket to the silent listener as a SOCKS proxy.
        java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.net.ProxySelector before = java.net.ProxySelector.getDefault();
        java.net.ProxySelector.setDefault(new java.net.ProxySelector() {
            @Override
            public java.util.List<java.net.Proxy> select(java.net.URI uri) {
                asked.add(uri.toString());
                return java.util.List.of(new java.net.Proxy(java.net.Proxy.Type.SOCKS, silent.getLocalSocketAddress()));
            }

            @Override
            public void connectFailed(java.net.URI uri, java.net.SocketAddress sa, IOException e) {
            }
        });
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            ProbeResult tcp = run("tcp 127.0.0.1:" + listener.getLocalPort(), 1000);
            ProbeResult tls = run("tls 127.0.0.1:" + freshServer.getLocalPort() + " min-days 7 ca " + fresh.pem(), 3000);
            assertEquals(java.util.List.of(), asked, "no probe asks the proxy selector");
            assertTrue(tcp.passed(), tcp.toString());
            assertTrue(tls.passed(), tls.toString());
        } finally {
            java.net.ProxySelector.setDefault(before);
        }
    }
}
