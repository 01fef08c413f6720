package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartwatch.common.SecretRedactor;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * One HTTP exchange of a channel: bounded by the channel's timeout from connect to the last byte
 * kept of the answer, redirects never followed (a 3xx is a misconfigured URL), TLS and
 * certificate checks left to the JDK. Every reason it gives is ours (a status, an exception's
 * class, never its message: that may carry the URL and a token in it) and is passed through the
 * channel's {@link SecretRedactor} as well, so no error shows a secret.
 */
public final class ChannelHttp {
    /** How long one attempt may take, connect to answer, unless the channel is given another. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The most of an answer's body a channel reads. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;
    private final SecretRedactor redactor;

    /**
     * @param tls     the trust the receiver's certificate is checked against (the JDK's default in
     *                production, a test CA in tests)
     * @param secrets the channel's tokens and secret URLs: removed from any reason it gives
     */
    public ChannelHttp(SSLContext tls, Duration timeout, Clock clock, List<String> secrets) {
        this.timeout = timeout;
        this.clock = clock;
        this.redactor = new SecretRedactor(secrets);
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The JDK's own trust store: what a production channel uses. */
    public static ChannelHttp platform(Duration timeout, Clock clock, List<String> secrets) {
        try {
            return new ChannelHttp(SSLContext.getDefault(), timeout, clock, secrets);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    /** What the receiver answered: its status, headers and the head of its body. */
    public record Answer(int status, HttpHeaders headers, String body, Instant at) {
        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The receiver's {@code Retry-After}, if it gave a usable one. */
        public Optional<Duration> retryAfter() {
            return RetryAfter.parse(header("Retry-After").orElse(null), at);
        }

        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A request to {@code uri} with this channel's timeout for the answer's head. */
    public HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    /** A JSON POST of {@code body} to {@code uri}. */
    public HttpRequest.Builder postJson(URI uri, JsonNode body) {
        return request(uri).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Sends {@code request} once and lets {@code read} judge the answer; a timeout, a refused
     * connection or any other transport failure is "retry later".
     */
    public DeliveryResult exchange(HttpRequest request, Function<Answer, DeliveryResult> read) {
        return exchange(request, read, MAX_ANSWER_BYTES);
    }

    /** The same keeping up to {@code maxAnswerBytes} of the body (a listing the channel must read whole). */
    public DeliveryResult exchange(HttpRequest request, Function<Answer, DeliveryResult> read, int maxAnswerBytes) {
        CompletableFuture<Answer> answer = client.sendAsync(request, CappedBody.handler(maxAnswerBytes))
                .thenApply(r -> new Answer(r.statusCode(), r.headers(), r.body(), clock.instant()));
        return redacted(BoundedAttempt.await(answer, timeout, read, this::failure));
    }

    /**
     * Issue 15's reading of a status: 2xx delivered; 401 and 403 a refused credential, permanent
     * (reported once, never retried for ever); 408, 429 and 5xx retry, after the receiver's
     * {@code Retry-After}; any other status permanent.
     */
    public static DeliveryResult byStatus(Answer a) {
        if (a.status() == 401 || a.status() == 403) {
            return DeliveryResult.permanent("credential refused (HTTP " + a.status() + ")");
        }
        return DeliveryResult.ofHttpStatus(a.status(), a.retryAfter().orElse(null));
    }

    private DeliveryResult failure(Throwable cause) {
        if (cause instanceof HttpTimeoutException) {
            return DeliveryResult.retry("no answer within " + timeout);
        }
        if (cause instanceof ConnectException) {
            return DeliveryResult.retry("cannot connect");
        }
        if (cause instanceof SSLException) {
            return DeliveryResult.retry("TLS failed (" + cause.getClass().getSimpleName() + ")");
        }
        return DeliveryResult.retry(cause == null ? "failed" : cause.getClass().getSimpleName());
    }

    private DeliveryResult redacted(DeliveryResult r) {
        if (r instanceof DeliveryResult.RetryLater later) {
            return new DeliveryResult.RetryLater(later.after(), redactor.redact(later.reason()));
        }
        if (r instanceof DeliveryResult.Permanent p) {
            return DeliveryResult.permanent(redactor.redact(p.reason()));
        }
        return r;
    }
}
