package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PingEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEYED = "/api/ping?code=" + TestConfig.KEY;

    @TempDir
    Path dir;
    RunningServer s;

    @BeforeEach
    void start() throws IOException {
        s = new RunningServer(TestConfig.config(dir), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private List<String> stored() {
        return s.server.store().lineTexts(null, "heartbeat", Instant.EPOCH, Instant.now().plusSeconds(60));
    }

    @Test
    void storesExactlyTheLinePingLoggedAndAnswersOk() throws Exception {
        HttpResponse<String> r = s.post(KEYED, "{\"device\":\"Home Pi\",\"note\":\"hello\",\"seq\":7}");
        assertEquals(200, r.statusCode());
        assertEquals("ok", r.body());
        List<String> lines = stored();
        assertEquals(1, lines.size());
        String line = lines.get(0);
        assertTrue(line.startsWith("[heartbeat] {\"v\":2,"), line);
        JsonNode json = JSON.readTree(line.substring("[heartbeat] ".length()));
        assertEquals("home-pi", json.get("device").asText());
        assertEquals(7, json.get("seq").asInt());
        assertEquals("hello", json.get("note").asText());
        assertFalse(line.contains(TestConfig.KEY), "the key never reaches a line");
    }

    @Test
    void keyInTheHeaderWorksLikeTheCodeQuery() throws Exception {
        HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/api/ping?device=pi2"))
                .header("x-functions-key", TestConfig.KEY).GET());
        assertEquals(200, r.statusCode());
        assertEquals(1, stored().size());
    }

    @Test
    void missingKeyIs401AndStoresNothing() throws Exception {
        HttpResponse<String> r = s.post("/api/ping", "{\"device\":\"pi\"}");
        assertEquals(401, r.statusCode());
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void wrongKeyIs401AndStoresNothing() throws Exception {
        assertEquals(401, s.post("/api/ping?code=" + TestConfig.KEY + "x", "{\"device\":\"pi\"}").statusCode());
        assertEquals(401, s.send(HttpRequest.newBuilder(s.uri("/api/ping?device=pi")).header("x-functions-key", "nope").GET()).statusCode());
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void theClientAddressComesFromTheSocketNotFromHeadersTheClientSent() throws Exception {
        HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri(KEYED))
                .header("X-Forwarded-For", "203.0.113.9").header("X-Client-IP", "198.51.100.7")
                .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"pi\"}")));
        assertEquals(200, r.statusCode());
        assertTrue(stored().get(0).contains("\"ip\":\"127.0.0.1\""), stored().get(0));
    }

    @Test
    void aTrustedProxysLastForwardedHopIsTheClient() throws Exception {
        s.close();
        s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_TRUSTED_PROXIES", "127.0.0.1")), Clock.systemUTC());
        s.send(HttpRequest.newBuilder(s.uri(KEYED)).header("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
                .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"pi\"}")));
        assertTrue(stored().get(0).contains("\"ip\":\"198.51.100.7\""), stored().get(0));
    }

    @Test
    void aBodyOfExactly8KiBIsAccepted() throws Exception {
        String body = "{\"device\":\"pi\",\"note\":\"" + "a".repeat(8192 - 25) + "\"}";
        assertEquals(8192, body.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(200, s.post(KEYED, body).statusCode());
        assertEquals(1, stored().size());
    }

    @Test
    void aBodyOneByteOver8KiBIs413AndStoresNothing() throws Exception {
        String body = "{\"device\":\"pi\",\"note\":\"" + "a".repeat(8193 - 25) + "\"}";
        HttpResponse<String> r = s.post(KEYED, body);
        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("too large"));
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aChunkedBodyOver8KiBIs413BeforeTheRestIsRead() throws Exception {
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + KEYED + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2001\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write("a".repeat(8193).getBytes(StandardCharsets.US_ASCII));
            out.write("\r\n100000\r\n".getBytes(StandardCharsets.US_ASCII)); // promises a megabyte more, never sends it
            out.flush();
            String answer = readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aDeclaredLengthOver8KiBIs413BeforeAnyBodyIsSent() throws Exception {
        try (Socket socket = socket()) {
            socket.getOutputStream().write(("POST " + KEYED + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aClientThatSendsItsBodyTooSlowlyIsCutOffAndNothingIsStored() throws Exception {
        try (Socket socket = socket()) {
            socket.getOutputStream().write(("POST " + KEYED + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"device\":")
                    .getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            String answer = readAll(socket.getInputStream());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("Connection: close"), answer);
            assertTrue(ms < 6_000, "cut off after the 2 s request timeout, took " + ms + " ms");
        }
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aClientThatSendsItsHeadersTooSlowlyIsCutOff() throws Exception {
        try (Socket socket = socket()) {
            socket.getOutputStream().write(("POST " + KEYED + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            assertEquals("", readAll(socket.getInputStream()));
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 6_000);
        }
        // The server still serves everyone else.
        assertEquals(200, s.post(KEYED, "{\"device\":\"pi\"}").statusCode());
    }

    @Test
    void brokenJsonIsAnEmptyBodyAsTheContractSays() throws Exception {
        HttpResponse<String> r = s.post(KEYED, "{\"device\": \"pi\", oops");
        assertEquals(200, r.statusCode());
        assertEquals(0, stored().size(), "no device: no heartbeat");
        List<String> probes = s.server.store().lineTexts(null, "probe", Instant.EPOCH, Instant.now().plusSeconds(60));
        assertEquals(1, probes.size());
        assertTrue(probes.get(0).startsWith("[probe] "));
    }

    @Test
    void otherMethodsAre405() throws Exception {
        for (String m : List.of("PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri(KEYED)).method(m, HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(405, r.statusCode(), m);
            assertEquals("GET, POST", r.headers().firstValue("Allow").orElse(""));
        }
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void otherPathsAre404WithoutDetails() throws Exception {
        for (String p : List.of("/api/pingx", "/api/ping/extra")) {
            HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri(p)).GET());
            assertEquals(404, r.statusCode(), p);
            assertFalse(r.body().contains("Exception"), r.body());
        }
        // Everything else belongs to the dashboard, which wants its read key before anything.
        for (String p : List.of("/", "/nothing")) {
            HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri(p)).GET());
            assertEquals(401, r.statusCode(), p);
            assertFalse(r.body().contains("Exception"), r.body());
        }
    }

    @Test
    void jettysOwnErrorsArePlainTextWithoutDetails() throws Exception {
        // A malformed percent-encoding, a request head over 8 KiB, a broken request line: the
        // HTTP layer refuses them before any route, in the routes' plain form.
        // 505 for a protocol that is not HTTP/1.x: the status RFC 9110 has for it.
        Map<String, String> requests = Map.of(
                "GET /api/ping%ZZ HTTP/1.1\r\nHost: x\r\n\r\n", "400",
                "GET /api/ping?code=" + TestConfig.KEY + " HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(9000) + "\r\n\r\n", "431",
                "BREW /api/ping HTCPCP/1.0\r\n\r\n", "505");
        for (Map.Entry<String, String> request : requests.entrySet()) {
            try (Socket socket = socket()) {
                socket.getOutputStream().write(request.getKey().getBytes(StandardCharsets.US_ASCII));
                String answer = readAll(socket.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 " + request.getValue() + " "), answer);
                assertTrue(answer.contains("Content-Type: text/plain"), answer);
                assertFalse(answer.contains("<") || answer.contains("Exception") || answer.contains("jetty")
                        || answer.contains("ZZ"), answer);
            }
        }
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aMalformedQueryIs400AndStoresNothing() throws Exception {
        try (Socket socket = socket()) {
            socket.getOutputStream().write(("GET /api/ping?code=" + TestConfig.KEY + "&device=%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void concurrentRequestsAreAllStoredBeforeTheyAreAcknowledged() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int seq = i;
                results.add(pool.submit(() -> s.post(KEYED, "{\"device\":\"d" + (seq % 7) + "\",\"seq\":" + seq + "}").statusCode()));
            }
            for (Future<Integer> f : results) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(400, stored().size());
        assertEquals(7, s.server.store().devices().all(java.util.Set.of()).size());
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", s.server.port()), 5_000);
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
