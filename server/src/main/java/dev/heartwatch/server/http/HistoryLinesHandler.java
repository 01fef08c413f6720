package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.StoreUnavailableException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/history/lines?since=ISO&until=ISO[&device=ID]} (docs/history.md, "Server
 * contract"): the stored {@code [heartbeat]} and {@code [outage]} lines with
 * {@code since <= ts < until}, as stored (each report as the server counts it:
 * {@code LineRepository#streamLines}), one per line in {@code ts} order, streamed from SQLite row
 * by row. Who may read them ({@link AccessFilter}): the dashboard's read key, in the {@code x-heartwatch-key}
 * header only (never in a URL); with no read key configured, loopback clients only, as the
 * dashboard. A few streams at a time; more get {@code 429} with {@code Retry-After}. A stream
 * that runs past {@code HEARTWATCH_RESPONSE_TIMEOUT} is cut (a client on a slow uplink keeps a
 * read connection busy); one whose client stops taking bytes, after Jetty's idle timeout.
 *
 * <p>{@code GET /api/history/registry} (same access): the server's device registry in
 * {@code infra/devices.json}'s layout, so {@code heartwatch history --server} knows each device's
 * schedule and counts a cron device's runs on time (docs/history.md, "Runs on time").
 */
public final class HistoryLinesHandler extends Handler.Abstract {
    public static final String PATH = "/api/history/lines";
    /** The registry the history's schedules come from. */
    public static final String REGISTRY_PATH = "/api/history/registry";
    private static final Logger LOG = Logger.getLogger(HistoryLinesHandler.class.getName());
    /** Seconds a client is told to wait when every stream slot is taken. */
    static final String RETRY_AFTER = "5";

    private final HeartwatchStore store;
    private final Semaphore streams;
    private final Duration streamTime;

    public HistoryLinesHandler(HeartwatchStore store, int concurrentStreams, Duration streamTime) {
        this.store = store;
        this.streams = new Semaphore(concurrentStreams);
        this.streamTime = streamTime;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            serve(request, response, callback);
        } catch (StoreUnavailableException e) {
            LOG.log(Level.WARNING, "history request failed: " + e.getMessage());
            if (!response.isCommitted()) {
                response.getHeaders().put("Retry-After", RETRY_AFTER);
                Answers.text(response, callback, 503, "the store is unavailable, retry later", true);
            } else {
                aborted(callback);
            }
        } catch (IOException e) {
            callback.failed(e); // the client went away mid-stream
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "history request failed: " + e.getClass().getSimpleName());
            if (!response.isCommitted()) {
                Answers.text(response, callback, 500, "internal error", true);
            } else {
                aborted(callback);
            }
        }
        return true;
    }

    /**
     * Headers are out: fail the exchange, so Jetty ends the connection without the final chunk
     * and the client sees a broken stream rather than a complete-looking partial history.
     */
    private static void aborted(Callback callback) {
        callback.failed(new IOException("history stream aborted"));
    }

    /** Whether {@code path} is one this handler serves (the router and the access filter ask). */
    public static boolean serves(String path) {
        return path.startsWith(PATH) || path.equals(REGISTRY_PATH);
    }

    private void serve(Request request, Response response, Callback callback) throws IOException {
        if (REGISTRY_PATH.equals(request.getHttpURI().getPath())) {
            registry(request, response, callback);
            return;
        }
        if (!PATH.equals(request.getHttpURI().getPath())) {
            Answers.text(response, callback, 404, "not found", false);
            return;
        }
        if (!"GET".equals(request.getMethod())) {
            response.getHeaders().put("Allow", "GET, HEAD");
            Answers.text(response, callback, 405, "method not allowed (use GET)", true);
            return;
        }
        Optional<Query> query = Query.of(request);
        Instant since = query.map(q -> instant(q.get("since"))).orElse(null);
        Instant until = query.map(q -> instant(q.get("until"))).orElse(null);
        if (since == null || until == null || !since.isBefore(until)) {
            Answers.text(response, callback, 400, "since and until must be ISO-8601 instants (2026-10-01T00:00:00Z), since before until", true);
            return;
        }
        String device = query.get().get("device");
        if (device != null && !DeviceId.isValid(device)) {
            Answers.text(response, callback, 400, "device must be a device id (lower case [a-z0-9._-], at most 64 characters)", true);
            return;
        }
        if (!streams.tryAcquire()) {
            response.getHeaders().put("Retry-After", RETRY_AFTER);
            Answers.text(response, callback, 429, "busy: other history requests are being served, retry later", true);
            return;
        }
        try {
            stream(response, callback, since, until, device);
        } finally {
            streams.release();
        }
    }

    private void registry(Request request, Response response, Callback callback) {
        if (!"GET".equals(request.getMethod())) {
            response.getHeaders().put("Allow", "GET, HEAD");
            Answers.text(response, callback, 405, "method not allowed (use GET)", true);
            return;
        }
        byte[] body = store.registry().registry().toJson().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.getHeaders().put("Content-Type", "application/json; charset=utf-8");
        response.getHeaders().put("Cache-Control", "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    private void stream(Response response, Callback callback, Instant since, Instant until, String device) throws IOException {
        response.setStatus(200);
        response.getHeaders().put("Content-Type", "text/plain; charset=utf-8");
        response.getHeaders().put("Cache-Control", "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        // No length: Jetty chunks the answer, whose size is not known until the last row.
        Writer out = new BufferedWriter(new OutputStreamWriter(Content.Sink.asOutputStream(response), StandardCharsets.UTF_8), 64 * 1024);
        long deadline = System.nanoTime() + streamTime.toNanos();
        store.streamLines(since, until, device, line -> {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("history stream took longer than " + streamTime);
            }
            out.write(line);
            out.write('\n');
        });
        out.close(); // the last write: the final chunk
        callback.succeeded();
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
