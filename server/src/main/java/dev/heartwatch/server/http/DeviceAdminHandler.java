package dev.heartwatch.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.server.store.HeartwatchStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/devices/{id}/mute?for=PT1H} and {@code POST /api/devices/{id}/retire}, behind
 * the admin key (same header/query as the ping key). Every other request under
 * {@code /api/devices} goes to the dashboard handler when one is mounted, else 404.
 */
public final class DeviceAdminHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(DeviceAdminHandler.class.getName());
    private static final Pattern ACTION = Pattern.compile("^/api/devices/([^/]+)/(mute|retire)$");
    /** A mute longer than this is a retirement in disguise; refuse it. */
    static final Duration MAX_MUTE = Duration.ofDays(366);

    private final HeartwatchStore store;
    private final KeyRing adminKeys;
    private final Clock clock;
    private final Supplier<HttpHandler> dashboard;

    public DeviceAdminHandler(HeartwatchStore store, KeyRing adminKeys, Clock clock, Supplier<HttpHandler> dashboard) {
        this.store = store;
        this.adminKeys = adminKeys;
        this.clock = clock;
        this.dashboard = dashboard;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            Exchanges.consumeEmptyBody(ex);
            Matcher m = ACTION.matcher(ex.getRequestURI().getPath());
            if (!m.matches()) {
                HttpHandler d = dashboard.get();
                if (d != null) {
                    d.handle(ex);
                } else {
                    Exchanges.text(ex, 404, "not found", false);
                }
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                Exchanges.text(ex, 405, "method not allowed (use POST)", true);
                return;
            }
            Map<String, String> query = FunctionRequest.parseQuery(ex.getRequestURI().getRawQuery());
            if (adminKeys.isEmpty()) {
                Exchanges.text(ex, 403, "device administration is off (set HEARTWATCH_ADMIN_KEYS)", true);
                return;
            }
            if (!adminKeys.matches(Exchanges.presentedKey(ex, query))) {
                Exchanges.text(ex, 401, "missing or wrong admin key", true);
                return;
            }
            String device = m.group(1);
            if (!DeviceId.isValid(device)) {
                Exchanges.text(ex, 400, "not a device id (lower case [a-z0-9._-], at most 64 characters)", true);
                return;
            }
            Instant now = clock.instant();
            if ("retire".equals(m.group(2))) {
                store.retire(device, now);
                Exchanges.json(ex, 200, "{\"device\":\"" + device + "\",\"retired\":\"" + now + "\"}");
                return;
            }
            Duration d;
            try {
                d = Duration.parse(query.getOrDefault("for", ""));
            } catch (DateTimeParseException e) {
                Exchanges.text(ex, 400, "for= must be an ISO-8601 duration such as PT1H", true);
                return;
            }
            if (d.isNegative() || d.isZero() || d.compareTo(MAX_MUTE) > 0) {
                Exchanges.text(ex, 400, "for= must be positive and at most " + MAX_MUTE + " (retire a device instead)", true);
                return;
            }
            Instant until = now.plus(d);
            store.mute(device, until);
            Exchanges.json(ex, 200, "{\"device\":\"" + device + "\",\"mutedUntil\":\"" + until + "\"}");
        } catch (IOException e) {
            ex.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "device request failed: " + e.getClass().getSimpleName());
            try {
                Exchanges.text(ex, 500, "internal error", true);
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        }
    }
}
