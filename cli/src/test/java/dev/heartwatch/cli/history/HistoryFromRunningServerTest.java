package dev.heartwatch.cli.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.server.HeartwatchServer;
import dev.heartwatch.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heartwatch history --server} against the REAL heartwatch-server (in-process, its own
 * SQLite file), fed through {@code /api/ping} like an agent would: the report gives the outages
 * the stored lines imply, the cloud's gap and the agent's own report.
 */
class HistoryFromRunningServerTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final String PING_KEY = "cli-test-ping-key-0123456789abcdef0123";
  static final String READ_KEY = "cli-test-read-key-0123456789abcdef0123";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  final HttpClient http = HttpClient.newHttpClient();
  HeartwatchServer server;

  @BeforeEach
  void start() throws Exception {
    server = startServer(dir, clock, PING_KEY, READ_KEY);
  }

  /** The real server on loopback with its own SQLite file, no evaluation needed here. */
  static HeartwatchServer startServer(Path dir, Clock clock, String pingKey, String readKey) throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("HEARTWATCH_BIND", "127.0.0.1");
    m.put("HEARTWATCH_PORT", "0");
    m.put("HEARTWATCH_DB", dir.resolve("heartwatch.db").toString());
    m.put("HEARTWATCH_OUTBOX", dir.resolve("outbox").toString());
    m.put("HEARTWATCH_KEYS", pingKey);
    m.put("HEARTWATCH_READ_KEY", readKey);
    m.put("HEARTWATCH_EVALUATION_FREQUENCY", "PT1H");
    return HeartwatchServer.start(ServerConfig.fromMap(m), clock,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  void ping(Instant at, String body) throws Exception {
    clock.set(at);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/ping"))
        .header("x-functions-key", PING_KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /**
   * home-pi beats every minute 00:00-00:59 but is silent from 00:21 to 00:34 (a gap only the
   * cloud sees); at 00:41 it reports a 50-second DNS failure from 00:40:10 (too short for the
   * threshold: only the agent saw it). office beats 00:00-00:10 and is never heard again.
   */
  void storeAnHour() throws Exception {
    for (int m = 0; m < 60; m++) {
      Instant at = T0.plus(Duration.ofMinutes(m));
      if (m > 20 && m < 35) {
        continue;
      }
      String outage = m == 41
          ? ",\"outages\":[{\"id\":\"o-dns\",\"start\":" + T0.plusSeconds(40 * 60 + 10).toEpochMilli()
            + ",\"end\":" + T0.plusSeconds(41 * 60).toEpochMilli() + ",\"cause\":\"dns\",\"detail\":\"no answer\"}]"
          : "";
      ping(at, "{\"device\":\"home-pi\",\"seq\":" + m + outage + "}");
      if (m <= 10) {
        ping(at, "{\"device\":\"office\"}");
      }
    }
  }

  CliRun history(String... extra) {
    String[] base = {"--server", server.baseUri().toString(), "--key", READ_KEY, "--since", "2026-11-01T00:00:00Z",
        "--until", "2026-11-01T01:00:00Z", "--zone", "UTC", "--format", "json"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return CliRun.of(new HistoryCommand(), all);
  }

  @Test
  void historyFromTheServerGivesTheOutagesItsStoredLinesImply() throws Exception {
    storeAnHour();
    CliRun run = history();
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode report = JSON.readTree(run.out());
    JsonNode pi = device(report, "home-pi");
    assertEquals(2, pi.get("outages").size(), pi.toPrettyString());
    JsonNode gap = pi.get("outages").get(0);
    assertEquals("2026-11-01T00:21:00Z", gap.get("start").asText(), "last beat 00:20 + interval");
    assertEquals("2026-11-01T00:35:00Z", gap.get("end").asText());
    assertEquals("cloud", gap.get("source").asText());
    JsonNode dns = pi.get("outages").get(1);
    assertEquals("2026-11-01T00:40:10Z", dns.get("start").asText());
    assertEquals("2026-11-01T00:41:00Z", dns.get("end").asText());
    assertEquals("agent", dns.get("source").asText());
    assertEquals("dns", dns.get("cause").asText());
    assertEquals(14 * 60 + 50, pi.get("downSeconds").asLong(), pi.toPrettyString());

    JsonNode office = device(report, "office");
    assertEquals(1, office.get("outages").size(), office.toPrettyString());
    assertEquals("2026-11-01T00:11:00Z", office.get("outages").get(0).get("start").asText());
  }

  @Test
  void oneDeviceAndAWrongKeyAreHandledByTheRealEndpoint() throws Exception {
    storeAnHour();
    CliRun one = history("--device", "office");
    assertEquals(0, one.exitCode(), one.toString());
    JsonNode devices = JSON.readTree(one.out()).get("devices");
    assertEquals(1, devices.size(), one.out());
    assertEquals("office", devices.get(0).get("device").asText());

    CliRun wrong = CliRun.of(new HistoryCommand(), "--server", server.baseUri().toString(), "--key",
        "not-the-read-key-0123456789", "--last", "1d");
    assertEquals(HistoryExitCodes.AUTH, wrong.exitCode(), wrong.toString());
    assertFalse(wrong.err().contains("not-the-read-key"), "the key is never printed");
  }

  static JsonNode device(JsonNode report, String name) {
    for (JsonNode d : report.get("devices")) {
      if (name.equals(d.get("device").asText())) {
        return d;
      }
    }
    throw new AssertionError("no " + name + " in " + report.toPrettyString());
  }

  /** The server's clock, set by the test before each ping. */
}
