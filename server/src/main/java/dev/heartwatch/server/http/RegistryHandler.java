package dev.heartwatch.server.http;

import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.server.store.RegistryAdministration;
import dev.heartwatch.server.store.RegistryAdministration.Outcome;
import dev.heartwatch.server.store.RegistryAdministration.Refused;
import dev.heartwatch.server.store.RegistryRepository.Precondition;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The registry admin API (docs/dashboard.md, "API"), behind the admin key ({@link AccessFilter}
 * judges every path under {@code /api/registry} by the admin rule):
 * <ul>
 *   <li>{@code GET /api/registry}: the registry in {@code infra/devices.json}'s layout;
 *   <li>{@code PUT /api/registry/devices/{id}}: one entry, at most 8 KiB; {@code If-None-Match: *}
 *       makes it an add (412 when the device has an entry), {@code If-Match: *} a change (412
 *       when it has none), as RFC 9110 §13.1.1–13.1.2 define them for {@code *};
 *   <li>{@code DELETE /api/registry/devices/{id}}: 200, or 404 when it had no entry;
 *   <li>{@code PUT /api/registry}: a whole devices.json, at most 1 MiB, replacing every entry in
 *       one transaction.
 * </ul>
 * A refused body is {@code 400} with every problem, one a line, and nothing is written.
 */
public final class RegistryHandler extends Handler.Abstract {
    public static final String PATH = "/api/registry";
    private static final Logger LOG = Logger.getLogger(RegistryHandler.class.getName());
    private static final Pattern DEVICE = Pattern.compile("^/api/registry/devices/([^/]+)$");

    private final RegistryAdministration registry;
    private final Clock clock;

    public RegistryHandler(RegistryAdministration registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Whether {@code path} is this handler's ({@code /api/registry} or below it). */
    public static boolean owns(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        try {
            if (path.equals(PATH)) {
                whole(request, response, callback);
                return true;
            }
            Matcher m = DEVICE.matcher(path);
            if (m.matches()) {
                device(request, response, callback, m.group(1));
                return true;
            }
            Answers.text(response, callback, 404, "not found", true);
        } catch (IOException e) {
            if (Answers.isTimeout(e)) {
                Answers.text(response, callback, 408, "request timeout: the body did not arrive in time", true);
            } else {
                callback.failed(e); // the client went away: nothing to answer
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "registry request failed: " + e.getClass().getSimpleName());
            Answers.text(response, callback, 500, "internal error", true);
        }
        return true;
    }

    private void whole(Request request, Response response, Callback callback) throws IOException {
        switch (request.getMethod()) {
            case "GET" -> Answers.json(response, callback, 200,
                    registry.registry().toJson().getBytes(StandardCharsets.UTF_8));
            case "PUT" -> {
                String body = body(request, response, callback, RegistryAdministration.MAX_REGISTRY_BYTES);
                if (body == null) {
                    return;
                }
                DeviceRegistry r;
                try {
                    r = RegistryAdministration.file(body);
                } catch (Refused e) {
                    Answers.text(response, callback, 400, e.text(), true);
                    return;
                }
                registry.replaceAll(r, clock.instant());
                Answers.json(response, callback, 200,
                        ("{\"devices\":" + r.devices().size() + "}").getBytes(StandardCharsets.UTF_8));
            }
            default -> notAllowed(response, callback, "GET, PUT");
        }
    }

    private void device(Request request, Response response, Callback callback, String device) throws IOException {
        switch (request.getMethod()) {
            case "PUT" -> {
                Precondition precondition = precondition(request);
                if (precondition == null) {
                    Answers.text(response, callback, 400, "If-Match and If-None-Match take only \"*\", and not both", true);
                    return;
                }
                String body = body(request, response, callback, RegistryAdministration.MAX_ENTRY_BYTES);
                if (body == null) {
                    return;
                }
                RegisteredDevice entry;
                try {
                    entry = RegistryAdministration.entry(device, body);
                } catch (Refused e) {
                    Answers.text(response, callback, 400, e.text(), true);
                    return;
                }
                Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                Outcome outcome = registry.put(entry, precondition, now);
                switch (outcome) {
                    case ALREADY_THERE -> Answers.text(response, callback, 412, "device \"" + device + "\" already has an entry", false);
                    case NOT_THERE -> Answers.text(response, callback, 412, "device \"" + device + "\" has no entry", false);
                    default -> Answers.json(response, callback, 200, RegistryAdministration.putAnswer(entry, now));
                }
            }
            case "DELETE" -> {
                if (!dev.heartwatch.core.contract.DeviceId.isValid(device)) {
                    Answers.text(response, callback, 400, "not a device id (lower case [a-z0-9._-], at most 64 characters)", true);
                } else if (registry.remove(device)) {
                    Answers.json(response, callback, 200,
                            ("{\"device\":\"" + device + "\",\"removed\":true}").getBytes(StandardCharsets.UTF_8));
                } else {
                    Answers.text(response, callback, 404, "device \"" + device + "\" has no entry", false);
                }
            }
            default -> notAllowed(response, callback, "PUT, DELETE");
        }
    }

    /** {@code *} is the only entity tag a registry entry has (it has no versions). */
    private static Precondition precondition(Request request) {
        String match = request.getHeaders().get("If-Match");
        String noneMatch = request.getHeaders().get("If-None-Match");
        if (match != null && noneMatch != null) {
            return null;
        }
        if (match != null) {
            return match.strip().equals("*") ? Precondition.PRESENT : null;
        }
        if (noneMatch != null) {
            return noneMatch.strip().equals("*") ? Precondition.ABSENT : null;
        }
        return Precondition.ANY;
    }

    /** The body as UTF-8 text, or {@code null} once it has been answered (413, 400). */
    private static String body(Request request, Response response, Callback callback, int limit) throws IOException {
        byte[] raw;
        try {
            raw = Answers.readBody(request, limit);
        } catch (Answers.TooLarge e) {
            Answers.text(response, callback, 413, "body too large (at most " + (limit / 1024) + " KiB)", true);
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            Answers.text(response, callback, 400, "the body is not UTF-8", true);
            return null;
        }
    }

    private static void notAllowed(Response response, Callback callback, String allow) {
        response.getHeaders().put("Allow", allow);
        Answers.text(response, callback, 405, "method not allowed (use " + allow + ")", true);
    }
}
