package dev.heartwatch.agent.send;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.AgentConfig;
import dev.heartwatch.agent.config.ConfigException;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.config.ProxySettings;
import dev.heartwatch.agent.config.ProxyUrl;
import dev.heartwatch.agent.support.AgentProcess;
import dev.heartwatch.agent.support.LoopbackConnectProxy;
import dev.heartwatch.agent.support.RawFaultServer;
import dev.heartwatch.agent.support.RecordingEndpoint;
import dev.heartwatch.agent.support.TestCertificates;
import dev.heartwatch.common.SecretRedactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


/** Beats through an HTTP proxy on loopback: the tunnel, credentials, refusals, and no_proxy. */
class ProxyTest {
    private static final Duration TIMEOUT = Duration.ofMillis(2000);
    private static final String KEY = "Sup3rS3cretKey-abc123";
    private static final String PASSWORD = "p@ss word";
    private static final String PASSWORD_IN_URL = "p%40ss%20word";
    private static final byte[] BODY = "{\"device\":\"behind-a-proxy\"}".getBytes(StandardCharsets.UTF_8);
    private static final String[] NO_ARGS = {};

    @TempDir
    static Path dir;
    static TestCertificates trusted;

    @BeforeAll
    static void certificates() throws Exception {
        trusted = TestCertificates.generate(dir, "trusted");
    }

    private static HttpTransport transport(ProxySettings proxies, ProxyUrl... withSecrets) throws Exception {
        List<String> secrets = new java.util.ArrayList<>(List.of(KEY));
        for (ProxyUrl p : withSecrets) {
            secrets.addAll(p.secrets());
        }
        return new HttpTransport(TIMEOUT, trusted.clientContext().getSocketFactory(), proxies,
                new SecretRedactor(secrets), "test");
    }

    /** Whether a request head holds this Proxy-Authorization (field names are case-insensitive). */
    private static boolean carries(String head, String authorization) {
        for (String line : head.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Proxy-Authorization")
                    && line.substring(colon + 1).strip().equals(authorization)) {
                return true;
            }
        }
        return false;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void httpsGoesThroughATunnelTheProxyCannotReadAndTheTunnelCarriesTheNextBeat() throws Exception {
        try (RecordingEndpoint endpoint = RecordingEndpoint.https(trusted.serverContext());
             LoopbackConnectProxy proxy = new LoopbackConnectProxy(null)) {
            ProxyUrl p = ProxyUrl.parse("http://127.0.0.1:" + proxy.port(), "proxy");
            HttpTransport t = transport(ProxySettings.of(p, null, null));
            Endpoint e = Endpoint.parse(endpoint.url(), KEY, "url");
            for (int i = 0; i < 2; i++) {
                Attempt a = t.post(e, BODY);
                assertTrue(a.ok(), a.detail());
            }
            int port = java.net.URI.create(endpoint.url()).getPort();
            assertEquals(1, proxy.heads().size(), "one tunnel, asked for once: " + proxy.heads());
            assertTrue(proxy.heads().get(0).startsWith("CONNECT 127.0.0.1:" + port + " HTTP/1.1\n"), proxy.heads().get(0));
            assertEquals(2, endpoint.received().size());
            assertEquals(KEY, endpoint.received().get(0).keyHeader());
            String seen = proxy.tunnelledText();
            assertTrue(seen.length() > BODY.length, "bytes went through the tunnel");
            assertFalse(seen.contains(KEY) || seen.contains("behind-a-proxy"), "the proxy saw plain text");
        }
    }

    @Test
    void proxyCredentialsFromTheUrlAreSentAndNeverShown() throws Exception {
        try (RecordingEndpoint endpoint = RecordingEndpoint.https(trusted.serverContext());
             LoopbackConnectProxy proxy = new LoopbackConnectProxy(basic("heart", PASSWORD))) {
            ProxyUrl good = ProxyUrl.parse("http://heart:" + PASSWORD_IN_URL + "@127.0.0.1:" + proxy.port(), "p");
            assertTrue(transport(ProxySettings.of(good, null, null), good)
                    .post(Endpoint.parse(endpoint.url(), KEY, "url"), BODY).ok());

            ProxyUrl bad = ProxyUrl.parse("http://heart:wrong-Secret@127.0.0.1:" + proxy.port(), "p");
            Attempt a = transport(ProxySettings.of(bad, null, null), bad)
                    .post(Endpoint.parse(endpoint.url(), KEY, "url"), BODY);
            assertEquals(Cause.UNKNOWN, a.cause(), a.detail());
            assertTrue(a.detail().contains("HTTP 407") && a.detail().contains("wants credentials"), a.detail());
            assertFalse(a.detail().contains("wrong-Secret"), a.detail());
            assertFalse(bad.toString().contains("wrong-Secret"), bad.toString());
            assertEquals(1, endpoint.received().size(), "only the beat with the right credentials arrived");
        }
    }

    /**
     * The agent's own process, as it runs at home: the JDK refuses Basic credentials for an
     * HTTPS tunnel unless jdk.http.auth.tunneling.disabledSchemes allows it, which the agent sets
     * before its first request (JdkHttpSettings). Without it this beat would fail with a 407.
     */
    @Test
    void theAgentSendsBasicProxyCredentialsThroughAnHttpsTunnel(@TempDir Path work) throws Exception {
        try (RecordingEndpoint endpoint = RecordingEndpoint.https(trusted.serverContext());
             LoopbackConnectProxy proxy = new LoopbackConnectProxy(basic("heart", PASSWORD))) {
            AgentProcess p = AgentProcess.start(work, Map.of("HEARTBEAT_URL", endpoint.url() + "?code=" + KEY,
                    "HEARTBEAT_DEVICE", "behind-a-proxy",
                    "https_proxy", "http://heart:" + PASSWORD_IN_URL + "@127.0.0.1:" + proxy.port()),
                    trusted.trustingJvmOptions(), "--once", "--verbose", "--ledger", "ledger", "--timeout", "PT5S");
            assertEquals(0, p.waitFor(30), p.output());
            assertEquals(1, endpoint.received().size());
            List<String> heads = proxy.heads();
            assertTrue(heads.get(heads.size() - 1).startsWith("CONNECT ")
                    && carries(heads.get(heads.size() - 1), basic("heart", PASSWORD)), heads.toString());
            assertFalse(p.output().contains(PASSWORD) || p.output().contains(PASSWORD_IN_URL) || p.output().contains(KEY),
                    p.output());
        }
    }

    @Test
    void aPlusInTheProxyPasswordIsAPlusNotASpace() throws Exception {
        // URL user-info is percent-encoded, not form-encoded: requests sends "a+b" as a+b.
        ProxyUrl p = ProxyUrl.parse("http://heart:a+b%2Bc%3Ad@127.0.0.1:3128", "proxy");
        assertEquals("heart", p.user());
        assertEquals("a+b+c:d", p.password());
        assertTrue(p.secrets().contains("a+b+c:d"), p.secrets().toString());
    }

    @Test
    void aProxyThatIsNotThereIsRefusedAndTheDetailSaysItWasTheProxy() throws Exception {
        ProxyUrl p = ProxyUrl.parse("127.0.0.1:" + RawFaultServer.refusingPort(), "proxy");
        try (RecordingEndpoint endpoint = RecordingEndpoint.https(trusted.serverContext())) {
            Attempt a = transport(ProxySettings.of(p, null, null)).post(Endpoint.parse(endpoint.url(), KEY, "url"), BODY);
            assertEquals(Cause.REFUSED, a.cause(), a.detail());
            assertTrue(a.detail().contains("via proxy " + p.label), a.detail());
            assertTrue(endpoint.received().isEmpty());
        }
    }

    @Test
    void plainHttpGoesToTheProxyInAbsoluteFormWithItsCredentials() throws Exception {
        try (LoopbackConnectProxy proxy = new LoopbackConnectProxy(basic("heart", PASSWORD))) {
            ProxyUrl p = ProxyUrl.parse("http://heart:" + PASSWORD_IN_URL + "@127.0.0.1:" + proxy.port(), "p");
            // Port 9 has nothing listening: only the proxy can have answered.
            Attempt a = transport(ProxySettings.of(null, p, null), p)
                    .post(Endpoint.parse("http://127.0.0.1:9/api/ping?x=1", KEY, "url"), BODY);
            assertTrue(a.ok(), a.detail());
            List<String> heads = proxy.heads();
            String head = heads.get(heads.size() - 1); // the JDK answers the proxy's 407 with the credentials
            assertTrue(head.startsWith("POST http://127.0.0.1:9/api/ping?x=1 HTTP/1.1\n"), head);
            assertTrue(head.contains("\nHost: 127.0.0.1:9\n"), head);
            assertTrue(carries(head, basic("heart", PASSWORD)), head);
        }
    }

    @Test
    void noProxyHostsAreReachedDirectly() throws Exception {
        try (RecordingEndpoint endpoint = RecordingEndpoint.https(trusted.serverContext());
             LoopbackConnectProxy proxy = new LoopbackConnectProxy(null)) {
            ProxyUrl p = ProxyUrl.parse("http://127.0.0.1:" + proxy.port(), "proxy");
            Attempt a = transport(ProxySettings.of(p, p, "localhost, 127.0.0.0/8"))
                    .post(Endpoint.parse(endpoint.url(), KEY, "url"), BODY);
            assertTrue(a.ok(), a.detail());
            assertTrue(proxy.heads().isEmpty(), "the proxy was used: " + proxy.heads());
            assertEquals(1, endpoint.received().size());
        }
    }

    @Test
    void noProxyMatchesHostsDomainsAddressesAndBlocksAsCurlDoes() throws Exception {
        ProxyUrl p = ProxyUrl.parse("proxy.heartwatch.test:3128", "proxy");
        ProxySettings s = ProxySettings.of(p, p, ".corp.heartwatch.test, heartwatch.example,10.0.0.0/8 192.168.1.7 ::1");
        assertNull(s.forTarget(true, "api.corp.heartwatch.test"));
        assertNull(s.forTarget(true, "corp.heartwatch.test"));
        assertNull(s.forTarget(true, "HEARTWATCH.example."));
        assertNull(s.forTarget(true, "a.b.heartwatch.example"));
        assertNull(s.forTarget(false, "10.200.3.4"));
        assertNull(s.forTarget(true, "192.168.1.7"));
        assertNull(s.forTarget(true, "[::1]"));
        assertSame(p, s.forTarget(true, "notheartwatch.example"));
        assertSame(p, s.forTarget(true, "hw.azurewebsites.net"));
        assertSame(p, s.forTarget(true, "11.0.0.1"));
        assertSame(p, s.forTarget(true, "192.168.1.8"));
        assertNull(ProxySettings.of(p, p, "*").forTarget(true, "hw.azurewebsites.net"));
        ProxySettings ports = ProxySettings.of(p, p, "local.heartwatch.test:7071, [::1]:8443, 10.0.0.5:80");
        assertNull(ports.forTarget(false, "local.heartwatch.test", 7071));
        assertSame(p, ports.forTarget(false, "local.heartwatch.test", 7072), "another port is not exempt");
        assertSame(p, ports.forTarget(false, "local.heartwatch.test"), "port unknown: a port's exception does not apply");
        assertNull(ports.forTarget(true, "[::1]", 8443));
        assertSame(p, ports.forTarget(true, "[::1]", 443));
        assertNull(ports.forTarget(false, "10.0.0.5", 80));
        assertNull(ProxySettings.of(null, p, null).forTarget(true, "hw.azurewebsites.net"), "https_proxy unset");
        assertEquals(3128, p.port);
        assertEquals("http://proxy.heartwatch.test:3128", p.label);
    }

    @Test
    void theConfigurationReadsTheConventionalVariablesInOrder(@TempDir Path work) throws Exception {
        Path dotEnv = work.resolve(".env");
        Files.writeString(dotEnv, "HEARTBEAT_URL=https://hw.azurewebsites.net/api/ping\nHEARTBEAT_DEVICE=d\n"
                + "HTTPS_PROXY=http://from-dotenv.heartwatch.test:1\n");
        AgentConfig fromDotEnv = AgentConfig.from(NO_ARGS, Map.of(), dotEnv);
        assertEquals("from-dotenv.heartwatch.test", fromDotEnv.proxies().https().host);
        assertNull(fromDotEnv.proxies().http());

        AgentConfig envWins = AgentConfig.from(NO_ARGS, Map.of("HTTPS_PROXY", "http://upper.heartwatch.test:2",
                "https_proxy", "http://lower.heartwatch.test:3", "no_proxy", "a.test"), dotEnv);
        assertEquals("lower.heartwatch.test", envWins.proxies().https().host);
        assertEquals(List.of("a.test"), envWins.proxies().noProxy());

        AgentConfig flagWins = AgentConfig.from(new String[] {"--proxy", "http://u:" + PASSWORD_IN_URL
                + "@flag.heartwatch.test:4", "--no-proxy", "b.test"}, Map.of("https_proxy", "http://x.test:3"), dotEnv);
        assertEquals("flag.heartwatch.test", flagWins.proxies().https().host);
        assertEquals("flag.heartwatch.test", flagWins.proxies().http().host);
        assertEquals(List.of("b.test"), flagWins.proxies().noProxy());
        assertTrue(flagWins.toString().contains("proxy=http://flag.heartwatch.test:4"), flagWins.toString());
        assertFalse(flagWins.toString().contains("p%40ss") || flagWins.toString().contains("p@ss"), flagWins.toString());
        assertTrue(flagWins.secrets().contains(PASSWORD), "the password is redacted from everything the agent prints");
        assertTrue(flagWins.secrets().contains(PASSWORD_IN_URL));
    }

    @Test
    void aProxyUrlTheAgentCannotUseIsAClearConfigurationError() {
        for (String bad : new String[] {"socks5://127.0.0.1:1080", "https://proxy.heartwatch.test:443",
            "http://proxy.heartwatch.test:3128/some/path", "http://:3128", "http://proxy.heartwatch.test:65536", "http://u:s3cretPart@bad host:1"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.from(NO_ARGS,
                    Map.of("HEARTBEAT_URL", "https://hw.azurewebsites.net/", "HEARTBEAT_DEVICE", "d",
                            "https_proxy", bad), null), bad);
            assertTrue(e.getMessage().contains("proxy"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cretPart"), e.getMessage());
        }
    }
}
