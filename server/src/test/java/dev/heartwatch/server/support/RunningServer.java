package dev.heartwatch.server.support;

import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.HeartwatchServer;
import dev.heartwatch.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** An in-process server for a test, with a client and its console output. */
public final class RunningServer implements AutoCloseable {
    public final HeartwatchServer server;
    public final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public RunningServer(ServerConfig config, Clock clock) throws IOException {
        this.server = HeartwatchServer.start(config, clock, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    /** A server whose HTTPS channels trust {@code channelTrust} (the loopback fakes' test CA). */
    public RunningServer(ServerConfig config, Clock clock, javax.net.ssl.SSLContext channelTrust) throws IOException {
        this.server = HeartwatchServer.start(config, clock, new PrintStream(console, true, StandardCharsets.UTF_8),
                dev.heartwatch.server.export.LineExport.none(), channelTrust);
    }

    public URI uri(String pathAndQuery) {
        return URI.create(server.baseUri() + pathAndQuery);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String pathAndQuery, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A heartbeat request with the ping key; fails the test unless it is accepted. */
    public HttpResponse<String> ping(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/ping")).header("x-functions-key", TestConfig.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (r.statusCode() != 200) {
            throw new AssertionError("ping refused: " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    /** The status the evaluator last recorded for {@code device} (UNKNOWN before the first). */
    public DeviceStatus status(String device) {
        return server.store().devices().device(device).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
    }

    public String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
