package dev.heartwatch.server.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.server.http.Answers;
import dev.heartwatch.server.http.Query;
import dev.heartwatch.server.store.AdminState;
import dev.heartwatch.server.store.DeviceAdministration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The server's dashboard: one static page (resources {@code dashboard/}) and a small JSON API
 * it polls, as a Jetty handler behind {@code AccessFilter}, which decides who may see it (the
 * read key, or loopback only): {@code new AccessFilter(..., new DashboardHandler(source, clock))};
 * paths are taken relative to its mount point ({@code /} unless given).
 *
 * <pre>
 * GET  /                                  the page (and /dashboard.css, /dashboard.js)
 * GET  /api/devices?q=&status=&limit=&after=  summary counts and one page of devices
 * GET  /api/devices/{id}/outages?days=30  one device's outages (1..400 days)
 * POST /api/devices/{id}/mute?for=PT1H    silence a device (ISO-8601, up to P366D)
 * POST /api/devices/{id}/unmute           end its mute
 * POST /api/devices/{id}/retire           stop expecting a device
 * POST /api/devices/{id}/unretire         expect it again
 * (the four answer the device's AdminState, as the admin API does)
 * </pre>
 *
 * Every response is {@code no-store}; the page runs under a strict Content-Security-Policy
 * (no inline script, nothing from the network) and renders data with {@code textContent} only.
 */
public final class DashboardHandler extends Handler.Abstract {
    static final int MAX_DAYS = 400;
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
    private final String mount;

    public DashboardHandler(DashboardSource source, Clock clock) {
        this(source, clock, "/");
    }

    /** A handler whose paths are relative to {@code mount} (a path starting with {@code /}). */
    public DashboardHandler(DashboardSource source, Clock clock, String mount) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mount = Objects.requireNonNull(mount, "mount");
    }

    /** One exchange of the dashboard: what the handler methods below need, in one place. */
    private record Exchange(Request request, Response response, Callback callback) {
        String method() {
            return request.getMethod();
        }

        String header(String name) {
            return request.getHeaders().get(name);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange(request, response, callback);
        try {
            commonHeaders(ex);
            route(ex);
        } catch (RuntimeException e) {
            // Our bug or the store's: the client learns nothing more than that.
            LOG.log(Level.WARNING, "dashboard request failed: " + e.getClass().getName());
            if (!response.isCommitted()) {
                error(ex, 500, "internal error");
            } else {
                callback.failed(e);
            }
        }
        return true;
    }

    private void route(Exchange ex) {
        String path = relativePath(ex);
        Optional<Query> parsed = Query.of(ex.request());
        if (parsed.isEmpty()) {
            error(ex, 400, "malformed query string");
            return;
        }
        Query query = parsed.get();
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
                devices(ex, query);
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
                        case "unmute", "retire", "unretire" -> {
                            if (requireMethod(ex, "POST")) {
                                decide(ex, device, action);
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

    // ---- requests -----------------------------------------------------------------------

    /** Browsers send Origin on every POST; a cross-site form or script must not mute or retire. */
    private static boolean sameOriginIfPost(Exchange ex) {
        if (!"POST".equals(ex.method())) {
            return true;
        }
        String origin = ex.header("Origin");
        if (origin == null) {
            return true; // curl and other non-browser clients
        }
        String host = ex.header("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    // ---- API ----------------------------------------------------------------------------

    private void devices(Exchange ex, Query query) {
        DeviceListing listing;
        try {
            listing = DeviceListing.of(query);
        } catch (DeviceListing.BadListing e) {
            error(ex, 400, e.getMessage());
            return;
        }
        Instant now = clock.instant();
        List<DeviceSummary> all = source.summaries(now);
        DeviceListing.Page page = listing.page(all);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of("up", "down", "muted", "stopped", "retired", "unknown")) {
            counts.put(s, 0);
        }
        for (DeviceSummary d : all) {
            counts.merge(d.status(), 1, Integer::sum);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("now", now.toEpochMilli());
        ObjectNode summary = body.putObject("summary");
        summary.put("total", all.size());
        counts.forEach(summary::put);
        body.put("matched", page.matched());
        body.put("next", page.next());
        ArrayNode warnings = body.putArray("probeWarnings");
        for (ProbeWarning w : source.probeWarnings(now)) {
            ObjectNode n = warnings.addObject();
            n.put("ip", w.ip());
            n.put("probes", w.probes());
            putInstant(n, "last", w.last());
        }
        ArrayNode list = body.putArray("devices");
        for (DeviceView d : source.devices(page.devices().stream().map(DeviceSummary::device).toList(), now)) {
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
            n.put("schedule", d.schedule());
            n.put("due", d.due());
            putInstant(n, "nextDue", d.nextDue());
            putInstant(n, "downAt", d.downAt());
            n.put("lastDurationMs", d.lastDurationMs());
            n.put("uptimeBasis", d.uptimeBasis());
            putRuns(n, "runs24h", d.runs24h());
            putRuns(n, "runs7d", d.runs7d());
            putRuns(n, "runs30d", d.runs30d());
        }
        json(ex, 200, body);
    }

    private void outages(Exchange ex, String device, Query query) {
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
            n.put("clip", o.clip());
            if (o.reportedMs() == null) {
                n.putNull("reportedMs");
            } else {
                n.put("reportedMs", o.reportedMs());
            }
        }
        json(ex, 200, body);
    }

    private void mute(Exchange ex, String device, Query query) {
        Duration duration;
        try {
            duration = Duration.parse(query.getOrDefault("for", "PT1H"));
        } catch (DateTimeParseException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(DeviceAdministration.MAX_MUTE) > 0) {
            error(ex, 400, "for must be an ISO-8601 duration from PT1S to P366D, e.g. PT1H");
            return;
        }
        answer(ex, source.mute(device, duration, clock.instant()));
    }

    /** Unmute, retire or unretire. */
    private void decide(Exchange ex, String device, String action) {
        Instant now = clock.instant();
        answer(ex, switch (action) {
            case "unmute" -> source.unmute(device, now);
            case "retire" -> source.retire(device, now);
            default -> source.unretire(device, now);
        });
    }

    private static void answer(Exchange ex, Optional<AdminState> state) {
        if (state.isEmpty()) {
            error(ex, 404, "no such device");
            return;
        }
        Answers.json(ex.response(), ex.callback(), 200, state.get().json());
    }

    private boolean knows(String device, Instant now) {
        return source.knows(device, now);
    }

    // ---- plumbing -----------------------------------------------------------------------

    private String relativePath(Exchange ex) {
        String path = ex.request().getHttpURI().getPath();
        if (mount.length() > 1 && path.startsWith(mount)) {
            path = path.substring(mount.endsWith("/") ? mount.length() - 1 : mount.length());
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

    private static boolean requireMethod(Exchange ex, String method) {
        if (method.equals(ex.method())) {
            return true;
        }
        ex.response().getHeaders().put("Allow", "GET".equals(method) ? "GET, HEAD" : method);
        error(ex, 405, "method not allowed");
        return false;
    }

    /** A cron device's runs: {@code {"expected","onTime","failed"}}; {@code null} for any other device. */
    private static void putRuns(ObjectNode node, String name, RunCount runs) {
        if (runs == null) {
            node.putNull(name);
            return;
        }
        ObjectNode r = node.putObject(name);
        r.put("expected", runs.expected());
        r.put("onTime", runs.onTime());
        r.put("failed", runs.failed());
    }

    private static void putInstant(ObjectNode node, String name, Instant at) {
        if (at == null) {
            node.putNull(name);
        } else {
            node.put(name, at.toEpochMilli());
        }
    }

    private static void commonHeaders(Exchange ex) {
        var h = ex.response().getHeaders();
        h.put("Cache-Control", "no-store");
        h.put("Referrer-Policy", "no-referrer");
        h.put("X-Frame-Options", "DENY");
        h.put("Content-Security-Policy", CSP);
    }

    /** The dashboard API's error shape, {@code {"error": "..."}} (docs/dashboard.md). */
    private static void error(Exchange ex, int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        json(ex, status, body);
    }

    private static void json(Exchange ex, int status, ObjectNode body) {
        try {
            Answers.json(ex.response(), ex.callback(), status, JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always serialises
        }
    }

    private static void send(Exchange ex, int status, String contentType, byte[] body) {
        if (contentType != null) {
            ex.response().getHeaders().put("Content-Type", contentType);
        }
        Answers.send(ex.response(), ex.callback(), status, body);
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
