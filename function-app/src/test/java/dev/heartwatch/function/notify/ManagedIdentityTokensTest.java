package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.MutableClock;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ManagedIdentityTokens} against a loopback identity endpoint that answers as App Service's
 * does ("Use managed identities for App Service and Azure Functions", "REST endpoint reference",
 * learn.microsoft.com/azure/app-service/overview-managed-identity): {@code GET
 * IDENTITY_ENDPOINT?resource=..&api-version=2019-08-01[&client_id=..]} with {@code
 * X-IDENTITY-HEADER}, answered {@code {"access_token","expires_on","resource","token_type","client_id"}},
 * {@code expires_on} in epoch seconds as a string. Plain HTTP, as the platform's endpoint is
 * ({@code http://localhost:<port>/msi/token}).
 */
class ManagedIdentityTokensTest {
    static final String SECRET = "identity-header-secret-5a1f0c2e-0000-4000-8000-0000000000cc";
    static final String CLIENT_ID = "7d9e1a2b-0000-4000-8000-0000000000c1";
    static final String LOGS_SCOPE = "https://api.loganalytics.io/.default";
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    HttpServer server;
    final List<Map<String, String>> queries = new ArrayList<>();
    final List<String> headers = new ArrayList<>();
    final List<String> paths = new ArrayList<>();
    /** What the endpoint answers next (status, body); when empty, a fresh token valid for an hour from {@link #NOW}. */
    final Deque<Object[]> answers = new ArrayDeque<>();
    int issued;
    final MutableClock clock = new MutableClock(NOW);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/msi/token", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String header = ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER");
            int status;
            String body;
            synchronized (this) {
                queries.add(q);
                headers.add(header);
                paths.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
                Object[] next = answers.poll();
                if (!SECRET.equals(header)) {
                    status = 400;
                    body = "{\"statusCode\":400,\"message\":\"No X-IDENTITY-HEADER or wrong value\"}";
                } else if (next != null) {
                    status = (Integer) next[0];
                    body = (String) next[1];
                } else {
                    issued++;
                    status = 200;
                    body = token("eyJ0eXAiOiJKV1QiLCJ0b2tlbiI6" + issued, NOW.plus(Duration.ofHours(1)).plus(Duration.ofHours(issued - 1)),
                            q.get("resource"), q.get("client_id"));
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static String token(String value, Instant expiresOn, String resource, String clientId) {
        return "{\"access_token\":\"" + value + "\",\"expires_on\":\"" + expiresOn.getEpochSecond() + "\",\"resource\":\""
                + resource + "\",\"token_type\":\"Bearer\",\"client_id\":\"" + (clientId == null ? "0000-system" : clientId) + "\"}";
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token");
    }

    ManagedIdentityTokens tokens(String clientId) {
        return ManagedIdentityTokens.fromSettings(settings(clientId), clock);
    }

    Map<String, String> settings(String clientId) {
        Map<String, String> s = new HashMap<>();
        s.put(ManagedIdentityTokens.ENDPOINT_VARIABLE, endpoint().toString());
        s.put(ManagedIdentityTokens.HEADER_VARIABLE, SECRET);
        if (clientId != null) {
            s.put(NotifyConfig.IDENTITY_CLIENT_ID, clientId);
        }
        return s;
    }

    @Test
    void theRequestNamesTheResourceTheApiVersionTheUserAssignedIdentityAndCarriesTheHeader() {
        String t = tokens(CLIENT_ID).token(LOGS_SCOPE);
        assertEquals("eyJ0eXAiOiJKV1QiLCJ0b2tlbiI6" + 1, t);
        assertEquals(List.of("GET /msi/token"), paths);
        Map<String, String> q = queries.get(0);
        assertEquals("https://api.loganalytics.io", q.get("resource"), "the scope's resource, without /.default");
        assertEquals("2019-08-01", q.get("api-version"));
        assertEquals(CLIENT_ID, q.get("client_id"));
        assertEquals(3, q.size(), q.toString());
        assertEquals(SECRET, headers.get(0));
    }

    @Test
    void withoutAClientIdTheSystemAssignedIdentityIsAskedFor() {
        tokens(null).token("https://storage.azure.com/.default");
        assertEquals("https://storage.azure.com", queries.get(0).get("resource"));
        assertNull(queries.get(0).get("client_id"));
    }

    @Test
    void aTokenIsCachedPerScopeUntilFiveMinutesBeforeItExpiresThenRenewed() {
        ManagedIdentityTokens tokens = tokens(CLIENT_ID);
        String first = tokens.token(LOGS_SCOPE); // expires at NOW + 1 h
        clock.set(NOW.plus(Duration.ofMinutes(54)).plusSeconds(59));
        assertEquals(first, tokens.token(LOGS_SCOPE));
        assertEquals(1, queries.size(), "cached: still more than five minutes to go");

        String storage = tokens.token("https://storage.azure.com/.default");
        assertEquals(2, queries.size(), "another scope is another token");
        assertFalse(storage.equals(first));

        clock.set(NOW.plus(Duration.ofMinutes(55)));
        String renewed = tokens.token(LOGS_SCOPE);
        assertEquals(3, queries.size(), "renewed five minutes before it expires");
        assertFalse(renewed.equals(first));
        assertEquals(renewed, tokens.token(LOGS_SCOPE));
        assertEquals(3, queries.size());
    }

    @Test
    void anErrorAnswerIsAClearExceptionWithoutTheSecretNorTheBody() {
        for (int status : new int[] {400, 404, 500, 503}) {
            answers.add(new Object[] {status, "{\"statusCode\":" + status + ",\"message\":\"echo " + SECRET + "\"}"});
            ManagedIdentityTokens tokens = tokens(CLIENT_ID);
            ManagedIdentityTokens.TokenUnavailable e = assertThrows(ManagedIdentityTokens.TokenUnavailable.class,
                    () -> tokens.token(LOGS_SCOPE));
            assertTrue(e.getMessage().contains("answered HTTP " + status + " for https://api.loganalytics.io"), e.getMessage());
            assertTrue(e.getMessage().contains(CLIENT_ID), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
            assertFalse(e.getMessage().contains("echo"), e.getMessage());
        }
        // An error is not cached: the next call asks again and gets its token.
        ManagedIdentityTokens tokens = tokens(CLIENT_ID);
        answers.add(new Object[] {500, "{}"});
        assertThrows(ManagedIdentityTokens.TokenUnavailable.class, () -> tokens.token(LOGS_SCOPE));
        assertEquals("eyJ0eXAiOiJKV1QiLCJ0b2tlbiI6" + 1, tokens.token(LOGS_SCOPE));
    }

    @Test
    void aWrongSecretIsRefusedByTheEndpointAndTheMessageDoesNotCarryEitherSecret() {
        Map<String, String> s = settings(CLIENT_ID);
        s.put(ManagedIdentityTokens.HEADER_VARIABLE, "stale-header-value-from-a-previous-host");
        ManagedIdentityTokens tokens = ManagedIdentityTokens.fromSettings(s, clock);
        ManagedIdentityTokens.TokenUnavailable e = assertThrows(ManagedIdentityTokens.TokenUnavailable.class,
                () -> tokens.token(LOGS_SCOPE));
        assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
        assertFalse(e.getMessage().contains("stale-header-value"), e.getMessage());
    }

    @Test
    void aMalformedBodyIsNotATokenAndSaysWhatWasExpected() {
        String[] bodies = {
            "<html>gateway</html>",
            "{\"token_type\":\"Bearer\",\"expires_on\":\"1796119200\"}",
            "{\"access_token\":\"eyJ0eXAiOiJKV1Qi-secret-token-value\",\"token_type\":\"Bearer\"}",
            "{\"access_token\":\"eyJ0eXAiOiJKV1Qi-secret-token-value\",\"expires_on\":\"12/01/2026 11:00:00 +00:00\"}",
            "",
        };
        for (String body : bodies) {
            answers.add(new Object[] {200, body});
            ManagedIdentityTokens tokens = tokens(CLIENT_ID);
            ManagedIdentityTokens.TokenUnavailable e = assertThrows(ManagedIdentityTokens.TokenUnavailable.class,
                    () -> tokens.token(LOGS_SCOPE), body);
            assertTrue(e.getMessage().contains("is not a token"), e.getMessage());
            assertFalse(e.getMessage().contains("secret-token-value"), e.getMessage());
        }
    }

    @Test
    void anUnreachableEndpointIsAClearException() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again before the call: nothing listens there
        }
        ManagedIdentityTokens tokens = new ManagedIdentityTokens(URI.create("http://127.0.0.1:" + port + "/msi/token"), SECRET, null,
                HttpClient.newHttpClient(), clock, Duration.ofSeconds(2));
        ManagedIdentityTokens.TokenUnavailable e = assertThrows(ManagedIdentityTokens.TokenUnavailable.class,
                () -> tokens.token(LOGS_SCOPE));
        assertTrue(e.getMessage().contains("could not be reached for https://api.loganalytics.io"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void withoutTheManagedIdentityTheSettingsAreNamed() {
        Map<String, String> noEndpoint = settings(CLIENT_ID);
        noEndpoint.remove(ManagedIdentityTokens.ENDPOINT_VARIABLE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ManagedIdentityTokens.fromSettings(noEndpoint, clock));
        assertTrue(e.getMessage().contains("IDENTITY_ENDPOINT is not set"), e.getMessage());
        Map<String, String> noHeader = settings(CLIENT_ID);
        noHeader.remove(ManagedIdentityTokens.HEADER_VARIABLE);
        e = assertThrows(IllegalArgumentException.class, () -> ManagedIdentityTokens.fromSettings(noHeader, clock));
        assertTrue(e.getMessage().contains("IDENTITY_HEADER is not set"), e.getMessage());
    }

    /** A clock the test moves. */
}
