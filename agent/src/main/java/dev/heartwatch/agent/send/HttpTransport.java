package dev.heartwatch.agent.send;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.config.ProxySettings;
import dev.heartwatch.agent.config.ProxyUrl;
import dev.heartwatch.common.SecretRedactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.PasswordAuthentication;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts a heartbeat with the JDK's own HTTP client ({@code HttpsURLConnection}): the JDK does
 * the HTTP framing, keep-alive, the proxy tunnel and TLS, certificate chain and host name
 * checked by its HTTPS endpoint identification in the handshake, before any byte of the request
 * (and so the key) is written. What is the agent's own:
 *
 * <ul>
 *   <li>the name is resolved first by {@link BoundedResolver}, within the deadline (the JDK's
 *       lookup has no timeout); the JDK's own lookup of the same name then hits its address
 *       cache (JDK 17 has no resolver hook: that is JDK 18's JEP 418);
 *   <li>one deadline for the whole request: the JDK's timeouts bound each connect and each
 *       read, not their sum, so {@link RequestWatchdog} disconnects a request still running at
 *       the deadline;
 *   <li>the proxy as {@code requests} reads it ({@link ProxySettings}), its Basic credentials
 *       given to the JDK only when that proxy asks;
 *   <li>the key in the {@code x-functions-key} header, never in the URL; no redirect followed
 *       (it would carry the key elsewhere); every detail redacted; the cause of a failure named.
 * </ul>
 *
 * <p>The JDK properties this relies on (Basic through a tunnel, the idle time of a kept-alive
 * connection) are set by {@link JdkHttpSettings} before the JDK's HTTP classes first load.
 */
public final class HttpTransport implements Transport {
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    static {
        JdkHttpSettings.allowBasicThroughProxyTunnels();
    }

    private final long timeoutNanos;
    private final SSLSocketFactory tlsGiven;
    private TrackedTlsSockets tls;
    private final ProxySettings proxies;
    private final BoundedResolver resolver;
    private final SecretRedactor redactor;
    private final String userAgent;
    private final RequestWatchdog watchdog;
    private final Map<Endpoint, Target> targets = new HashMap<>();

    /** @param tls null for the JDK's default trust store; tests inject their own CA here */
    public HttpTransport(Duration timeout, SSLSocketFactory tls, ProxySettings proxies, SecretRedactor redactor, String version) {
        this(timeout, tls, proxies, BoundedResolver.SYSTEM, redactor, version);
    }

    /** @param resolver name lookups; tests stand in for the system resolver here */
    HttpTransport(Duration timeout, SSLSocketFactory tls, ProxySettings proxies, BoundedResolver resolver,
                  SecretRedactor redactor, String version) {
        this.timeoutNanos = timeout.toNanos();
        this.tlsGiven = tls;
        this.proxies = proxies;
        this.resolver = resolver;
        this.redactor = redactor;
        this.userAgent = "heartwatch-agent/" + version;
        this.watchdog = RequestWatchdog.SHARED;
    }

    /**
     * One beat's request, bounded by the timeout as a whole. A kept-alive connection that died
     * under the request (the server dropped it as idle just as the beat went out) is retried
     * once on a fresh connection by the JDK itself, within the same deadline.
     */
    @Override
    public Attempt post(Endpoint endpoint, byte[] body) {
        return send(endpoint, body, false);
    }

    /**
     * Posts a batch of the checks' beats (docs/contract.md §1a): the same request with
     * {@code X-Heartwatch-Batch: 1}. A {@code 200} counts only when the answer says the receiver
     * read the batch ({@code ok batch 1}): an older receiver takes the body for a probe and
     * answers a plain {@code ok}, which must not acknowledge the checks' outages.
     */
    public Attempt postBatch(Endpoint endpoint, byte[] body) {
        return send(endpoint, body, true);
    }

    private synchronized Attempt send(Endpoint endpoint, byte[] body, boolean batch) {
        long end = System.nanoTime() + timeoutNanos;
        Target target = targets.computeIfAbsent(endpoint, e -> new Target(e, proxies));
        FailureCauses.Phase phase = FailureCauses.Phase.CONNECT;
        RequestWatchdog.Cut cut = null;
        try {
            InetAddress[] addresses = resolver.resolve(target.proxy != null ? target.proxy.host : target.host, end);
            Proxy via = target.proxy == null ? Proxy.NO_PROXY
                    : new Proxy(Proxy.Type.HTTP, new InetSocketAddress(addresses[0], target.proxy.port));
            HttpURLConnection c = (HttpURLConnection) target.url.openConnection(via);
            TrackedTlsSockets sockets = null;
            if (c instanceof HttpsURLConnection https) {
                sockets = tlsSockets();
                https.setSSLSocketFactory(sockets);
            }
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("User-Agent", userAgent);
            c.setRequestProperty("Accept", "*/*");
            c.setRequestProperty("Content-Type", "application/json");
            if (!endpoint.key().isEmpty()) {
                c.setRequestProperty("x-functions-key", endpoint.key());
            }
            if (batch) {
                c.setRequestProperty(BatchBody.FORM_HEADER, BatchBody.FORM_VERSION);
            }
            if (target.credentials != null) {
                target.credentials.arm();
                c.setAuthenticator(target.credentials);
            }
            int left = millisLeft(end);
            c.setConnectTimeout(left);
            c.setReadTimeout(left);
            cut = watchdog.cutAt(c, sockets, end);
            c.connect();
            phase = FailureCauses.Phase.EXCHANGE;
            try (OutputStream out = c.getOutputStream()) {
                out.write(body); // buffered by the JDK, sent with its Content-Length
            }
            int status = c.getResponseCode();
            if (status < 100) {
                throw new ProtocolException("not an HTTP status line");
            }
            String answer = readToEnd(c, status);
            if (!cut.finish()) {
                throw new SocketTimeoutException("cut off at the deadline");
            }
            if (batch && status == 200 && !answer.startsWith(BatchBody.ANSWER)) {
                return new Attempt(endpoint, status, Cause.UNKNOWN, "HTTP 200 from " + endpoint.label()
                        + " without reading the batch (an older Ping or server?): update it; the checks' beats were not recorded");
            }
            return Attempt.answered(endpoint, status);
        } catch (IOException e) {
            boolean passed = (cut != null && cut.finishedByDeadline()) || end - System.nanoTime() <= 0;
            IOException shown = target.proxy != null ? ProxyRefusedException.from(e, target.proxy) : e;
            Cause cause = FailureCauses.classify(shown, phase, passed);
            String detail = FailureCauses.describe(cause, shown, endpoint);
            if (target.proxy != null && phase == FailureCauses.Phase.CONNECT && !(shown instanceof ProxyRefusedException)) {
                detail += " (via proxy " + target.proxy.label + ")";
            }
            return new Attempt(endpoint, 0, cause, redactor.redact(detail));
        } catch (RuntimeException e) {
            // e.g. a TLS provider refusing its configuration: a failed beat, never a dead agent
            if (cut != null) {
                cut.finish();
            }
            return new Attempt(endpoint, 0, Cause.UNKNOWN,
                    redactor.redact("request failed (" + endpoint.label() + ") " + e.getClass().getSimpleName()));
        }
    }

    /**
     * Reads the answer's body to its end, so the JDK keeps the connection for the next beat (an
     * answer left half read is closed instead), and returns its first 32 bytes. A body past 64 KiB is not buffered: the status
     * still counts, the connection is dropped.
     */
    private static String readToEnd(HttpURLConnection c, int status) throws IOException {
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (in == null) {
            return ""; // an error answer without a body
        }
        try (in) {
            byte[] buf = new byte[2048];
            long total = 0;
            int n;
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream(32);
            while ((n = in.read(buf)) >= 0) {
                head.write(buf, 0, (int) Math.max(0, Math.min(n, 32 - total)));
                total += n;
                if (total > MAX_ANSWER_BYTES) {
                    c.disconnect();
                    break;
                }
            }
            return head.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Made on first HTTPS use (a plain-HTTP agent never loads the trust store), and kept: the
     * JDK keeps a connection alive only for the same factory.
     */
    private TrackedTlsSockets tlsSockets() {
        if (tls == null) {
            tls = new TrackedTlsSockets(tlsGiven != null ? tlsGiven : HttpsURLConnection.getDefaultSSLSocketFactory());
        }
        return tls;
    }

    private static int millisLeft(long endNanos) throws SocketTimeoutException {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no time left before the deadline");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }

    /** Where one endpoint's requests go, made once. */
    private static final class Target {
        final URL url;
        final String host;
        final ProxyUrl proxy;
        final ProxyCredentials credentials;

        Target(Endpoint endpoint, ProxySettings proxies) {
            URI uri = endpoint.target();
            boolean https = uri.getScheme().equalsIgnoreCase("https");
            String h = uri.getHost();
            this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
            int port = uri.getPort() >= 0 ? uri.getPort() : (https ? 443 : 80);
            this.proxy = proxies.forTarget(https, host, port);
            this.credentials = proxy != null && proxy.hasCredentials() ? new ProxyCredentials(proxy) : null;
            try {
                this.url = uri.toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("not a URL: " + endpoint.label(), e);
            }
        }
    }

    /**
     * The proxy's user and password, given to the JDK when that proxy answers 407, and only once
     * per request: wrong credentials then fail the beat at once instead of being offered again
     * (the JDK would ask up to {@code http.maxRedirects} times). Once accepted, the JDK sends
     * them with later tunnels unasked.
     */
    private static final class ProxyCredentials extends Authenticator {
        private final ProxyUrl proxy;
        private boolean armed;

        ProxyCredentials(ProxyUrl proxy) {
            this.proxy = proxy;
        }

        synchronized void arm() {
            armed = true;
        }

        @Override
        protected synchronized PasswordAuthentication getPasswordAuthentication() {
            if (!armed || getRequestorType() != RequestorType.PROXY || getRequestingPort() != proxy.port) {
                return null;
            }
            armed = false;
            return new PasswordAuthentication(proxy.user(), proxy.password().toCharArray());
        }
    }
}
