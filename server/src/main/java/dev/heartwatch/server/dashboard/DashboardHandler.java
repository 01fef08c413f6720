package dev.heartwatch.server.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's dashboard: one static page (resources {@code dashboard/}) and a small JSON API
 * it polls. Mount it with {@code server.createContext("/", new DashboardHandler(source, clock,
 * access))}; paths are taken relative to the context, so another mount point works too.
 *
 * <pre>
 * GET  /                                  the page (and /dashboard.css, /dashboard.js)
 * GET  /api/devices                       summary counts and every device
 * GET  /api/devices/{id}/outages?days=30  one device's outages (1..400 days)
 * POST /api/devices/{id}/mute?for=PT1H    silence a device (ISO-8601, up to P366D)
 * POST /api/devices/{id}/retire           stop expecting a device
 * </pre>
 *
 * Every response is {@code no-store}; the page runs under a strict Content-Security-Policy
 * (no inline script, nothing from the network) and renders data with {@code textContent} only.
 */
public final class DashboardHandler implements HttpHandler {
    /** Header, query parameter and cookie that carry the read key. */
    public static final String KEY_HEADER = "x-heartwatch-key";
    public static final String KEY_QUERY = "key";
    public static final String KEY_COOKIE = "heartwatch_key";

    static final int MAX_DAYS = 400;
    static final Duration MAX_MUTE = Duration.ofDays(366);
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Logger LOG = Logger.getLogger(DashboardHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, StaticFile> FILES = Map.of(
            "/", StaticFile.load("index.html", "text/html; charset=utf-8"),
            "/index.html", StaticFile.load("index.html", "text/html; charset=utf-8"),
            "/dashboard.css", StaticFile.load("dashboard.css", "text/css; charset=utf-8"),
            "/dashboard.js", StaticFile.load("dashboard.js", "text/javascript; charset=utf-8"));

    private final DashboardSource source;
    private final Clock clock;
    private final DashboardAccess access;
    private final String mount; // null: the context the exchange arrived on

    public DashboardHandler(DashboardSource source, Clock clock, DashboardAccess access) {
        this(source, clock, access, null);
    }

    /**
     * A handler whose paths are relative to {@code mount}, whatever context delivers the exchange:
     * heartwatch-server hands it requests from its {@code /api/devices} context too.
     */
    public DashboardHandler(DashboardSource source, Clock clock, DashboardAccess access, String mount) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.access = Objects.requireNonNull(access, "access");
        this.mount = mount;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            consumeEmptyBody(exchange);
            commonHeaders(exchange);
            route(exchange);
        } catch (RuntimeException e) {
            // Our bug or the store's: the client learns nothing more than that.
            LOG.log(Level.WARNING, "dashboard request failed: " + e.getClass().getName());
            if (exchange.getResponseCode() == -1) {
                error(exchange, 500, "internal error");
            }
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = relativePath(ex);
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if (!allowed(ex, query)) {
            return;
        }
        if (!sameOriginIfPost(ex)) {
            error(ex, 403, "cross-origin request refused");
            return;
        }
        StaticFile file = FILES.get(path);
        if (file != null) {
            if (requireMethod(ex, "GET")) {
                send(ex, 200, file.contentType(), file.bytes());
            }
            return;
        }
        if (path.equals("/api/devices")) {
            if (requireMethod(ex, "GET")) {
                devices(ex);
            }
            return;
        }
        String prefix = "/api/devices/";
        if (path.startsWith(prefix)) {
            String rest = path.substring(prefix.length());
            int slash = rest.lastIndexOf('/');
            if (slash > 0) {
                String device = decodeSegment(rest.substring(0, slash));
                String action = rest.substring(slash + 1);
                if (device != null) {
                    switch (action) {
                        case "outages" -> {
                            if (requireMethod(ex, "GET")) {
                                outages(ex, device, query);
                            }
                            return;
                        }
                        case "mute" -> {
                            if (requireMethod(ex, "POST")) {
                                mute(ex, device, query);
                            }
                            return;
                        }
                        case "retire" -> {
                            if (requireMethod(ex, "POST")) {
                                retire(ex, device);
                            }
                            return;
                        }
                        default -> {
                        }
                    }
                }
            }
        }
        error(ex, 404, "not found");
    }

    // ---- access -------------------------------------------------------------------------

    private boolean allowed(HttpExchange ex, Map<String, String> query) throws IOException {
        if (access.isLoopbackOnly()) {
            InetSocketAddress remote = ex.getRemoteAddress();
            InetAddress address = remote == null ? null : remote.getAddress();
            // The Host check stops DNS rebinding: a page on evil.example resolved to 127.0.0.1.
            if (address == null || !address.isLoopbackAddress() || !isLoopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
                error(ex, 403, "the dashboard is served to loopback clients only");
                return false;
            }
            return true;
        }
        String fromQuery = query.get(KEY_QUERY);
        if (fromQuery != null && access.accepts(fromQuery) && "GET".equals(ex.getRequestMethod())
                && FILES.containsKey(relativePath(ex))) {
            // Trade the key in the URL for a cookie, and drop it from the address bar and history.
            String cookie = KEY_COOKIE + "=" + fromQuery + "; Path=" + cookiePath(ex)
                    + "; HttpOnly; SameSite=Strict" + (isHttps(ex) ? "; Secure" : "");
            ex.getResponseHeaders().add("Set-Cookie", cookie);
            ex.getResponseHeaders().set("Location", withoutKey(ex));
            send(ex, 303, null, new byte[0]);
            return false;
        }
        String key = ex.getRequestHeaders().getFirst(KEY_HEADER);
        if (key == null) {
            key = fromQuery;
        }
        if (key == null) {
            key = cookie(ex, KEY_COOKIE);
        }
        if (!access.accepts(key)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "HeartwatchKey");
            error(ex, 401, "read key required: open /?key=YOUR_READ_KEY or send the x-heartwatch-key header");
            return false;
        }
        return true;
    }

    public static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close > 0 && h.substring(1, close).equals("::1");
        }
        int colon = h.indexOf(':');
        String name = colon >= 0 ? h.substring(0, colon) : h;
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /**
     * Reads an empty request body (a POST from the page has none) to its end: a server that
     * drains nothing after an answer ({@code sun.net.httpserver.drainAmount=0}, as
     * heartwatch-server runs) would otherwise close the keep-alive connection under the client.
     */
    private static void consumeEmptyBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (!ex.getRequestHeaders().containsKey("Transfer-Encoding") && (length == null || "0".equals(length.strip()))) {
            ex.getRequestBody().read();
        }
    }

    /** Browsers send Origin on every POST; a cross-site form or script must not mute or retire. */
    private static boolean sameOriginIfPost(HttpExchange ex) {
        if (!"POST".equals(ex.getRequestMethod())) {
            return true;
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true; // curl and other non-browser clients
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private static boolean isHttps(HttpExchange ex) {
        return ex instanceof HttpsExchange
                || "https".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Forwarded-Proto"));
    }

    private static String cookie(HttpExchange ex, String name) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    private String mountOf(HttpExchange ex) {
        return mount != null ? mount : ex.getHttpContext().getPath();
    }

    private String cookiePath(HttpExchange ex) {
        String context = mountOf(ex);
        return context.isEmpty() ? "/" : context;
    }

    private static String withoutKey(HttpExchange ex) {
        String raw = ex.getRequestURI().getRawQuery();
        StringBuilder kept = new StringBuilder();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                if (!pair.isEmpty() && !pair.equals(KEY_QUERY) && !pair.startsWith(KEY_QUERY + "=")) {
                    kept.append(kept.length() == 0 ? "?" : "&").append(pair);
                }
            }
        }
        return ex.getRequestURI().getRawPath() + kept;
    }

    // ---- API ----------------------------------------------------------------------------

    private void devices(HttpExchange ex) throws IOException {
        Instant now = clock.instant();
        List<DeviceView> devices = source.devices(now);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of("up", "down", "muted", "stopped", "retired", "unknown")) {
            counts.put(s, 0);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("now", now.toEpochMilli());
        ObjectNode summary = body.putObject("summary");
        ArrayNode list = body.putArray("devices");
        for (DeviceView d : devices) {
            counts.merge(d.status(), 1, Integer::sum);
            ObjectNode n = list.addObject();
            n.put("device", d.device());
            n.put("status", d.status());
            putInstant(n, "lastSeen", d.lastSeen());
            n.put("ip", d.ip());
            n.put("uptime24h", d.uptime24h());
            n.put("uptime7d", d.uptime7d());
            n.put("uptime30d", d.uptime30d());
            ArrayNode trail = n.putArray("trail");
            d.trail().forEach(trail::add);
        }
        summary.put("total", devices.size());
        counts.forEach(summary::put);
        json(ex, 200, body);
    }

    private void outages(HttpExchange ex, String device, Map<String, String> query) throws IOException {
        int days;
        try {
            days = Integer.parseInt(query.getOrDefault("days", "30"));
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 1 || days > MAX_DAYS) {
            error(ex, 400, "days must be a whole number from 1 to " + MAX_DAYS);
            return;
        }
        Instant now = clock.instant();
        if (!knows(device, now)) {
            error(ex, 404, "no such device");
            return;
        }
        Instant from = now.minus(Duration.ofDays(days));
        ObjectNode body = JSON.createObjectNode();
        body.put("device", device);
        body.put("now", now.toEpochMilli());
        body.put("from", from.toEpochMilli());
        body.put("to", now.toEpochMilli());
        ArrayNode list = body.putArray("outages");
        for (OutageView o : source.outages(device, from, now, now)) {
            ObjectNode n = list.addObject();
            putInstant(n, "start", o.start());
            putInstant(n, "end", o.end());
            n.put("durationMs", o.durationMs());
            n.put("cause", o.cause());
            n.put("detail", o.detail());
            n.put("source", o.source());
        }
        json(ex, 200, body);
    }

    private void mute(HttpExchange ex, String device, Map<String, String> query) throws IOException {
        Duration duration;
        try {
            duration = Duration.parse(query.getOrDefault("for", "PT1H"));
        } catch (DateTimeParseException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(MAX_MUTE) > 0) {
            error(ex, 400, "for must be an ISO-8601 duration from PT1S to P366D, e.g. PT1H");
            return;
        }
        Instant now = clock.instant();
        if (!source.mute(device, duration, now)) {
            error(ex, 404, "no such device");
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("device", device);
        body.put("mutedUntil", now.plus(duration).toEpochMilli());
        json(ex, 200, body);
    }

    private void retire(HttpExchange ex, String device) throws IOException {
        if (!source.retire(device)) {
            error(ex, 404, "no such device");
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("device", device);
        body.put("retired", true);
        json(ex, 200, body);
    }

    private boolean knows(String device, Instant now) {
        for (DeviceView d : source.devices(now)) {
            if (d.device().equals(device)) {
                return true;
            }
        }
        return false;
    }

    // ---- plumbing -----------------------------------------------------------------------

    private String relativePath(HttpExchange ex) {
        String path = ex.getRequestURI().getRawPath();
        String context = mountOf(ex);
        if (context.length() > 1 && path.startsWith(context)) {
            path = path.substring(context.endsWith("/") ? context.length() - 1 : context.length());
        }
        return path.isEmpty() ? "/" : path;
    }

    /** A percent-encoded path segment; null when it is empty, malformed or holds a control character. */
    static String decodeSegment(String raw) {
        if (raw.isEmpty() || raw.contains("/")) {
            return null;
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (decoded.isEmpty() || decoded.length() > 256 || decoded.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return decoded;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // A malformed pair is ignored, like a missing one.
            }
        }
        return out;
    }

    private static boolean requireMethod(HttpExchange ex, String method) throws IOException {
        if (method.equals(ex.getRequestMethod())) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", method);
        error(ex, 405, "method not allowed");
        return false;
    }

    private static void putInstant(ObjectNode node, String name, Instant at) {
        if (at == null) {
            node.putNull(name);
        } else {
            node.put(name, at.toEpochMilli());
        }
    }

    private static void commonHeaders(HttpExchange ex) {
        var h = ex.getResponseHeaders();
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Content-Security-Policy", CSP);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        json(ex, status, body);
    }

    private static void json(HttpExchange ex, int status, ObjectNode body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A page file from the classpath, read once. */
    private record StaticFile(String contentType, byte[] bytes) {
        static StaticFile load(String name, String contentType) {
            try (InputStream in = DashboardHandler.class.getResourceAsStream("/dashboard/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource dashboard/" + name);
                }
                return new StaticFile(contentType, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
