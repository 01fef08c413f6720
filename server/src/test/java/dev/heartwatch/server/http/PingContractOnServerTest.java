package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.PingContract;
import dev.heartwatch.server.HeartwatchServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ping contract against heartwatch-server's {@code /api/ping}, over loopback from
 * {@code 127.0.0.1}; the lines are the ones committed, as the export receives them after the
 * store acknowledged them (canonical text, {@code LineCodec}).
 */
class PingContractOnServerTest extends PingContract {
    @TempDir
    static Path dir;
    private static HeartwatchServer server;
    private static final List<String> committed = new CopyOnWriteArrayList<>();
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        server = HeartwatchServer.start(TestConfig.config(dir, Map.of("HEARTWATCH_KEYS", KEY)),
                Clock.fixed(NOW, ZoneOffset.UTC), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                line -> committed.add(LineCodec.encode(line)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Answer ping(Call call) throws Exception {
        committed.clear();
        String query = call.query.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/ping"
                        + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(10))
                .method(call.method, call.body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(call.body, StandardCharsets.UTF_8));
        call.headers.forEach(request::header);
        HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), List.copyOf(committed), r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
