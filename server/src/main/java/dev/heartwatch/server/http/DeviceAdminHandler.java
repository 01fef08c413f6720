package dev.heartwatch.server.http;

import dev.heartwatch.server.store.AdminState;
import dev.heartwatch.server.store.DeviceAdministration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /api/devices/{id}/mute?for=PT1H}, {@code .../unmute}, {@code .../retire} and
 * {@code .../unretire}, behind the admin key (same header/query as the ping key, checked by {@link AccessFilter}), each answered
 * with the device's {@link AdminState} (docs/dashboard.md, "API"). Every other request under
 * {@code /api/devices} goes to the dashboard handler when one is mounted, else 404.
 *
 * <p>A mute, retire or their undo that presents no admin key goes to the dashboard too when
 * {@code dashboardActions} is on (its Mute and Retire buttons, under the dashboard's own access
 * rule); both paths end in the same {@link DeviceAdministration}.
 */
public final class DeviceAdminHandler extends Handler.Abstract {
    private static final Logger LOG = Logger.getLogger(DeviceAdminHandler.class.getName());
    private static final Pattern ACTION = Pattern.compile("^/api/devices/([^/]+)/(mute|unmute|retire|unretire)$");
    private final DeviceAdministration administration;
    private final Clock clock;
    private final Supplier<Handler> dashboard;
    private final boolean dashboardActions;

    public DeviceAdminHandler(DeviceAdministration administration, Clock clock,
                              Supplier<Handler> dashboard, boolean dashboardActions) {
        this.administration = administration;
        this.clock = clock;
        this.dashboard = dashboard;
        this.dashboardActions = dashboardActions;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Matcher m = ACTION.matcher(request.getHttpURI().getPath());
        Optional<Query> parsed = Query.of(request);
        boolean adminKeyPresented = parsed.isPresent() && Answers.presentedKey(request, parsed.get()) != null;
        Handler d = dashboard.get();
        if (!m.matches() || !adminKeyPresented && dashboardActions && d != null) {
            if (d == null || !d.handle(request, response, callback)) {
                Answers.text(response, callback, 404, "not found", false);
            }
            return true;
        }
        if (parsed.isEmpty()) {
            Answers.text(response, callback, 400, "malformed query string", true);
            return true;
        }
        try {
            act(request, response, callback, m, parsed.get());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "device request failed: " + e.getClass().getSimpleName());
            Answers.text(response, callback, 500, "internal error", true);
        }
        return true;
    }

    private void act(Request request, Response response, Callback callback, Matcher m, Query query) {
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put("Allow", "POST");
            Answers.text(response, callback, 405, "method not allowed (use POST)", true);
            return;
        }
        String device = m.group(1);
        Instant now = clock.instant();
        try {
            AdminState state;
            switch (m.group(2)) {
                case "retire" -> state = administration.retire(device, now);
                case "unretire" -> state = administration.unretire(device, now);
                case "unmute" -> state = administration.unmute(device, now);
                default -> {
                    Duration d;
                    try {
                        d = Duration.parse(query.getOrDefault("for", ""));
                    } catch (DateTimeParseException e) {
                        Answers.text(response, callback, 400, "for= must be an ISO-8601 duration such as PT1H", true);
                        return;
                    }
                    state = administration.mute(device, d, now);
                }
            }
            Answers.json(response, callback, 200, state.json());
        } catch (IllegalArgumentException e) {
            // The message names the rule broken, never the input.
            Answers.text(response, callback, 400, e.getMessage(), true);
        }
    }
}
