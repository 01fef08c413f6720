package dev.heartwatch.cli.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.server.HeartwatchServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 in history: an agent's check that beats once per its own period, with the period and
 * grace in every line, is judged by them, not by the one threshold. A 5-minute check, each beat
 * up to 30 s late, on the default 5-minute threshold shows no outage over a day; one that really
 * stops for 20 minutes shows exactly that outage. The same from Application Insights (the query
 * API's documented answer, tables computed as docs/queries.md defines them) and from a server's
 * lines ({@code GET /api/history/lines}, each line with its {@code periodMs} and {@code graceMs}),
 * and from the real server's SQLite store fed through {@code /api/ping}. The same beats
 * without their schedule (lines from before issue 17) do show the false outages: the test can
 * fail.
 */
class HistoryCheckScheduleTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DEVICE = "nas.backup";
  static final Instant DAY = Instant.parse("2026-10-27T00:00:00Z");
  static final Duration PERIOD = Duration.ofMinutes(5);
  static final Duration GRACE = Duration.ofMinutes(1);
  static final Duration JITTER = Duration.ofSeconds(30);
  static final Instant STOP_FROM = Instant.parse("2026-10-27T12:00:00Z");
  static final Instant STOP_TO = Instant.parse("2026-10-27T12:20:00Z");
  static final String[] ONE_DAY = {"--since", "2026-10-27T00:00:00Z", "--until", "2026-10-28T00:00:00Z", "--zone", "UTC",
      "--format", "json"};

  @TempDir static Path dir;
  static TestCa ca;
  static FakeLogAnalytics api;
  static HttpServer lines;
  static volatile HistoryScenario served;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
    lines = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    lines.createContext("/api/history/lines", ex -> {
      try (ex) {
        Map<String, String> q = HistoryServerTest.query(ex.getRequestURI().getRawQuery());
        List<String> body = served.lines(Instant.parse(q.get("since")), Instant.parse(q.get("until")), q.get("device"));
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          for (String line : body) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    });
    lines.start();
  }

  @AfterAll
  static void stop() {
    lines.stop(0);
    api.close();
  }

  /** The check over the day and an hour either side; silent in {@code [silentFrom, silentTo)} when given. */
  static HistoryScenario check(boolean withSchedule, Instant silentFrom, Instant silentTo) {
    return new HistoryScenario().check(DEVICE, DAY.minus(Duration.ofHours(1)), DAY.plus(Duration.ofHours(25)), PERIOD,
        GRACE, JITTER, withSchedule, silentFrom, silentTo);
  }

  static JsonNode azure(HistoryScenario scenario) throws Exception {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(scenario.table(file, lets)));
    return report(CliRun.of(HistoryFixtures.command(api, ca, Map.of("APPLICATIONINSIGHTS_RESOURCE_ID",
        HistoryFixtures.RESOURCE)), ONE_DAY));
  }

  static JsonNode server(HistoryScenario scenario) throws Exception {
    served = scenario;
    List<String> args = new ArrayList<>(List.of(ONE_DAY));
    args.addAll(List.of("--server", "http://127.0.0.1:" + lines.getAddress().getPort(), "--key", "read-key-for-tests"));
    return report(CliRun.of(HistoryFixtures.command(api, ca, Map.of()), args.toArray(String[]::new)));
  }

  static JsonNode report(CliRun run) throws Exception {
    assertEquals(0, run.exitCode(), run.toString());
    return HistoryFromRunningServerTest.device(JSON.readTree(run.out()), DEVICE);
  }

  static void assertNoOutage(JsonNode device, String source) {
    assertEquals(0, device.get("outages").size(), source + ": " + device.toPrettyString());
    assertEquals(0, device.get("downSeconds").asLong(), source);
    assertEquals("PT6M", device.path("threshold").asText(), source + ": the report shows the device's own threshold");
  }

  /** The one outage of the 20-minute stop: from the last beat before it (plus the interval) to the first after. */
  static void assertTheStop(JsonNode device, String source) {
    JsonNode outages = device.get("outages");
    assertEquals(1, outages.size(), source + ": " + device.toPrettyString());
    Instant start = Instant.parse(outages.get(0).get("start").asText());
    Instant end = Instant.parse(outages.get(0).get("end").asText());
    assertTrue(!start.isBefore(STOP_FROM.minus(PERIOD)) && start.isBefore(STOP_FROM.plus(PERIOD)), source + ": " + start);
    assertTrue(!end.isBefore(STOP_TO) && end.isBefore(STOP_TO.plus(JITTER)), source + ": " + end);
    assertEquals("cloud", outages.get(0).get("source").asText(), source);
  }

  @Test
  void aFiveMinuteCheckOnTheFiveMinuteThresholdHasNoOutageFromEitherSource() throws Exception {
    HistoryScenario steady = check(true, null, null);
    assertNoOutage(azure(steady), "Application Insights");
    assertNoOutage(server(steady), "server lines");
  }

  @Test
  void theTableShowsTheChecksOwnThresholdAndKeepsTheOneThresholdInItsHeader() {
    served = check(true, null, null);
    List<String> args = new ArrayList<>(List.of(ONE_DAY).subList(0, 6));
    args.addAll(List.of("--format", "table", "--server", "http://127.0.0.1:" + lines.getAddress().getPort(),
        "--key", "read-key-for-tests"));
    CliRun run = CliRun.of(HistoryFixtures.command(api, ca, Map.of()), args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("outage threshold 5 min"), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith(DEVICE) && l.endsWith("outage after 6 min")), run.out());
  }

  @Test
  void theSameBeatsWithoutTheirScheduleShowTheFalseOutagesTheScheduleRemoves() throws Exception {
    HistoryScenario plain = check(false, null, null);
    JsonNode fromAzure = azure(plain);
    JsonNode fromServer = server(plain);
    assertTrue(fromAzure.get("outages").size() > 10, fromAzure.toPrettyString());
    assertEquals(fromAzure.get("outages"), fromServer.get("outages"), "both sources judge lines without a schedule alike");
    assertTrue(!fromAzure.has("threshold") && !fromServer.has("threshold"), "the one threshold is the report's own");
  }

  @Test
  void aCheckThatReallyStopsForTwentyMinutesShowsThatOutageOnBothSources() throws Exception {
    HistoryScenario stopped = check(true, STOP_FROM, STOP_TO);
    JsonNode fromAzure = azure(stopped);
    JsonNode fromServer = server(stopped);
    assertTheStop(fromAzure, "Application Insights");
    assertTheStop(fromServer, "server lines");
    assertEquals(fromAzure.get("outages"), fromServer.get("outages"));
    assertEquals(fromAzure.get("downSeconds"), fromServer.get("downSeconds"));
  }

  /**
   * The real server, its own SQLite file, fed the check's beats through {@code /api/ping} with
   * their period and grace: its stored lines carry them back to history (migration 10).
   */
  @Test
  void theRealServersStoredLinesCarryTheScheduleIntoHistory() throws Exception {
    MutableClock clock = new MutableClock(DAY);
    String pingKey = "cli-test-ping-key-0123456789abcdef0123";
    String readKey = "cli-test-read-key-0123456789abcdef0123";
    HttpClient http = HttpClient.newHttpClient();
    Path db = java.nio.file.Files.createTempDirectory(dir, "real");
    HeartwatchServer server = HistoryFromRunningServerTest.startServer(db, clock, pingKey, readKey);
    try {
      for (HistoryScenario.Beat b : check(true, STOP_FROM, STOP_TO).beats) {
        clock.set(b.at());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/ping"))
            .header("x-functions-key", pingKey)
            .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + DEVICE + "\",\"period\":\"" + PERIOD
                + "\",\"grace\":\"" + GRACE + "\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }
      List<String> args = new ArrayList<>(List.of(ONE_DAY));
      args.addAll(List.of("--server", server.baseUri().toString(), "--key", readKey));
      assertTheStop(report(CliRun.of(new HistoryCommand(), args.toArray(String[]::new))), "the real server");
    } finally {
      server.close();
    }
  }
}
