package dev.heartwatch.function.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens of the function app's managed identity from the App Service / Azure Functions identity
 * endpoint, cached per scope until {@link #EARLY} before they expire. The identity is the
 * user-assigned one the app's storage connection already names ({@code AzureWebJobsStorage__clientId}),
 * asked for by {@code client_id}; without it, the app's system-assigned identity.
 *
 * <p>The protocol ("Use managed identities for App Service and Azure Functions", section "REST
 * endpoint reference", learn.microsoft.com/azure/app-service/overview-managed-identity): the
 * platform sets {@value #ENDPOINT_VARIABLE} (a local URL) and {@value #HEADER_VARIABLE} (a secret
 * that changes with the host); {@code GET {endpoint}?resource={audience}&api-version=2019-08-01
 * [&client_id={id}]} with the secret in {@code X-IDENTITY-HEADER} answers 200
 * {@code {"access_token","expires_on","resource","token_type","client_id"}}, {@code expires_on}
 * in seconds since the epoch; an error answers 4xx/5xx.
 *
 * <p>Its own small HTTP call rather than azure-identity's {@code ManagedIdentityCredential}:
 * that credential (1.19, through MSAL) reads the two variables from the process environment
 * itself and keeps tokens in a process-wide cache on the system clock, so neither the endpoint
 * nor the time could be given to it in a test. An error never shows the token, the secret or
 * the endpoint's body (which may echo the request).
 */
public final class ManagedIdentityTokens implements TokenSource {
    public static final String ENDPOINT_VARIABLE = "IDENTITY_ENDPOINT";
    public static final String HEADER_VARIABLE = "IDENTITY_HEADER";
    static final String API_VERSION = "2019-08-01";
    /** A token is renewed this long before it expires: no request goes out with one about to lapse. */
    static final Duration EARLY = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String secret;
    private final String clientId;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, Token> cache = new ConcurrentHashMap<>();

    record Token(String value, Instant expiresAt) {
    }

    /**
     * @param endpoint the platform's {@value #ENDPOINT_VARIABLE}
     * @param secret   the platform's {@value #HEADER_VARIABLE}
     * @param clientId the user-assigned identity's client id, or null/blank for the system-assigned one
     */
    public ManagedIdentityTokens(URI endpoint, String secret, String clientId, HttpClient http, Clock clock, Duration timeout) {
        if (endpoint == null || !endpoint.isAbsolute()) {
            throw new IllegalArgumentException(ENDPOINT_VARIABLE + " is not set to a URL: the managed identity is not enabled on this app");
        }
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException(HEADER_VARIABLE + " is not set: the managed identity is not enabled on this app");
        }
        this.endpoint = endpoint;
        this.secret = secret;
        this.clientId = clientId == null || clientId.isBlank() ? null : clientId.strip();
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** From the settings the platform and the app define ({@value #ENDPOINT_VARIABLE}, {@value #HEADER_VARIABLE}, the client id). */
    public static ManagedIdentityTokens fromSettings(Map<String, String> settings, Clock clock) {
        String endpoint = settings.get(ENDPOINT_VARIABLE);
        URI uri;
        try {
            uri = endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENDPOINT_VARIABLE + " is not a URL");
        }
        return new ManagedIdentityTokens(uri, settings.get(HEADER_VARIABLE), settings.get(NotifyConfig.IDENTITY_CLIENT_ID),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), clock, Duration.ofSeconds(10));
    }

    @Override
    public String token(String scope) {
        Token t = cache.get(scope);
        if (t == null || !clock.instant().plus(EARLY).isBefore(t.expiresAt())) {
            t = fetch(scope);
            cache.put(scope, t);
        }
        return t.value();
    }

    /** {@code https://api.loganalytics.io/.default} asks for the resource {@code https://api.loganalytics.io}. */
    static String resource(String scope) {
        return scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length()) : scope;
    }

    private Token fetch(String scope) {
        String resource = resource(scope);
        StringBuilder q = new StringBuilder();
        q.append("resource=").append(URLEncoder.encode(resource, StandardCharsets.UTF_8));
        q.append("&api-version=").append(API_VERSION);
        if (clientId != null) {
            q.append("&client_id=").append(URLEncoder.encode(clientId, StandardCharsets.UTF_8));
        }
        String base = endpoint.toString();
        URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + q);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("X-IDENTITY-HEADER", secret).GET().build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new TokenUnavailable("the managed identity endpoint did not answer within " + timeout + " for " + resource);
        } catch (IOException e) {
            throw new TokenUnavailable("the managed identity endpoint could not be reached for " + resource
                    + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenUnavailable("interrupted while asking the managed identity endpoint for " + resource);
        }
        if (answer.statusCode() != 200) {
            // The body is not shown: it is the platform's, and may echo what was asked.
            throw new TokenUnavailable("the managed identity endpoint answered HTTP " + answer.statusCode() + " for " + resource
                    + (clientId == null ? " (system-assigned identity)" : " (identity " + clientId + ")"));
        }
        return parse(answer.body(), resource);
    }

    private Token parse(byte[] body, String resource) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        String token = root == null ? null : root.path("access_token").asText(null);
        JsonNode expires = root == null ? null : root.path("expires_on");
        String expiresText = expires == null || expires.isMissingNode() || expires.isNull() ? null : expires.asText();
        if (token == null || token.isBlank() || expiresText == null || !expiresText.matches("[0-9]{1,12}")) {
            throw new TokenUnavailable("the managed identity endpoint's answer for " + resource
                    + " is not a token (expected JSON with access_token and expires_on in epoch seconds)");
        }
        return new Token(token, Instant.ofEpochSecond(Long.parseLong(expiresText)));
    }

    /** No token: the reason is ours (a status, a class name), never the token nor the identity header. */
    public static final class TokenUnavailable extends RuntimeException {
        TokenUnavailable(String reason) {
            super(reason, null, false, false);
        }
    }
}
