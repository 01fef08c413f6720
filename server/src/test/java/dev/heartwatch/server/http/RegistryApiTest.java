package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import dev.heartwatch.server.support.RawHttp;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry admin API against the real server over loopback: who may use it, each route,
 * and bad input refused with every problem and nothing written.
 */
class RegistryApiTest {
    static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
    static final String DEVICE_KEY = "test-device-key-registry-0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    RunningServer s;

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_DEVICE_KEYS", DEVICE_KEY + ":nas")),
                new MutableClock(NOW));
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(s.uri(path)).header("x-functions-key", TestConfig.ADMIN_KEY);
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return s.send(admin(path).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private DeviceRegistry stored() {
        return s.server.store().registry().registry();
    }

    @Test
    void onlyTheAdminKeyOpensIt() throws Exception {
        String body = "{\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"}";
        for (String key : new String[] {TestConfig.KEY, DEVICE_KEY, TestConfig.READ_KEY, "x".repeat(40)}) {
            HttpResponse<String> viaHeader = s.send(HttpRequest.newBuilder(s.uri("/api/registry/devices/nas"))
                    .header("x-functions-key", key).PUT(HttpRequest.BodyPublishers.ofString(body)));
            assertEquals(401, viaHeader.statusCode(), viaHeader.body());
            assertEquals(401, s.send(HttpRequest.newBuilder(s.uri("/api/registry?code=" + key)).GET()).statusCode());
        }
        // The dashboard's read key in its own header is no admin key either, not even for a read.
        assertEquals(401, s.send(HttpRequest.newBuilder(s.uri("/api/registry"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).GET()).statusCode());
        assertEquals(401, s.send(HttpRequest.newBuilder(s.uri("/api/registry")).GET()).statusCode());
        assertEquals(401, s.send(HttpRequest.newBuilder(s.uri("/api/registry/anything")).GET()).statusCode());
        assertTrue(stored().devices().isEmpty());
        // ?code= works as for the mute and retire routes.
        assertEquals(200, s.send(HttpRequest.newBuilder(s.uri("/api/registry?code=" + TestConfig.ADMIN_KEY)).GET()).statusCode());
    }

    @Test
    void withoutAdminKeysItIsOff() throws Exception {
        s.close();
        Map<String, String> settings = TestConfig.settings(dir.resolve("off"));
        settings.remove("HEARTWATCH_ADMIN_KEYS");
        s = new RunningServer(dev.heartwatch.server.config.ServerConfig.fromMap(settings), new MutableClock(NOW));
        HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/api/registry"))
                .header("x-functions-key", TestConfig.ADMIN_KEY).GET());
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("HEARTWATCH_ADMIN_KEYS"), r.body());
    }

    @Test
    void putAnEntryWritesItAndAnswersItsNextDueTimes() throws Exception {
        HttpResponse<String> r = put("/api/registry/devices/backup",
                "{\"id\": \"backup\", \"cron\": \"30 2 * * *\", \"timeZone\": \"Asia/Kolkata\", \"grace\": \"PT1H\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode answer = JSON.readTree(r.body());
        assertEquals("30 2 * * *", answer.get("entry").get("cron").asText());
        // 02:30 IST is 21:00Z, from the server's clock.
        assertEquals(List.of("2026-12-02T21:00:00Z", "2026-12-03T21:00:00Z", "2026-12-04T21:00:00Z"),
                JSON.convertValue(answer.get("nextDue"), List.class));
        assertEquals(new Schedule.Cron("30 2 * * *", ZoneId.of("Asia/Kolkata"), Duration.ofHours(1)),
                stored().scheduleOf("backup"));

        // A plain string is an expected device on the default schedule; a put replaces.
        HttpResponse<String> plain = put("/api/registry/devices/backup", "\"backup\"");
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals("\"backup\"", JSON.readTree(plain.body()).get("entry").toString());
        assertEquals(List.of(RegisteredDevice.expected("backup")), stored().devices());
    }

    @Test
    void getAnswersTheRegistryInTheFilesLayout() throws Exception {
        put("/api/registry/devices/router", "\"router\"");
        put("/api/registry/devices/nas", "{\"id\": \"nas\", \"expected\": false, \"period\": \"PT10M\", \"grace\": \"PT5M\","
                + " \"channels\": [\"email\"]}");
        HttpResponse<String> r = s.send(admin("/api/registry").GET());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(stored().toJson(), r.body());
        DeviceRegistry read = DeviceRegistry.parse(r.body());
        assertEquals(List.of("nas", "router"), read.devices().stream().map(RegisteredDevice::id).toList());
        assertEquals(List.of("email"), read.find("nas").orElseThrow().channels());
    }

    @Test
    void aBadEntryIsRefusedWithEveryProblemAndNothingWritten() throws Exception {
        HttpResponse<String> r = put("/api/registry/devices/backup",
                "{\"id\": \"backup\", \"cron\": \"61 * * * *\", \"timeZone\": \"Etc/UTC\", \"grace\": \"PT1H\", \"grase\": 1}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals(2, r.body().lines().count(), "every problem, one a line: " + r.body());
        assertTrue(r.body().contains("unknown field \"grase\""), r.body());
        assertTrue(r.body().contains("five-field"), r.body());
        HttpResponse<String> zone = put("/api/registry/devices/backup",
                "{\"id\": \"backup\", \"cron\": \"30 2 * * *\", \"timeZone\": \"Mars/Olympus\", \"grace\": \"PT1H\"}");
        assertEquals(400, zone.statusCode());
        assertTrue(zone.body().contains("Europe/Berlin"), "says what would be valid: " + zone.body());

        HttpResponse<String> grace = put("/api/registry/devices/nas", "{\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"-PT5M\"}");
        assertEquals(400, grace.statusCode());
        assertTrue(grace.body().startsWith("device \"nas\": grace must be a positive ISO-8601 duration"), grace.body());

        assertEquals(400, put("/api/registry/devices/nas", "{\"id\": \"router\"}").statusCode(), "id must match the path");
        assertEquals(400, put("/api/registry/devices/nas", "\"router\"").statusCode());
        assertEquals(400, put("/api/registry/devices/nas", "\"nas\", \"router\"").statusCode(), "one entry only");
        assertEquals(400, put("/api/registry/devices/nas", "\"nas\"], [\"router\"").statusCode(), "no splicing");
        assertEquals(400, put("/api/registry/devices/nas", "").statusCode());
        assertEquals(400, put("/api/registry/devices/Home%20Pi", "\"home-pi\"").statusCode());
        assertEquals(400, s.send(admin("/api/registry/devices/nas")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'"', (byte) 0xff, '"'}))).statusCode());
        assertTrue(stored().devices().isEmpty());
    }

    @Test
    void hostileTextIsAnsweredSanitisedAndBounded() throws Exception {
        StringBuilder many = new StringBuilder("[");
        for (int k = 0; k < 100; k++) {
            many.append(k == 0 ? "" : ",").append("\"Bad Id ").append(k).append("\\u001b[2J\\n[heartbeat] forged\"");
        }
        HttpResponse<String> r = put("/api/registry", many.append("]").toString());
        assertEquals(400, r.statusCode());
        assertFalse(r.body().contains("\u001b"), r.body());
        assertFalse(r.body().contains("\n[heartbeat]"), r.body());
        List<String> lines = r.body().lines().toList();
        assertEquals(21, lines.size(), r.body());
        assertEquals("... and 80 more", lines.get(20));
    }

    @Test
    void addAndChangePreconditionsAre412() throws Exception {
        HttpResponse<String> change = s.send(admin("/api/registry/devices/nas").header("If-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString("\"nas\"")));
        assertEquals(412, change.statusCode());
        assertTrue(stored().devices().isEmpty());
        assertEquals(200, s.send(admin("/api/registry/devices/nas").header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString("\"nas\""))).statusCode());
        assertEquals(412, s.send(admin("/api/registry/devices/nas").header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"id\": \"nas\", \"expected\": false}"))).statusCode());
        assertEquals(200, s.send(admin("/api/registry/devices/nas").header("If-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"id\": \"nas\", \"expected\": false}"))).statusCode());
        assertFalse(stored().find("nas").orElseThrow().expected());
        assertEquals(400, s.send(admin("/api/registry/devices/nas").header("If-Match", "\"v1\"")
                .PUT(HttpRequest.BodyPublishers.ofString("\"nas\""))).statusCode());
    }

    @Test
    void deleteRemovesAnEntryOr404() throws Exception {
        put("/api/registry/devices/nas", "\"nas\"");
        HttpResponse<String> r = s.send(admin("/api/registry/devices/nas").DELETE());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(stored().devices().isEmpty());
        assertEquals(404, s.send(admin("/api/registry/devices/nas").DELETE()).statusCode());
        assertEquals(400, s.send(admin("/api/registry/devices/NAS").DELETE()).statusCode());
    }

    @Test
    void putTheWholeRegistryReplacesItOrWritesNothing() throws Exception {
        put("/api/registry/devices/old", "\"old\"");
        String file = "[\"router\", {\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"}]";
        HttpResponse<String> r = put("/api/registry", file);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2, JSON.readTree(r.body()).get("devices").asInt());
        assertEquals(DeviceRegistry.parse(file).devices().stream().map(RegisteredDevice::id).sorted().toList(),
                stored().devices().stream().map(RegisteredDevice::id).toList());

        HttpResponse<String> bad = put("/api/registry", "[\"a\", {\"id\": \"b\", \"cron\": \"61 * * * *\", \"timeZone\": \"Etc/UTC\","
                + " \"grace\": \"PT1H\"}, \"a\"]");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("entry 2 (\"b\")"), bad.body());
        assertTrue(bad.body().contains("entry 3 (\"a\"): device \"a\" is listed twice"), bad.body());
        assertEquals(List.of("nas", "router"), stored().devices().stream().map(RegisteredDevice::id).toList());
    }

    @Test
    void bodiesOverTheirCapAre413AndALargeRegistryFitsItsOwn() throws Exception {
        String big = "{\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"" + " ".repeat(9000) + "}";
        assertEquals(413, put("/api/registry/devices/nas", big).statusCode());
        // A real registry over 8 KiB (the ping's cap) but under 1 MiB goes in, also chunked.
        StringBuilder file = new StringBuilder("[");
        for (int k = 0; k < 2000; k++) {
            file.append(k == 0 ? "" : ",").append("\"device-").append(k).append('"');
        }
        String text = file.append("]").toString();
        assertTrue(text.length() > 8 * 1024);
        assertEquals(200, put("/api/registry", text).statusCode());
        assertEquals(2000, stored().devices().size());
        HttpResponse<String> chunked = s.send(admin("/api/registry").PUT(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(text.replace("device-1\"", "device-x\"").getBytes(StandardCharsets.UTF_8)))));
        assertEquals(200, chunked.statusCode(), chunked.body());
        assertTrue(stored().find("device-x").isPresent());
        // Over 1 MiB: declared, refused before a byte of it is read; chunked, refused at the byte after 1 MiB.
        int port = s.server.baseUri().getPort();
        try (Socket socket = RawHttp.connect("127.0.0.1", port)) {
            socket.getOutputStream().write(("PUT /api/registry HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: " + TestConfig.ADMIN_KEY
                    + "\r\nContent-Length: 2000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = RawHttp.readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
        try (Socket socket = RawHttp.connect("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/registry HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: " + TestConfig.ADMIN_KEY
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(1024 * 1024 + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(("[" + " ".repeat(1024 * 1024)).getBytes(StandardCharsets.US_ASCII));
            out.write("\r\n100000\r\n".getBytes(StandardCharsets.US_ASCII)); // promises a megabyte more, never sends it
            out.flush();
            String answer = RawHttp.readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
        assertEquals(2000, stored().devices().size());
    }

    @Test
    void wrongMethodsAre405AndOtherPaths404() throws Exception {
        HttpResponse<String> post = s.send(admin("/api/registry").POST(HttpRequest.BodyPublishers.ofString("[]")));
        assertEquals(405, post.statusCode());
        assertEquals("GET, PUT", post.headers().firstValue("Allow").orElse(""));
        assertEquals(405, s.send(admin("/api/registry/devices/nas").GET()).statusCode());
        assertEquals(404, s.send(admin("/api/registry/devices").GET()).statusCode());
        assertEquals(404, s.send(admin("/api/registry/devices/nas/extra").GET()).statusCode());
    }
}
