package dev.heartwatch.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.heartwatch.server.store.DeviceAdministration;
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
 *
 * <p>A mute or retire that presents no admin key goes to the dashboard too when
 * {@code dashboardActions} is on (its Mute and Retire buttons, under the dashboard's own access
 * rule); both paths end in the same {@link DeviceAdministration}.
 */
public final class DeviceAdminHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(DeviceAdminHandler.class.getName());
    private static final Pattern ACTION = Pattern.compile("^/api/devices/([^/]+)/(mute|retire)$");
    private final DeviceAdministration administration;
    private final KeyRing adminKeys;
    private final Clock clock;
    private final Supplier<HttpHandler> dashboard;
    private final boolean dashboardActions;

    public DeviceAdminHandler(DeviceAdministration administration, KeyRing adminKeys, Clock clock,
                              Supplier<HttpHandler> dashboard, boolean dashboardActions) {
        this.administration = administration;
        this.adminKeys = adminKeys;
        this.clock = clock;
        this.dashboard = dashboard;
        this.dashboardActions = dashboardActions;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            Exchanges.consumeEmptyBody(ex);
            Matcher m = ACTION.matcher(ex.getRequestURI().getPath());
            Map<String, String> query = FunctionRequest.parseQuery(ex.getRequestURI().getRawQuery());
            boolean adminKeyPresented = Exchanges.presentedKey(ex, query) != null;
            if (!m.matches() || !adminKeyPresented && dashboardActions && dashboard.get() != null) {
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
            if (adminKeys.isEmpty()) {
                Exchanges.text(ex, 403, "device administration is off (set HEARTWATCH_ADMIN_KEYS)", true);
                return;
            }
            if (!adminKeys.matches(Exchanges.presentedKey(ex, query))) {
                Exchanges.text(ex, 401, "missing or wrong admin key", true);
                return;
            }
            String device = m.group(1);
            Instant now = clock.instant();
            try {
                if ("retire".equals(m.group(2))) {
                    Instant at = administration.retire(device, now);
                    Exchanges.json(ex, 200, "{\"device\":\"" + device + "\",\"retired\":\"" + at + "\"}");
                    return;
                }
                Duration d;
                try {
                    d = Duration.parse(query.getOrDefault("for", ""));
                } catch (DateTimeParseException e) {
                    Exchanges.text(ex, 400, "for= must be an ISO-8601 duration such as PT1H", true);
                    return;
                }
                Instant until = administration.mute(device, d, now);
                Exchanges.json(ex, 200, "{\"device\":\"" + device + "\",\"mutedUntil\":\"" + until + "\"}");
            } catch (IllegalArgumentException e) {
                // The message names the rule broken, never the input.
                Exchanges.text(ex, 400, e.getMessage(), true);
            }
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
