package dev.heartwatch.cli.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.channels.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.history.History;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.history.HistoryModel;
import dev.heartwatch.core.history.HistoryPeriod;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.server.HeartwatchServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One scenario through every consumer of the one history model: core directly, {@code heartwatch
 * history} from Application Insights (the query API on loopback, answering as the queries do) and
 * from the real heartwatch-server fed through {@code /api/ping}, and that server's dashboard API.
 * Every figure agrees, the 2-minute clean restart included (the dashboard left it out of
 * monitored time before, the CLI counted it up).
 */
class OneHistoryTest {
  static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofHours(6));
  static final Instant SINCE = NOW.minus(Duration.ofDays(1)); // the dashboard's 24 hours
  static final String PING_KEY = "one-history-ping-key-0123456789abcdef";
  static final String READ_KEY = "one-history-read-key-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static HistoryScenario scenario;
  static HeartwatchServer server;
  static FakeLogAnalytics api;
  static TestCa ca;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static Instant at(int hour, int minute) {
    return T0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
  }

  /**
   * pi beats every minute 00:00-05:59 but: silent 01:00-01:20 (only the cloud sees it), a clean
   * restart 02:00-02:02 (2 minutes: shorter than the threshold), a clean stop 03:00-03:30, and a
   * 40-second DNS failure at 04:00:10 it reports at 04:01 (only the agent saw it). nas beats
   * 00:00-00:09 and is never heard again (ongoing).
   */
  static HistoryScenario scenario() {
    return new HistoryScenario()
        .everyMinute("pi", T0, NOW, at(1, 1), at(1, 20), at(2, 1), at(2, 2), at(3, 1), at(3, 30))
        .stoppingAt("pi", at(2, 0))
        .stoppingAt("pi", at(3, 0))
        .report("pi", "o-dns", at(4, 1), at(4, 0).plusSeconds(10), at(4, 0).plusSeconds(50), "dns", null, "no answer")
        .everyMinute("nas", T0, at(0, 10));
  }

  @BeforeAll
  static void start() throws Exception {
    scenario = scenario();
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(scenario.table(file, lets)));
    MutableClock clock = new MutableClock(T0);
    server = HistoryFromRunningServerTest.startServer(dir, clock, PING_KEY, READ_KEY);
    List<HistoryScenario.Beat> beats = new ArrayList<>(scenario.beats);
    beats.sort(Comparator.comparing(HistoryScenario.Beat::at).thenComparing(HistoryScenario.Beat::device));
    for (HistoryScenario.Beat b : beats) {
      StringBuilder body = new StringBuilder("{\"device\":\"" + b.device() + "\"");
      if (b.stopping()) {
        body.append(",\"state\":\"stopping\"");
      }
      List<String> outages = new ArrayList<>();
      for (OutageLine o : scenario.reports) {
        if (o.device().equals(b.device()) && o.ts() == b.at().toEpochMilli()) {
          outages.add("{\"id\":\"" + o.id() + "\",\"start\":" + o.start() + ",\"end\":" + o.end() + ",\"cause\":\""
              + o.cause() + "\",\"detail\":\"" + o.detail() + "\"}");
        }
      }
      if (!outages.isEmpty()) {
        body.append(",\"outages\":[").append(String.join(",", outages)).append(']');
      }
      clock.set(b.at());
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/ping"))
          .header("x-functions-key", PING_KEY).POST(HttpRequest.BodyPublishers.ofString(body + "}")).build(),
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

  /** Core's model called directly on the scenario's beats and reports, as the command reads them. */
  static History core() {
    List<Beat> beats = scenario.beats.stream().map(b -> new Beat(b.device(), b.at(), b.at(), b.stopping())).toList();
    List<ReportedOutage> reports = scenario.reports.stream().map(o -> new ReportedOutage(o.device(), o.id(),
        Instant.ofEpochMilli(o.start()), Instant.ofEpochMilli(o.end()), o.cause(), o.detail(), null)).toList();
    Duration threshold = Duration.ofMinutes(5);
    HistoryFacts facts = HistoryFacts.fromBeats(SINCE.minus(HistoryCommand.LEAD), NOW, beats, reports, threshold);
    // No registry entry: every device on the default schedule, as the server and the CLI take it.
    return new HistoryModel(threshold, Duration.ofMinutes(1)).compute(facts, new HistoryPeriod(SINCE, NOW, ZoneId.of("UTC")),
        NOW, HistoryModel.schedulesOf(new DeviceRegistry(List.of()))).seenInPeriod();
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
    List<String> all = new ArrayList<>(List.of("--since", SINCE.toString(), "--until", NOW.toString(), "--zone", "UTC",
        "--format", "json"));
    all.addAll(List.of(args));
    HistoryCommand command = new HistoryCommand(Clock.fixed(NOW, ZoneOffset.UTC), env::get,
        err -> HistoryFixtures.factory(api, ca, err));
    return CliRun.of(command, all.toArray(String[]::new));
  }

  static JsonNode dashboard(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUri() + path))
        .header("x-heartwatch-key", READ_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void coreGivesTheFiguresTheScenarioImplies() {
    History h = core();
    var pi = h.device("pi").orElseThrow();
    assertEquals(Duration.ofHours(6).minusMinutes(30), pi.total().monitored(),
        "from the first beat to now, less the 30-minute clean stop; the 2-minute restart is watched");
    assertEquals(Duration.ofMinutes(19).plusSeconds(40), pi.total().down());
    assertEquals(List.of(at(1, 1), at(4, 0).plusSeconds(10)), pi.outages().stream().map(Outage::start).toList());
    var nas = h.device("nas").orElseThrow();
    assertEquals(null, nas.outages().get(0).end(), "ongoing");
    assertEquals(Duration.ofHours(6).minusMinutes(10), nas.total().down(), "from 00:10 to now");
  }

  @Test
  void applicationInsightsAndTheServerGiveCoresReport() throws Exception {
    ObjectNode expected = json(core());
    CliRun azure = history(Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", HistoryFixtures.RESOURCE));
    assertEquals(0, azure.exitCode(), azure.toString());
    assertEquals(expected, withoutSource(azure.out()));
    CliRun fromServer = history(Map.of("HEARTWATCH_READ_KEY", READ_KEY), "--server", server.baseUri().toString());
    assertEquals(0, fromServer.exitCode(), fromServer.toString());
    assertEquals(expected, withoutSource(fromServer.out()));
  }

  @Test
  void theDashboardShowsCoresUptimeAndOutages() throws Exception {
    History h = core();
    JsonNode devices = dashboard("/api/devices").get("devices");
    assertEquals(2, devices.size(), devices.toPrettyString());
    for (JsonNode d : devices) {
      var expected = h.device(d.get("device").asText()).orElseThrow();
      // Watched only since T0: 24 hours, 7 and 30 days are the same figure.
      for (String field : List.of("uptime24h", "uptime7d", "uptime30d")) {
        assertEquals(expected.total().percent().orElseThrow(), d.get(field).asDouble(), 1e-9, field + " of " + d);
      }
    }
    for (String device : List.of("pi", "nas")) {
      List<String> shown = new ArrayList<>();
      for (JsonNode o : dashboard("/api/devices/" + device + "/outages?days=1").get("outages")) {
        shown.add(o.get("start").asText() + " " + o.path("end").asText("ongoing") + " " + o.get("source").asText()
            + " " + o.get("cause").asText() + " " + o.get("durationMs").asLong());
      }
      List<String> fromCore = new ArrayList<>();
      for (Outage o : h.device(device).orElseThrow().outages()) {
        fromCore.add(o.start().toEpochMilli() + " " + (o.end() == null ? "ongoing" : o.end().toEpochMilli()) + " "
            + o.source().name().toLowerCase(java.util.Locale.ROOT) + " " + o.cause() + " " + o.duration(NOW).toMillis());
      }
      assertEquals(fromCore, shown, device);
    }
  }
}
