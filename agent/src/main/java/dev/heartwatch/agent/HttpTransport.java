package dev.heartwatch.agent;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts a heartbeat with a small HTTP/1.1 client of its own on the JDK's sockets and TLS.
 * The agent sends one kind of request, so it needs little of a general client, and what it
 * avoids is measurable: {@code HttpURLConnection} cost about 1.3 ms of CPU per beat on a
 * kept-alive connection and a watchdog thread to bound a whole request; this exchange costs
 * about 0.6 ms and bounds itself (docs/agent.md, "Cost: the benchmark").
 *
 * <p>The key goes in the {@code x-functions-key} header, never in the URL; no redirect is
 * followed (it would carry the key elsewhere); a configured HTTP proxy is used as {@link
 * ProxySettings} says. The whole request, connect and
 * TLS handshake included, is bounded by the timeout: every blocking read waits only for what
 * is left of it. The connection is kept from one beat to the next for two intervals (or less,
 * if the server says so), which saves a TLS handshake per beat.
 */
final class HttpTransport implements Transport {
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final long timeoutNanos;
    private final long keepIdleNanos;
    private final SSLSocketFactory tlsFactory;
    private SSLSocketFactory tls;
    private final Redactor redactor;
    private final String userAgent;
    private final ProxySettings proxies;
    private final BoundedResolver resolver;
    private final Map<Endpoint, Target> targets = new HashMap<>();

    /**
     * @param keepIdle how long a connection may stay idle and still carry the next beat
     * @param tls      null for the JDK's default trust store; tests inject their own CA here
     */
    HttpTransport(Duration timeout, Duration keepIdle, SSLSocketFactory tls, ProxySettings proxies,
                  Redactor redactor, String version) {
        this(timeout, keepIdle, tls, proxies, BoundedResolver.SYSTEM, redactor, version);
    }

    /** @param resolver name lookups; tests stand in for the system resolver here */
    HttpTransport(Duration timeout, Duration keepIdle, SSLSocketFactory tls, ProxySettings proxies,
                  BoundedResolver resolver, Redactor redactor, String version) {
        this.resolver = resolver;
        this.timeoutNanos = timeout.toNanos();
        this.keepIdleNanos = keepIdle.toNanos();
        this.tlsFactory = tls;
        this.proxies = proxies;
        this.redactor = redactor;
        this.userAgent = "heartwatch-agent/" + version;
    }

    /**
     * One beat's request, bounded by the timeout as a whole. A kept-alive connection can die
     * under the request (the server dropped it as idle just as the beat went out): that reads
     * as a reset, so a reset is tried once more, on a fresh connection, within the same
     * deadline. A server that really resets resets twice and the beat fails as before.
     */
    @Override
    public synchronized Attempt post(Endpoint endpoint, byte[] body) {
        long end = System.nanoTime() + timeoutNanos;
        Target target = targets.computeIfAbsent(endpoint, e -> new Target(e, userAgent, proxies));
        Attempt a = exchange(target, body, end);
        if (a.cause() == Cause.RESET && end - System.nanoTime() > 0) {
            a = exchange(target, body, end);
        }
        return a;
    }

    private Attempt exchange(Target target, byte[] body, long end) {
        Endpoint endpoint = target.endpoint;
        FailureCauses.Phase phase = FailureCauses.Phase.CONNECT;
        HttpConnection c = target.idle;
        target.idle = null;
        try {
            if (c != null && !c.usable(System.nanoTime())) {
                c.close();
                c = null;
            }
            if (c == null) {
                c = HttpConnection.open(target.host, target.port, target.https ? tlsSockets() : null, target.proxy,
                        resolver, end);
            }
            phase = FailureCauses.Phase.EXCHANGE;
            HttpAnswer answer = c.exchange(target.request(body), end, MAX_ANSWER_BYTES);
            if (answer.reusable()) {
                long limit = keepIdleNanos;
                if (answer.keepAliveSeconds() >= 0) {
                    // saturates: an absurd timeout= must not overflow into a failed beat
                    limit = Math.min(limit, TimeUnit.SECONDS.toNanos(answer.keepAliveSeconds()));
                }
                c.idle(System.nanoTime(), limit);
                target.idle = c;
            } else {
                c.close();
            }
            return Attempt.answered(endpoint, answer.status());
        } catch (IOException e) {
            if (c != null) {
                c.close();
            }
            boolean passed = end - System.nanoTime() <= 0;
            Cause cause = FailureCauses.classify(e, phase, passed);
            String detail = FailureCauses.describe(cause, e, endpoint);
            if (target.proxy != null && phase == FailureCauses.Phase.CONNECT && !(e instanceof ProxyRefusedException)) {
                detail += " (via proxy " + target.proxy.label + ")";
            }
            return new Attempt(endpoint, 0, cause, redactor.redact(detail));
        } catch (RuntimeException e) {
            // e.g. a TLS provider refusing its configuration: a failed beat, never a dead agent
            if (c != null) {
                c.close();
            }
            return new Attempt(endpoint, 0, Cause.UNKNOWN,
                    redactor.redact("request failed (" + endpoint.label() + ") " + e.getClass().getSimpleName()));
        }
    }

    /** Made on first HTTPS use: a plain-HTTP agent never pays for loading the trust store. */
    private SSLSocketFactory tlsSockets() {
        if (tls == null) {
            tls = tlsFactory != null ? tlsFactory : (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        return tls;
    }

    /** Where one endpoint's requests go, its request head made once, and its idle connection. */
    private static final class Target {
        final Endpoint endpoint;
        final String host;
        final int port;
        final boolean https;
        final HttpProxy proxy;
        final byte[] headBeforeLength;
        final byte[] headAfterLength;
        HttpConnection idle;

        Target(Endpoint endpoint, String userAgent, ProxySettings proxies) {
            this.endpoint = endpoint;
            URI uri = endpoint.target();
            this.https = uri.getScheme().equalsIgnoreCase("https");
            String h = uri.getHost();
            this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
            this.port = uri.getPort() >= 0 ? uri.getPort() : (https ? 443 : 80);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            this.proxy = proxies.forTarget(https, host, port);
            // Through a proxy, plain HTTP names the whole URL (RFC 9112 §3.2.2); HTTPS goes through a tunnel.
            String target = proxy != null && !https ? "http://" + uri.getRawAuthority() + path + query : path + query;
            StringBuilder head = new StringBuilder(256)
                    .append("POST ").append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getRawAuthority()).append("\r\n")
                    .append("User-Agent: ").append(userAgent).append("\r\n")
                    .append("Content-Type: application/json\r\n");
            if (proxy != null && !https && !proxy.authorization.isEmpty()) {
                head.append("Proxy-Authorization: ").append(proxy.authorization).append("\r\n");
            }
            if (!endpoint.key().isEmpty()) {
                head.append("x-functions-key: ").append(endpoint.key()).append("\r\n");
            }
            head.append("Content-Length: ");
            this.headBeforeLength = head.toString().getBytes(StandardCharsets.UTF_8);
            this.headAfterLength = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        }

        /** The whole request: head and body, in one buffer so it goes out in one write (one TLS record). */
        byte[] request(byte[] body) {
            byte[] length = Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII);
            byte[] r = new byte[headBeforeLength.length + length.length + headAfterLength.length + body.length];
            int at = 0;
            System.arraycopy(headBeforeLength, 0, r, at, headBeforeLength.length);
            at += headBeforeLength.length;
            System.arraycopy(length, 0, r, at, length.length);
            at += length.length;
            System.arraycopy(headAfterLength, 0, r, at, headAfterLength.length);
            at += headAfterLength.length;
            System.arraycopy(body, 0, r, at, body.length);
            return r;
        }
    }
}
