package dev.heartwatch.server.http;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.heartwatch.core.contract.Limits;
import dev.heartwatch.function.Ping;
import dev.heartwatch.server.export.LineExport;
import dev.heartwatch.server.store.LineWriter;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET|POST /api/ping}: does what the Functions host does around {@code Ping} (key check,
 * {@code X-Client-IP} from the socket, body to a string), invokes the very same
 * {@link Ping} class through the library's interfaces, stores the lines it logged, and answers
 * only once they are committed.
 */
public final class PingHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(PingHandler.class.getName());
    static final String PATH = "/api/ping";

    private final Ping ping;
    private final KeyRing keys;
    private final Set<String> trustedProxies;
    private final LineWriter writer;
    private final Clock clock;
    private final Duration commitTimeout;
    private final LineExport export;

    public PingHandler(Ping ping, KeyRing keys, Set<String> trustedProxies, LineWriter writer, Clock clock,
                       Duration commitTimeout, LineExport export) {
        this.export = export;
        this.ping = ping;
        this.keys = keys;
        this.trustedProxies = Set.copyOf(trustedProxies);
        this.writer = writer;
        this.clock = clock;
        this.commitTimeout = commitTimeout;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            serve(ex);
        } catch (IOException e) {
            // The client went away or was cut off (read timeout): nothing to answer.
            ex.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ping request failed: " + e.getClass().getSimpleName());
            try {
                Exchanges.text(ex, 500, "internal error", true);
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        URI uri = ex.getRequestURI();
        if (!PATH.equals(uri.getPath())) {
            Exchanges.text(ex, 404, "not found", true);
            return;
        }
        HttpMethod method = "GET".equals(ex.getRequestMethod()) ? HttpMethod.GET
                : "POST".equals(ex.getRequestMethod()) ? HttpMethod.POST : null;
        if (method == null) {
            ex.getResponseHeaders().set("Allow", "GET, POST");
            Exchanges.text(ex, 405, "method not allowed (use GET or POST)", true);
            return;
        }
        Map<String, String> query = FunctionRequest.parseQuery(uri.getRawQuery());
        if (!keys.matches(Exchanges.presentedKey(ex, query))) {
            // Like Azure's host: refused before the function runs; the body is never read.
            Exchanges.text(ex, 401, "missing or wrong key (x-functions-key header or code query parameter)", true);
            return;
        }
        byte[] raw;
        try {
            raw = Exchanges.readBody(ex, Limits.MAX_BODY_BYTES);
        } catch (Exchanges.TooLarge e) {
            Exchanges.text(ex, 413, "request body too large (at most " + Limits.MAX_BODY_BYTES + " bytes)", true);
            return;
        }
        FunctionRequest request = new FunctionRequest(uri, method, headersFor(ex), query,
                raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8));
        FunctionContext context = new FunctionContext();
        HttpResponseMessage response = ping.run(request, context);
        if (!store(context.lines())) {
            Exchanges.text(ex, 503, "not stored, retry later", true);
            return;
        }
        reply(ex, (FunctionResponse) response);
    }

    /**
     * The client's headers minus {@code X-Client-IP} and {@code X-Forwarded-For} (a client must
     * not choose its own address), plus {@code X-Client-IP} from the socket, as Azure's front end sets it.
     */
    private Map<String, String> headersFor(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            String name = h.getKey();
            if (name.equalsIgnoreCase("X-Client-IP") || name.equalsIgnoreCase("X-Forwarded-For")) {
                continue;
            }
            out.put(name, String.join(", ", h.getValue()));
        }
        Exchanges.clientAddress(ex, trustedProxies).ifPresent(ip -> out.put("X-Client-IP", ip));
        return out;
    }

    private boolean store(List<String> messages) {
        // Temporary (until the http branch's PingRequest ingest lands): Ping's messages back to
        // the contract lines the store takes; anything else Ping logs is not a fact.
        List<ContractLine> lines = new ArrayList<>(messages.size());
        List<String> texts = new ArrayList<>(messages.size());
        for (String m : messages) {
            try {
                lines.add(LineCodec.decode(m));
                texts.add(m);
            } catch (MalformedLineException e) {
                LOG.log(Level.FINE, "not a contract line, not stored");
            }
        }
        try {
            writer.submit(lines).get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        // Only now, committed: the export carries what the store holds and the client is told.
        texts.forEach(this::exportQuietly);
        return true;
    }

    private void exportQuietly(String text) {
        try {
            export.export(text);
        } catch (RuntimeException e) {
            // A lost export must not turn a stored, acknowledged beat into an error.
            LOG.log(Level.WARNING, "export failed: " + e.getClass().getSimpleName());
        }
    }

    private static void reply(HttpExchange ex, FunctionResponse response) throws IOException {
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            ex.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        Object body = response.getBody();
        byte[] bytes = body == null ? new byte[0]
                : body instanceof byte[] b ? b : body.toString().getBytes(StandardCharsets.UTF_8);
        Exchanges.send(ex, response.getStatusCode(), bytes);
    }
}
