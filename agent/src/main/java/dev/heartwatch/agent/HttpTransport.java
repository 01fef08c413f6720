package dev.heartwatch.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts with {@link HttpURLConnection}: it costs the JVM about 20 MB less than
 * {@code java.net.http.HttpClient} (ENVIRONMENT.md), which matters on a home box.
 * The key goes in the {@code x-functions-key} header, never in the URL; no
 * redirect is followed (it would carry the key elsewhere).
 */
final class HttpTransport implements Transport {
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final long timeoutNanos;
    private final SSLSocketFactory tlsFactory;
    private final RequestDeadline deadline = new RequestDeadline();
    private ClosableSslSockets tls;
    private final Redactor redactor;
    private final String userAgent;

    /** @param tls null for the JDK's default trust store; tests inject their own CA here */
    HttpTransport(Duration timeout, SSLSocketFactory tls, Redactor redactor, String version) {
        this.timeoutNanos = timeout.toNanos();
        this.tlsFactory = tls;
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
    public Attempt post(Endpoint endpoint, byte[] body) {
        long end = System.nanoTime() + timeoutNanos;
        Attempt a = exchange(endpoint, body, end);
        if (a.cause() == Cause.RESET && end - System.nanoTime() > 0) {
            a = exchange(endpoint, body, end);
        }
        return a;
    }

    private Attempt exchange(Endpoint endpoint, byte[] body, long end) {
        long leftNanos = Math.max(1, end - System.nanoTime());
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) endpoint.target().toURL().openConnection();
        } catch (IOException | RuntimeException e) {
            return new Attempt(endpoint, 0, Cause.UNKNOWN, redactor.redact("cannot open " + endpoint.label()));
        }
        boolean https = c instanceof HttpsURLConnection;
        if (https) {
            ((HttpsURLConnection) c).setSSLSocketFactory(tlsSockets());
        }
        deadline.arm(c, https ? tls : null, leftNanos);
        FailureCauses.Phase phase = FailureCauses.Phase.CONNECT;
        try {
            int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, leftNanos / 1_000_000));
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("User-Agent", userAgent);
            if (!endpoint.key().isEmpty()) {
                c.setRequestProperty("x-functions-key", endpoint.key());
            }
            c.setFixedLengthStreamingMode(body.length);
            c.connect();
            phase = FailureCauses.Phase.EXCHANGE;
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, deadline.remainingMillis()));
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            if (!https) {
                // From here drain() keeps the deadline itself: a disconnect() from the watchdog
                // would hand the body to the JDK's keep-alive cleaner, which holds the stream's
                // lock while it skips a slow body, and drain() would wait on that lock.
                deadline.disarm();
            }
            InputStream answer = status >= 400 ? c.getErrorStream() : c.getInputStream();
            if (!drain(c, answer, https)) {
                return timedOut(endpoint, phase);
            }
            return Attempt.answered(endpoint, status);
        } catch (IOException e) {
            Cause cause = FailureCauses.classify(e, phase, deadline.passed());
            return new Attempt(endpoint, 0, cause, redactor.redact(FailureCauses.describe(cause, e, endpoint)));
        } catch (RuntimeException e) {
            // HttpURLConnection wraps some failures (e.g. a closed connection) in unchecked exceptions.
            if (deadline.passed()) {
                return timedOut(endpoint, phase);
            }
            return new Attempt(endpoint, 0, Cause.UNKNOWN,
                    redactor.redact("request failed (" + endpoint.label() + ") " + e.getClass().getSimpleName()));
        } finally {
            deadline.disarm();
        }
    }

    /** Created on first HTTPS use: a plain-HTTP agent never pays for loading the trust store. */
    private ClosableSslSockets tlsSockets() {
        if (tls == null) {
            tls = new ClosableSslSockets(tlsFactory != null ? tlsFactory : HttpsURLConnection.getDefaultSSLSocketFactory());
        }
        return tls;
    }

    private Attempt timedOut(Endpoint endpoint, FailureCauses.Phase phase) {
        Cause cause = phase == FailureCauses.Phase.CONNECT ? Cause.CONNECT_TIMEOUT : Cause.READ_TIMEOUT;
        return new Attempt(endpoint, 0, cause, "no complete answer within the timeout (" + endpoint.label() + ")");
    }

    /**
     * Reads the (small) answer to its end so the connection stays alive for the next
     * beat, without ever blocking past the deadline. Over TLS the deadline closes the
     * socket, which ends a blocked read. Over plain HTTP nothing can release a blocked
     * read, so bytes are only read once available, and at the deadline the connection
     * is dropped. Returns false when the deadline passed first.
     */
    private boolean drain(HttpURLConnection c, InputStream in, boolean https)
            throws IOException {
        if (in == null) {
            return true;
        }
        if (https) {
            byte[] buf = new byte[512];
            int total = 0;
            int n;
            while ((n = in.read(buf)) >= 0 && total < MAX_ANSWER_BYTES) {
                total += n;
            }
            in.close();
            return !deadline.passed();
        }
        long expected = c.getContentLengthLong();
        if (expected < 0 || expected > MAX_ANSWER_BYTES) {
            c.disconnect(); // no length to wait for: give up the connection, not the beat
            return true;
        }
        byte[] buf = new byte[512];
        long read = 0;
        while (read < expected) {
            int available = in.available();
            if (available > 0) {
                int n = in.read(buf, 0, Math.min(buf.length, available));
                if (n < 0) {
                    break;
                }
                read += n;
            } else if (deadline.passed()) {
                c.disconnect();
                return false;
            } else {
                LockSupport.parkNanos(2_000_000L);
            }
        }
        in.close();
        return true;
    }
}
