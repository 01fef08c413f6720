package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.PingRequest;
import dev.heartwatch.core.contract.RequestForm;
import dev.heartwatch.server.export.LineExport;
import dev.heartwatch.server.ingest.Admission;
import dev.heartwatch.server.store.LineWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET|POST /api/ping}: what Azure's host and {@code Ping} do together. The key has been
 * checked by {@link AccessFilter} (the host's {@code authLevel: function}: {@code x-functions-key}
 * or {@code ?code=}) before the body is read; the body is bounded, then the request is read once with {@link PingRequest#read} and its lines
 * ({@link PingRequest#lines}) go to the store as typed lines; the answer is sent only once they
 * are committed. The contract suite ({@code PingContract} in core's tests) holds this to {@code Ping}.
 * A request naming devices the server has never stored goes through {@link Admission} first,
 * under the key it presented: beyond the limit it gets {@code 429} with {@code Retry-After},
 * and nothing of it is stored.
 */
public final class PingHandler extends Handler.Abstract {
    private static final Logger LOG = Logger.getLogger(PingHandler.class.getName());
    public static final String PATH = "/api/ping";

    private final KeyRing keys;
    private final DeviceKeys deviceKeys;
    private final Set<String> trustedProxies;
    private final LineWriter writer;
    private final Clock clock;
    private final Duration commitTimeout;
    private final CommitDeadlines deadlines = CommitDeadlines.shared();
    private final LineExport export;
    private final Admission admission;

    /**
     * @param keys       every ping key: {@link AccessFilter} refused the others; here it names the
     *                   key a request came with, for {@link Admission}, never the key itself
     * @param deviceKeys the keys bound to devices, checked against the request's lines
     */
    public PingHandler(KeyRing keys, DeviceKeys deviceKeys, Set<String> trustedProxies, LineWriter writer, Clock clock,
                       Duration commitTimeout, LineExport export, Admission admission) {
        this.keys = keys;
        this.deviceKeys = deviceKeys;
        this.admission = admission;
        this.trustedProxies = Set.copyOf(trustedProxies);
        this.writer = writer;
        this.clock = clock;
        this.commitTimeout = commitTimeout;
        this.export = export;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            serve(request, response, callback);
        } catch (IOException e) {
            if (Answers.isTimeout(e)) {
                Answers.text(response, callback, 408, "request timeout: the body did not arrive in time", true);
            } else {
                callback.failed(e); // the client went away: nothing to answer
            }
        } catch (RuntimeException e) {
            // Nothing a client sends gets here (PingRequest.read never throws); a bug of ours
            // gets the same answer Ping gives: a 400 without details, never a 5xx with a trace.
            LOG.log(Level.WARNING, "ping request failed: " + e.getClass().getSimpleName());
            Answers.text(response, callback, 400, "bad request", true);
        }
        return true;
    }

    private void serve(Request request, Response response, Callback callback) throws IOException {
        if (!PATH.equals(request.getHttpURI().getPath())) {
            Answers.text(response, callback, 404, "not found", true);
            return;
        }
        String method = request.getMethod();
        if (!"GET".equals(method) && !"POST".equals(method)) {
            response.getHeaders().put("Allow", "GET, POST");
            Answers.text(response, callback, 405, "method not allowed (use GET or POST)", true);
            return;
        }
        Optional<Query> parsed = Query.of(request);
        if (parsed.isEmpty()) {
            Answers.text(response, callback, 400, "malformed query string", true);
            return;
        }
        Query query = parsed.get();
        String key = Answers.presentedKey(request, query); // checked by AccessFilter; PingRequest keeps it out of every line
        Optional<String> keyId = request.getAttribute(AccessFilter.PING_KEY_ID) instanceof String id
                ? Optional.of(id) : keys.match(key);
        if (keyId.isEmpty()) {
            // AccessFilter lets no other key through; kept so that this handler alone is never open.
            Answers.text(response, callback, 401, "missing or wrong key (x-functions-key header or code query parameter)", true);
            return;
        }
        String ip = Peer.clientAddress(request, trustedProxies).orElse(null);
        // The form (a single beat, or a batch of an agent's checks) sets the body cap before a byte is read.
        RequestForm form = RequestForm.of(name -> header(request, name, ip));
        if (form == RequestForm.UNSUPPORTED) {
            Answers.text(response, callback, 400, RequestForm.unsupportedAnswer(), true);
            return;
        }
        byte[] raw;
        try {
            raw = Answers.readBody(request, form.maxBodyBytes());
        } catch (Answers.TooLarge e) {
            Answers.text(response, callback, 413, form.tooLargeAnswer(), true);
            return;
        }
        PingRequest ping = PingRequest.read(raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8),
                name -> header(request, name, ip),
                query::get,
                key);
        long now = clock.millis();
        List<ContractLine> lines = ping.lines(now);
        Optional<String> refused = deviceKeys.refusal(key, lines);
        if (refused.isPresent()) {
            Answers.text(response, callback, 403, refused.get(), true);
            return;
        }
        if (admission.admit(keyId.get(), devices(lines), Instant.ofEpochMilli(now)) instanceof Admission.Refused tooMany) {
            response.getHeaders().put("Retry-After", Long.toString(tooMany.retryAfter().toSeconds()));
            Answers.text(response, callback, 429, tooMany.reason(), false);
            return;
        }
        // Answered when the lines are durable, from the thread that made them so: no request
        // thread waits on the commit (a blocked thread per request cost a park and a wake-up
        // each, the largest share of the ingest path after HTTP parsing; docs/server.md).
        deadlines.watch(writer.submit(lines), commitTimeout.toNanos())
                .whenComplete((committed, failure) -> answerStored(lines, ping.answer(), failure, response, callback));
    }

    /** The answer once the commit is known: 200 only for lines on disk, 503 for anything else. */
    private void answerStored(List<ContractLine> lines, String ok, Throwable failure, Response response, Callback callback) {
        if (failure != null) {
            Answers.text(response, callback, 503, "not stored, retry later", true);
            return;
        }
        try {
            exportStored(lines);
        } finally {
            Answers.plain(response, callback, 200, ok);
        }
    }

    /** The devices a request's lines beat for (one, or a batch's items), in order. */
    private static Set<String> devices(List<ContractLine> lines) {
        Set<String> out = new LinkedHashSet<>();
        for (ContractLine line : lines) {
            if (line instanceof HeartbeatLine beat) {
                out.add(beat.device());
            }
        }
        return out;
    }

    /**
     * The headers {@link PingRequest} reads, as Azure's front end presents them: {@code X-Client-IP}
     * is the address found from the socket (a client must not choose its own), and
     * {@code X-Forwarded-For} is already folded into it.
     */
    private static String header(Request request, String name, String clientAddress) {
        if ("X-Client-IP".equalsIgnoreCase(name)) {
            return clientAddress;
        }
        if ("X-Forwarded-For".equalsIgnoreCase(name)) {
            return null;
        }
        return request.getHeaders().get(name);
    }

    /** Only now, committed: the export carries what the store holds and the client is told. */
    private void exportStored(List<ContractLine> lines) {
        for (ContractLine line : lines) {
            try {
                export.export(line);
            } catch (RuntimeException e) {
                // A lost export must not turn a stored, acknowledged beat into an error.
                LOG.log(Level.WARNING, "export failed: " + e.getClass().getSimpleName());
            }
        }
    }
}
