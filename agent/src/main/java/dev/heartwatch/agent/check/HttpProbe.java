package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.send.BoundedResolver;
import dev.heartwatch.agent.send.TrackedTlsSockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code http URL [status S] [body TEXT]}: a {@code GET} with the JDK's {@code HttpURLConnection}
 * (TLS verified by the JDK: chain and host name, against its trust store or the check's
 * {@code ca} file). It passes on an expected status (default 2xx and 3xx) and, with {@code body},
 * when the text is in the first 64 KiB of the answer.
 *
 * <p>Redirects: a {@code 3xx} that is expected passes as it is (the note names where it
 * points). Otherwise one to the same host is followed (at most 5, never from HTTPS down to
 * HTTP); one to another host is never followed: the check fails with {@code redirect}, naming
 * the host. Credentials in the URL ({@code user:password@}) are sent as Basic authentication to
 * that host only, and redacted from everything the agent prints or sends.
 */
final class HttpProbe implements Probe {
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_HOPS = 5;

    private final URI url;
    private final String authorization;
    private final StatusSet expected;
    private final String body;
    private final SSLSocketFactory tls;
    private final BoundedResolver resolver;
    private final String userAgent;
    private final List<String> secrets;

    HttpProbe(URI url, StatusSet expected, String body, SSLSocketFactory tls, BoundedResolver resolver, String version) {
        this.url = withoutUserInfo(url);
        String info = url.getRawUserInfo();
        this.authorization = info == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                decode(info).getBytes(StandardCharsets.UTF_8));
        this.expected = expected;
        this.body = body;
        this.tls = tls;
        this.resolver = resolver;
        this.userAgent = "heartwatch-agent/" + version + " (check)";
        this.secrets = info == null ? List.of() : List.of(info, decode(info), authorization.substring(6));
    }

    /** The URL's credentials as written, decoded and encoded: the agent redacts them everywhere. */
    List<String> secrets() {
        return secrets;
    }

    @Override
    public ProbeResult run(Deadline deadline) {
        URI at = url;
        try {
            for (int hop = 0; ; hop++) {
                Answer a = get(at, deadline);
                if (a.status >= 300 && a.status < 400 && a.location != null && !expected.contains(a.status)) {
                    URI next = at.resolve(a.location);
                    if (!sameHost(next, url)) {
                        return ProbeResult.fail(Cause.REDIRECT, target() + ": HTTP " + a.status + " redirects to "
                                + label(next) + ", another host: not followed");
                    }
                    if (hop + 1 >= MAX_HOPS) {
                        return ProbeResult.fail(Cause.REDIRECT, target() + ": more than " + MAX_HOPS + " redirects");
                    }
                    at = next;
                    continue;
                }
                if (!expected.contains(a.status)) {
                    return ProbeResult.fail(Cause.HTTP_STATUS, target() + ": HTTP " + a.status + " (expected " + expected + ")");
                }
                if (body != null && (a.text == null || !a.text.contains(body))) {
                    return ProbeResult.fail(Cause.BODY_MISMATCH, target() + ": HTTP " + a.status
                            + ", the answer does not contain the expected text");
                }
                String where = a.location != null && a.status >= 300 && a.status < 400
                        ? " to " + label(at.resolve(a.location)) + " (not followed)" : "";
                return ProbeResult.pass("HTTP " + a.status + where + (hop > 0 ? " after " + hop + " redirect(s)" : ""));
            }
        } catch (IOException e) {
            return ProbeFailures.of(e, deadline, target());
        } catch (RuntimeException e) {
            return ProbeResult.fail(Cause.UNKNOWN, target() + ": " + e.getClass().getSimpleName());
        }
    }

    private record Answer(int status, String location, String text) {
    }

    private Answer get(URI at, Deadline deadline) throws IOException {
        resolver.resolve(bare(at.getHost()), deadline.endNanos()); // bounded; the JDK's own lookup then hits its cache
        HttpURLConnection c = (HttpURLConnection) at.toURL().openConnection(Proxy.NO_PROXY);
        TrackedTlsSockets sockets = null;
        if (c instanceof HttpsURLConnection https) {
            sockets = new TrackedTlsSockets(tls);
            https.setSSLSocketFactory(sockets);
        }
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestProperty("User-Agent", userAgent);
        c.setRequestProperty("Accept", "*/*");
        if (authorization != null && sameHost(at, url)) {
            c.setRequestProperty("Authorization", authorization);
        }
        c.setConnectTimeout(deadline.millisLeft());
        c.setReadTimeout(deadline.millisLeft());
        TrackedTlsSockets held = sockets;
        try (Deadline.Cut cut = deadline.cutAt(() -> {
            Socket plain = held == null ? null : held.latest();
            if (plain != null) {
                plain.close();
            }
            c.disconnect();
        })) {
            int status = c.getResponseCode();
            if (status < 100) {
                throw new java.net.ProtocolException("not an HTTP status line");
            }
            String location = c.getHeaderField("Location");
            String text = read(status >= 400 ? c.getErrorStream() : c.getInputStream());
            if (deadline.passed()) {
                throw new java.net.SocketTimeoutException("cut off at the deadline");
            }
            return new Answer(status, location, text);
        } finally {
            c.disconnect(); // a check's connection is not kept: checks run minutes apart
        }
    }

    private String read(InputStream in) throws IOException {
        if (in == null) {
            return null;
        }
        try (in) {
            byte[] b = in.readNBytes(MAX_BODY);
            return body == null ? null : new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Same host and port; never from HTTPS down to plain HTTP. */
    private static boolean sameHost(URI next, URI first) {
        if (next.getHost() == null || !next.getHost().equalsIgnoreCase(first.getHost())) {
            return false;
        }
        boolean downgrade = first.getScheme().equalsIgnoreCase("https") && !"https".equalsIgnoreCase(next.getScheme());
        return !downgrade && port(next) == port(first);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : ("https".equalsIgnoreCase(u.getScheme()) ? 443 : 80);
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public String target() {
        return label(url);
    }

    /** The URL as the agent shows it: no credentials, no query string. */
    static String label(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT) + "://";
        String info = u.getRawUserInfo() != null ? "[redacted]@" : "";
        String host = u.getHost() == null ? "?" : u.getHost();
        String port = u.getPort() >= 0 ? ":" + u.getPort() : "";
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String query = u.getRawQuery() != null ? "?[redacted]" : "";
        return scheme + info + host + port + path + query;
    }

    static URI withoutUserInfo(URI u) {
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL", e);
        }
    }

    private static String decode(String info) {
        return java.net.URLDecoder.decode(info.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
