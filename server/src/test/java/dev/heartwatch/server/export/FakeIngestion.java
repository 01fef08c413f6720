package dev.heartwatch.server.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * Application Insights' ingestion endpoint as the Java agent 3.5.3 talks to it, on loopback:
 * {@code GET /api/profiles/<ikey>/appId} answers an app id, {@code POST /v2.1/track} takes
 * gzip'd newline-delimited JSON envelopes and answers the documented
 * {@code {"itemsReceived":n,"itemsAccepted":n,"errors":[]}}.
 */
final class FakeIngestion implements AutoCloseable {
    static final String APP_ID = "7f1e0c3a-0000-4000-8000-00000000a11d";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> envelopes = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    FakeIngestion() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    List<JsonNode> envelopes() {
        return List.copyOf(envelopes);
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            if ("GET".equals(ex.getRequestMethod()) && path.matches("/api/profiles/[^/]+/appId")) {
                send(ex, 200, "text/plain", APP_ID);
            } else if ("POST".equals(ex.getRequestMethod()) && path.equals("/v2.1/track")) {
                byte[] raw = ex.getRequestBody().readAllBytes();
                InputStream in = new ByteArrayInputStream(raw);
                if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                List<JsonNode> batch = new ArrayList<>();
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        if (!line.isBlank()) {
                            batch.add(JSON.readTree(line));
                        }
                    }
                }
                envelopes.addAll(batch);
                send(ex, 200, "application/json", "{\"itemsReceived\":" + batch.size()
                        + ",\"itemsAccepted\":" + batch.size() + ",\"errors\":[]}");
            } else {
                send(ex, 404, "text/plain", "not found");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
