package dev.heartwatch.server.http;

import dev.heartwatch.server.dashboard.DashboardAccess;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Who may do what, decided once for every route, in front of {@link Routes} (docs/server.md,
 * "Access"): the ping key for {@code /api/ping}; the read key (or, without one, loopback only)
 * for the dashboard, {@code /api/devices} and {@code /api/history/lines}; the admin key for a
 * device action that presents {@code x-functions-key} or {@code ?code=}, and for every request
 * under {@code /api/registry} (the registry admin API, whatever it presents). The handlers behind
 * it check no key and no address.
 *
 * <p>Loopback-only mode serves a request only when nothing forwarded it: its socket peer is a
 * loopback address that is not a trusted proxy, it carries no forwarding header
 * ({@link Peer#isForwarded}), and its {@code Host} names loopback (DNS rebinding). A proxy on the
 * same machine would otherwise make every internet client look local (issue 14, D2).
 */
public final class AccessFilter extends Handler.Wrapper {
    /** Header, query parameter and cookie that carry the read key (docs/dashboard.md). */
    public static final String KEY_HEADER = "x-heartwatch-key";
    public static final String KEY_QUERY = "key";
    public static final String KEY_COOKIE = "heartwatch_key";

    /** {@code /api/devices/{id}/{action}}: every device action, present and future, except the outages read. */
    private static final Pattern DEVICE_ACTION = Pattern.compile("^/api/devices/[^/]+/(?!outages$)[^/]+$");

    /** The request attribute naming the ping key that was presented ({@link KeyRing#match}). */
    public static final String PING_KEY_ID = "heartwatch.pingKeyId";

    private final KeyRing pingKeys;
    private final KeyRing adminKeys;
    private final DashboardAccess readAccess;
    private final Set<String> trustedProxies;
    private final boolean dashboardActions;

    /**
     * @param dashboardActions a device action without an admin key is the dashboard's (its
     *                         Mute/Retire buttons) and needs only what the page needs
     */
    public AccessFilter(KeyRing pingKeys, KeyRing adminKeys, DashboardAccess readAccess, Set<String> trustedProxies,
                        boolean dashboardActions, Handler routes) {
        super(routes);
        this.pingKeys = pingKeys;
        this.adminKeys = adminKeys;
        this.readAccess = readAccess;
        this.trustedProxies = Set.copyOf(trustedProxies);
        this.dashboardActions = dashboardActions;
    }

    /** The routes by the rule that guards them; OPEN: no route, only a 404 (under {@code /api/ping}). */
    private enum Rule { PING, HISTORY, ADMIN, DASHBOARD, OPEN }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Optional<Query> parsed = Query.of(request);
        if (parsed.isEmpty()) {
            Answers.text(response, callback, 400, "malformed query string", true);
            return true;
        }
        Query query = parsed.get();
        boolean allowed = switch (rule(request, query)) {
            case PING -> ping(request, response, callback, query);
            case HISTORY -> history(request, response, callback);
            case ADMIN -> admin(request, response, callback, query);
            case DASHBOARD -> dashboard(request, response, callback, query);
            case OPEN -> true;
        };
        return !allowed || super.handle(request, response, callback);
    }

    private Rule rule(Request request, Query query) {
        String path = request.getHttpURI().getPath();
        if (path.equals(PingHandler.PATH)) {
            return Rule.PING;
        }
        if (path.startsWith(PingHandler.PATH)) {
            return Rule.OPEN;
        }
        if (HistoryLinesHandler.serves(path)) {
            return Rule.HISTORY;
        }
        if (RegistryHandler.owns(path)) {
            // Edits the schedules every device is judged by: the admin key only, never the page's rule.
            return Rule.ADMIN;
        }
        if (DEVICE_ACTION.matcher(path).matches()
                && (Answers.presentedKey(request, query) != null || !dashboardActions)) {
            return Rule.ADMIN;
        }
        return Rule.DASHBOARD;
    }

    private boolean ping(Request request, Response response, Callback callback, Query query) {
        Optional<String> keyId = pingKeys.match(Answers.presentedKey(request, query));
        if (keyId.isPresent()) {
            // Which key it was (never the key): the ping's per-key limits read it, without hashing again.
            request.setAttribute(PING_KEY_ID, keyId.get());
            return true;
        }
        // Like Azure's host: refused before the function runs; the body is never read (BodyDrain discards it).
        Answers.text(response, callback, 401, "missing or wrong key (x-functions-key header or code query parameter)", true);
        return false;
    }

    private boolean admin(Request request, Response response, Callback callback, Query query) {
        if (adminKeys.isEmpty()) {
            Answers.text(response, callback, 403, "device administration is off (set HEARTWATCH_ADMIN_KEYS)", true);
            return false;
        }
        if (!adminKeys.matches(Answers.presentedKey(request, query))) {
            Answers.text(response, callback, 401, "missing or wrong admin key", true);
            return false;
        }
        return true;
    }

    private boolean history(Request request, Response response, Callback callback) {
        if (readAccess.isLoopbackOnly()) {
            if (!servesLoopbackOnly(request)) {
                Answers.text(response, callback, 403, "no read key is configured: history is served to loopback clients only,"
                        + " never through a proxy", true);
                return false;
            }
            return true;
        }
        // The header only: a key in a URL ends up in proxy and shell history.
        if (!readAccess.accepts(request.getHeaders().get(KEY_HEADER))) {
            response.getHeaders().put("WWW-Authenticate", "HeartwatchKey");
            Answers.text(response, callback, 401, "read key required in the x-heartwatch-key header", true);
            return false;
        }
        return true;
    }

    /** The page, its files and its JSON: the dashboard API's {@code {"error": ...}} shape. */
    private boolean dashboard(Request request, Response response, Callback callback, Query query) {
        response.getHeaders().put("Cache-Control", "no-store");
        if (readAccess.isLoopbackOnly()) {
            if (!servesLoopbackOnly(request)) {
                dashboardError(response, callback, 403, "the dashboard is served to loopback clients only, never through a proxy");
                return false;
            }
            return true;
        }
        String fromQuery = query.get(KEY_QUERY);
        String path = request.getHttpURI().getPath();
        if (fromQuery != null && readAccess.accepts(fromQuery) && "GET".equals(request.getMethod()) && !path.startsWith("/api/")) {
            tradeKeyForCookie(request, response, callback, fromQuery);
            return false;
        }
        String key = request.getHeaders().get(KEY_HEADER);
        if (key == null) {
            key = fromQuery;
        }
        if (key == null) {
            key = cookie(request);
        }
        if (!readAccess.accepts(key)) {
            response.getHeaders().put("WWW-Authenticate", "HeartwatchKey");
            dashboardError(response, callback, 401, "read key required: open /?key=YOUR_READ_KEY or send the x-heartwatch-key header");
            return false;
        }
        return true;
    }

    private boolean servesLoopbackOnly(Request request) {
        return !Peer.isForwarded(request, trustedProxies)
                && DashboardAccess.servesLoopbackClient(Peer.socketAddress(request), request.getHeaders().get("Host"));
    }

    /** The key in the URL becomes an {@code HttpOnly} cookie, and leaves the address bar and history. */
    private static void tradeKeyForCookie(Request request, Response response, Callback callback, String key) {
        String cookie = KEY_COOKIE + "=" + key + "; Path=/; HttpOnly; SameSite=Strict" + (isHttps(request) ? "; Secure" : "");
        response.getHeaders().add("Set-Cookie", cookie);
        response.getHeaders().put("Location", withoutKey(request));
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        Answers.send(response, callback, 303, new byte[0]);
    }

    private static boolean isHttps(Request request) {
        return request.isSecure() || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
    }

    private static String cookie(Request request) {
        for (HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equals(KEY_COOKIE)) {
                return c.getValue();
            }
        }
        return null;
    }

    private static String withoutKey(Request request) {
        String raw = request.getHttpURI().getQuery();
        StringBuilder kept = new StringBuilder();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                if (!pair.isEmpty() && !pair.equals(KEY_QUERY) && !pair.startsWith(KEY_QUERY + "=")) {
                    kept.append(kept.length() == 0 ? "?" : "&").append(pair);
                }
            }
        }
        return request.getHttpURI().getPath() + kept;
    }

    private static void dashboardError(Response response, Callback callback, int status, String message) {
        // The message is ours, never the request's: no escaping needed beyond JSON's quotes.
        Answers.json(response, callback, status, ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
