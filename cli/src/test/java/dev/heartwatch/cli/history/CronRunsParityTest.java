package dev.heartwatch.cli.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.core.history.DeviceHistory;
import dev.heartwatch.core.history.History;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.history.HistoryModel;
import dev.heartwatch.core.history.HistoryPeriod;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.core.outage.BeatGaps;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.server.HeartwatchServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OneHistoryTest for a cron device (issue 16 §6): the same beats through core directly,
 * {@code heartwatch history} from Application Insights ({@code --devices FILE}, history-runs.kql
 * on loopback) and from the real heartwatch-server (its registry through
 * {@code /api/history/registry}), and that server's dashboard API give the same runs on time.
 */
class CronRunsParityTest {
  static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofHours(6));
  static final Instant SINCE = NOW.minus(Duration.ofDays(1)); // the dashboard's 24 hours
  static final String PING_KEY = "cron-parity-ping-key-0123456789abcdef";
  static final String READ_KEY = "cron-parity-read-key-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();
  /** At minute 15 of Kolkata's hours (+05:30): :45 UTC. Grace ten minutes. */
  static final String REGISTRY = "[{\"id\":\"backup\",\"expected\":false,\"cron\":\"15 * * * *\","
      + "\"timeZone\":\"Asia/Kolkata\",\"grace\":\"PT10M\"},\"pi\"]";

  @TempDir static Path dir;
  static HistoryScenario scenario;
  static HeartwatchServer server;
  static FakeLogAnalytics api;
  static TestCa ca;
  static Path devicesFile;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static Instant at(int hour, int minute) {
    return T0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
  }

  /**
   * backup runs at 00:45 ... 05:45 UTC: answered a minute after the 00:45, 01:45 and 04:45 runs
   * and 30 s after the 05:45 one; nothing for 02:45; 03:58 for 03:45 is past its grace (and too
   * early for 04:45). 4 of 6 runs on time. pi beats every minute (a heartbeat device).
   */
  static HistoryScenario scenario() {
    return new HistoryScenario()
        .beatsAt("backup", at(0, 46), at(1, 46), at(3, 58), at(4, 46), at(5, 45).plusSeconds(30))
        .everyMinute("pi", T0, NOW);
  }

  @BeforeAll
  static void start() throws Exception {
    scenario = scenario();
    devicesFile = dir.resolve("devices.json");
    Files.writeString(devicesFile, REGISTRY);
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(scenario.table(file, lets)));
    MutableClock clock = new MutableClock(T0);
    server = HistoryFromRunningServerTest.startServer(dir, clock, PING_KEY, READ_KEY);
    server.store().registry().replaceAll(DeviceRegistry.parse(REGISTRY), T0);
    List<HistoryScenario.Beat> beats = new ArrayList<>(scenario.beats);
    beats.sort(Comparator.comparing(HistoryScenario.Beat::at).thenComparing(HistoryScenario.Beat::device));
    for (HistoryScenario.Beat b : beats) {
      clock.set(b.at());
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/ping"))
          .header("x-functions-key", PING_KEY)
          .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + b.device() + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
    clock.set(NOW);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (api != null) {
      api.close();
    }
  }

  /** Core's model on the scenario's beats, the cron device's kept whole by the one reducer. */
  static History core() {
    List<Beat> beats = scenario.beats.stream().map(b -> new Beat(b.device(), b.at(), b.at(), b.stopping())).toList();
    Duration threshold = Duration.ofMinutes(5);
    HistoryFacts facts = HistoryFacts.fromBeatGaps(SINCE.minus(HistoryCommand.LEAD), NOW,
        BeatGaps.of(beats, threshold, Set.of("backup")::contains), List.of());
    return new HistoryModel(threshold, Duration.ofMinutes(1)).compute(facts, new HistoryPeriod(SINCE, NOW, ZoneId.of("UTC")),
        NOW, HistoryModel.schedulesOf(DeviceRegistry.parse(REGISTRY))).seenInPeriod();
  }

  static ObjectNode json(History h) throws Exception {
    StringWriter out = new StringWriter();
    JsonFormat.write(new HistoryReport(h, NOW, "core"), new PrintWriter(out));
    return withoutSource(out.toString());
  }

  static ObjectNode withoutSource(String json) throws Exception {
    ObjectNode n = (ObjectNode) JSON.readTree(json);
    n.remove("source");
    return n;
  }

  static CliRun history(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("--since", SINCE.toString(), "--until", NOW.toString(), "--zone", "UTC"));
    all.addAll(List.of(args));
    HistoryCommand command = new HistoryCommand(Clock.fixed(NOW, ZoneOffset.UTC), env::get,
        err -> HistoryFixtures.factory(api, ca, err));
    return CliRun.of(command, all.toArray(String[]::new));
  }

  @Test
  void coreCountsTheRunsTheScenarioImplies() {
    DeviceHistory backup = core().device("backup").orElseThrow();
    assertTrue(backup.countsRuns());
    assertEquals(new RunCount(6, 4, 0), backup.runs().total());
    DeviceHistory pi = core().device("pi").orElseThrow();
    assertEquals(null, pi.runs(), "a heartbeat device's uptime stays time");
  }

  @Test
  void applicationInsightsTheServerAndCoreGiveOneReport() throws Exception {
    ObjectNode expected = json(core());
    assertEquals("runs", expected.get("devices").get(0).get("uptimeBasis").asText(), expected.toPrettyString());
    CliRun azure = history(Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", HistoryFixtures.RESOURCE),
        "--format", "json", "--devices", devicesFile.toString());
    assertEquals(0, azure.exitCode(), azure.toString());
    assertEquals(expected, withoutSource(azure.out()));
    assertTrue(api.requests.stream().anyMatch(r -> r.query().contains("let deviceList = dynamic([\"backup\"]);")),
        "only the cron device's beats are asked for");
    CliRun fromServer = history(Map.of("HEARTWATCH_READ_KEY", READ_KEY), "--format", "json",
        "--server", server.baseUri().toString());
    assertEquals(0, fromServer.exitCode(), fromServer.toString());
    assertEquals(expected, withoutSource(fromServer.out()), "the registry came from the server");
  }

  @Test
  void theTableSaysWhichUptimeItIs() {
    CliRun azure = history(Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", HistoryFixtures.RESOURCE),
        "--devices", devicesFile.toString());
    assertEquals(0, azure.exitCode(), azure.toString());
    String out = azure.out();
    assertTrue(out.contains("66.667 % of runs"), out);
    assertTrue(out.contains("15 * * * * Asia/Kolkata + 10m"), out);
    assertTrue(out.contains("every 1m + 4m grace"), out);
    assertTrue(out.contains("backup: 4 of 6 runs on time, 2 missed"), out);
    assertTrue(out.contains("for a cron device, runs on time out of runs expected"), out);
  }

  @Test
  void theHtmlReportSaysRunsOnTimeForTheCronDeviceOnly() {
    CliRun run = history(Map.of("HEARTWATCH_READ_KEY", READ_KEY), "--format", "html",
        "--server", server.baseUri().toString());
    assertEquals(0, run.exitCode(), run.toString());
    String html = run.out();
    String backup = html.substring(html.indexOf("id=\"device-backup\""), html.indexOf("id=\"device-pi\""));
    String pi = html.substring(html.indexOf("id=\"device-pi\""));
    assertTrue(backup.contains("<dt>Runs on time</dt><dd>66.667 % of runs</dd>"), backup);
    assertTrue(backup.contains("4 of 6 runs on time, 2 missed"), backup);
    assertTrue(backup.contains("15 * * * * Asia/Kolkata + 10m"), backup);
    assertTrue(backup.contains("<h3>Runs on time per day</h3>"), backup);
    assertTrue(pi.contains("<dt>Uptime</dt>") && !pi.contains("Runs on time per day"), pi);
    assertTrue(html.contains("For a device on a cron schedule it is its runs on time"), "the footer says which");
  }

  @Test
  void aBadDevicesFileIsRefusedBeforeAnyQuery() throws Exception {
    Path bad = dir.resolve("bad-devices.json");
    Files.writeString(bad, "[{\"id\":\"backup\",\"cron\":\"99 * * * *\",\"timeZone\":\"Asia/Kolkata\",\"grace\":\"PT10M\"}]");
    int before = api.requests.size();
    CliRun run = history(Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", HistoryFixtures.RESOURCE), "--devices", bad.toString());
    assertEquals(3, run.exitCode(), run.toString());
    assertTrue(run.err().contains("devices file") && run.err().contains("invalid"), run.err());
    assertEquals(before, api.requests.size(), "nothing was queried");
  }

  @Test
  void theDashboardShowsTheSameRuns() throws Exception {
    DeviceHistory expected = core().device("backup").orElseThrow();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/devices?q=backup"))
        .header("x-heartwatch-key", READ_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode backup = JSON.readTree(r.body()).get("devices").get(0);
    assertEquals("backup", backup.get("device").asText());
    assertEquals("runs", backup.get("uptimeBasis").asText());
    assertEquals(expected.runs().total().expected(), backup.get("runs24h").get("expected").asInt(), backup.toString());
    assertEquals(expected.runs().total().onTime(), backup.get("runs24h").get("onTime").asInt());
    assertEquals(expected.runs().total().percent().orElseThrow(), backup.get("uptime24h").asDouble(), 1e-9);
    assertEquals("15 * * * * Asia/Kolkata + 10m", backup.get("schedule").asText());
    assertEquals("up", backup.get("due").asText(), "answered the 05:45 run; next due 06:45");
    assertEquals(at(6, 45).toEpochMilli(), backup.get("nextDue").asLong());
  }
}
