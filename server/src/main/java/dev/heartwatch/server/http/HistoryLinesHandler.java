package dev.heartwatch.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.server.dashboard.DashboardAccess;
import dev.heartwatch.server.dashboard.DashboardHandler;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.StoreUnavailableException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /api/history/lines?since=ISO&until=ISO[&device=ID]} (docs/history.md, "Server
 * contract"): the stored {@code [heartbeat]} and {@code [outage]} lines with
 * {@code since <= ts < until}, exactly as written, one per line in {@code ts} order, streamed
 * from SQLite row by row. The read key is the dashboard's, in the {@code x-heartwatch-key}
 * header only (never in a URL); with no read key configured, loopback clients only, as the
 * dashboard. A few streams at a time; more get {@code 429} with {@code Retry-After}.
 */
public final class HistoryLinesHandler implements HttpHandler {
    public static final String PATH = "/api/history/lines";
    private static final Logger LOG = Logger.getLogger(HistoryLinesHandler.class.getName());
    /** Seconds a client is told to wait when every stream slot is taken. */
    static final String RETRY_AFTER = "5";

    private final HeartwatchStore store;
    private final DashboardAccess access;
    private final Semaphore streams;

    public HistoryLinesHandler(HeartwatchStore store, DashboardAccess access, int concurrentStreams) {
        this.store = store;
        this.access = access;
        this.streams = new Semaphore(concurrentStreams);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            Exchanges.consumeEmptyBody(ex);
            if (!PATH.equals(ex.getRequestURI().getPath())) {
                Exchanges.text(ex, 404, "not found", false);
                return;
            }
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                Exchanges.text(ex, 405, "method not allowed (use GET)", true);
                return;
            }
            if (!allowed(ex)) {
                return;
            }
            Map<String, String> query = FunctionRequest.parseQuery(ex.getRequestURI().getRawQuery());
            Instant since = instant(query.get("since"));
            Instant until = instant(query.get("until"));
            if (since == null || until == null || !since.isBefore(until)) {
                Exchanges.text(ex, 400, "since and until must be ISO-8601 instants (2026-10-01T00:00:00Z), since before until", true);
                return;
            }
            String device = query.get("device");
            if (device != null && !DeviceId.isValid(device)) {
                Exchanges.text(ex, 400, "device must be a device id (lower case [a-z0-9._-], at most 64 characters)", true);
                return;
            }
            if (!streams.tryAcquire()) {
                ex.getResponseHeaders().set("Retry-After", RETRY_AFTER);
                Exchanges.text(ex, 429, "busy: other history requests are being served, retry later", true);
                return;
            }
            try {
                stream(ex, since, until, device);
            } finally {
                streams.release();
            }
        } catch (StoreUnavailableException e) {
            LOG.log(Level.WARNING, "history request failed: " + e.getMessage());
            if (ex.getResponseCode() == -1) {
                ex.getResponseHeaders().set("Retry-After", RETRY_AFTER);
                Exchanges.text(ex, 503, "the store is unavailable, retry later", true);
            } else {
                // Headers are out: end the connection without the final chunk, so the client
                // sees a broken stream rather than a complete-looking partial history.
                throw new IOException("history stream aborted");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "history request failed: " + e.getClass().getSimpleName());
            if (ex.getResponseCode() == -1) {
                Exchanges.text(ex, 500, "internal error", true);
            } else {
                throw new IOException("history stream aborted");
            }
        }
    }

    private void stream(HttpExchange ex, Instant since, Instant until, String device) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(200, 0); // chunked: the length is not known until the last row
        Writer out = new BufferedWriter(new OutputStreamWriter(ex.getResponseBody(), StandardCharsets.UTF_8), 64 * 1024);
        store.streamLines(since, until, device, line -> {
            out.write(line);
            out.write('\n');
        });
        out.close();
        ex.close();
    }

    private boolean allowed(HttpExchange ex) throws IOException {
        if (access.isLoopbackOnly()) {
            InetSocketAddress remote = ex.getRemoteAddress();
            boolean loopback = remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
            if (!loopback || !DashboardHandler.isLoopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
                Exchanges.text(ex, 403, "no read key is configured: history is served to loopback clients only", true);
                return false;
            }
            return true;
        }
        if (!access.accepts(ex.getRequestHeaders().getFirst(DashboardHandler.KEY_HEADER))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "HeartwatchKey");
            Exchanges.text(ex, 401, "read key required in the x-heartwatch-key header", true);
            return false;
        }
        return true;
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
