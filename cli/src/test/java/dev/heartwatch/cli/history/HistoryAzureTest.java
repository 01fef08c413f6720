package dev.heartwatch.cli.history;

import static dev.heartwatch.cli.history.HistoryFixtures.PERIOD;
import static dev.heartwatch.cli.history.HistoryFixtures.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.support.CliRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heartwatch history} against Application Insights: the real LogsQueryClient over HTTPS
 * to a loopback query API (test CA, test credential), answering the history queries for a known
 * history, and each documented error.
 */
class HistoryAzureTest {
  @TempDir static Path dir;
  static TestCa ca;
  static FakeLogAnalytics api;
  static final HistoryScenario KNOWN = HistoryFixtures.knownHistory();

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static CliRun history(String... args) {
    List<String> all = new ArrayList<>(List.of(PERIOD));
    all.addAll(List.of(args));
    return CliRun.of(HistoryFixtures.command(api, ca, Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", RESOURCE)),
        all.toArray(String[]::new));
  }

  static JsonNode device(JsonNode report, String name) {
    for (JsonNode d : report.path("devices")) {
      if (d.path("device").asText().equals(name)) {
        return d;
      }
    }
    throw new AssertionError("no device " + name + " in " + report);
  }

  static JsonNode day(JsonNode device, String date) {
    for (JsonNode d : device.path("days")) {
      if (d.path("date").asText().equals(date)) {
        return d;
      }
    }
    throw new AssertionError("no day " + date);
  }

  @Test
  void knownHistoryGivesTheExactOutagesAndUptime() throws Exception {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(KNOWN.table(file, lets)));
    CliRun run = history("--format", "json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode report = HistoryScenario.JSON.readTree(run.out());
    assertEquals("2026-10-23T22:00:00Z", report.path("since").asText());
    assertEquals("2026-11-02T23:00:00Z", report.path("until").asText());
    assertEquals(4, report.path("outages").asInt());

    JsonNode pi = device(report, "home-pi");
    JsonNode o = pi.path("outages");
    assertEquals(3, o.size(), o.toString());
    assertOutage(o.get(0), "2026-10-24T21:51:00Z", "2026-10-24T22:30:00Z", 2340, "unknown", "cloud");
    assertOutage(o.get(1), "2026-10-26T08:00:30Z", "2026-10-26T08:03:00Z", 150, "dns", "agent");
    assertOutage(o.get(2), "2026-10-26T11:59:31Z", "2026-10-26T12:20:01Z", 1230, "link-down", "both");
    assertEquals(HistoryFixtures.DETAIL, o.get(2).path("detail").asText());
    // 241 h in the period (the DST day has 25) minus the one-hour clean stop.
    assertEquals(864_000, pi.path("monitoredSeconds").asLong());
    assertEquals(3720, pi.path("downSeconds").asLong());
    assertEquals(100.0 * (864_000 - 3720) / 864_000, pi.path("uptimePercent").asDouble(), 1e-9);
    // The outage across local midnight is split between the days it touches.
    assertDay(day(pi, "2026-10-24"), 86_400, 540);
    assertDay(day(pi, "2026-10-25"), 86_400, 1800); // 25 h minus the 1 h stop
    assertDay(day(pi, "2026-10-26"), 86_400, 1380);
    assertDay(day(pi, "2026-10-27"), 86_400, 0);
    assertEquals(10, pi.path("days").size());

    JsonNode nas = device(report, "office-nas");
    assertEquals(1, nas.path("outages").size());
    assertOutage(nas.path("outages").get(0), "2026-10-31T22:41:00Z", "2026-10-31T23:30:00Z", 2940, "unknown", "cloud");
    assertEquals(867_600, nas.path("monitoredSeconds").asLong());
    assertDay(day(nas, "2026-10-31"), 86_400, 1140);
    assertDay(day(nas, "2026-11-01"), 86_400, 1800);
    // Months of the zone, clipped to the period: October from the 24th (with its 25-hour day).
    assertEquals("2026-10", nas.path("months").get(0).path("month").asText());
    assertDay(nas.path("months").get(0), 694_800, 1140);
    assertDay(nas.path("months").get(1), 172_800, 1800);
  }

  @Test
  void queriesGoToTheResourceWithTheTokenAndTheTunedRange() {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(KNOWN.table(file, lets)));
    CliRun run = history("--device", "home-pi", "--threshold", "PT10M");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(3, api.requests.size());
    for (FakeLogAnalytics.Request r : api.requests) {
      assertEquals("/v1" + RESOURCE + "/query", r.path());
      assertEquals("Bearer " + HistoryFixtures.TOKEN, r.authorization());
      // Read two days beyond each edge of the period, so outages crossing them are whole.
      assertTrue(r.query().contains("\nlet since = datetime(2026-10-21T22:00:00Z);\n"), r.query());
      assertTrue(r.query().contains("\nlet until = datetime(2026-11-04T23:00:00Z);\n"), r.query());
      assertTrue(r.query().contains("\nlet deviceFilter = \"home-pi\";\n"), r.query());
    }
    assertTrue(api.requests.get(0).query().contains("\nlet threshold = 600000ms;\n"));
    assertTrue(run.out().contains("home-pi"), run.out());
    assertTrue(!run.out().contains("office-nas"), run.out());
  }

  @Test
  void unauthorisedIsExitFiveWithWhatToDo() {
    for (int status : new int[] {401, 403}) {
      api.respond((file, lets, n) -> FakeLogAnalytics.Reply.error(status,
          status == 401 ? "InvalidAuthenticationToken" : "InsufficientAccessError",
          "The provided credentials have insufficient access to perform the requested operation", Map.of()));
      CliRun run = history();
      assertEquals(HistoryExitCodes.AUTH, run.exitCode(), run.toString());
      assertTrue(run.err().contains("not authorised: run 'az login'"), run.err());
      assertTrue(run.err().contains("Monitoring Reader"), run.err());
      assertTrue(run.err().contains("HTTP " + status), run.err());
    }
  }

  @Test
  void missingResourceIsExitEight() {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.error(404, "ResourceNotFoundError",
        "The resource could not be found", Map.of()));
    CliRun run = history();
    assertEquals(HistoryExitCodes.NOT_FOUND, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not found: Application Insights resource " + RESOURCE), run.err());
  }

  @Test
  void throttlingIsRetriedAfterRetryAfterThenExitNine() {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.error(429, "ThrottledError",
        "Too many requests", Map.of("Retry-After", "1")));
    long t0 = System.nanoTime();
    CliRun run = history("--retries", "2");
    long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(HistoryExitCodes.THROTTLED, run.exitCode(), run.toString());
    assertTrue(run.err().contains("throttled"), run.err());
    assertTrue(run.err().contains("Retry-After: 1"), run.err());
    assertEquals(3, api.requests.size(), "one request and two retries");
    assertTrue(waitedMillis >= 2000, "Retry-After was honoured: " + waitedMillis + " ms");
  }

  @Test
  void oneThrottledAnswerIsRetriedAndTheHistoryComplete() {
    AtomicInteger first = new AtomicInteger();
    api.respond((file, lets, n) -> first.getAndIncrement() == 0
        ? FakeLogAnalytics.Reply.error(429, "ThrottledError", "Too many requests", Map.of("Retry-After", "1"))
        : FakeLogAnalytics.Reply.ok(KNOWN.table(file, lets)));
    CliRun run = history("--format", "csv");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(4, api.requests.size());
    assertEquals(5, run.out().split("\r\n").length, run.out()); // header + 4 outages
  }

  @Test
  void partialResultsAreExitTenUnlessAllowed() {
    ObjectNode error = HistoryScenario.JSON.createObjectNode()
        .put("code", "PartialError").put("message", "There were some errors when processing your query.");
    error.putArray("details").addObject().put("code", "EngineError")
        .put("message", "Query result set has exceeded the internal data size limit");
    api.respond((file, lets, n) -> {
      String full = KNOWN.table(file, lets);
      try {
        ObjectNode root = (ObjectNode) HistoryScenario.JSON.readTree(full);
        root.set("error", error);
        return FakeLogAnalytics.Reply.ok(root.toString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    CliRun refused = history();
    assertEquals(HistoryExitCodes.PARTIAL, refused.exitCode(), refused.toString());
    assertTrue(refused.err().contains("partial results from history-gaps.kql: PartialError"), refused.err());
    assertTrue(refused.err().contains("--allow-partial"), refused.err());

    CliRun allowed = history("--allow-partial");
    assertEquals(0, allowed.exitCode(), allowed.toString());
    assertTrue(allowed.err().contains("warning: partial results"), allowed.err());
    assertTrue(allowed.out().contains("home-pi"), allowed.out());
  }

  @Test
  void anEmptyPeriodSaysSoAndExitsZero() {
    HistoryScenario nothing = new HistoryScenario();
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(nothing.table(file, lets)));
    CliRun run = history();
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains(
        "no heartbeats between 2026-10-24 00:00:00 CEST and 2026-11-03 00:00:00 CET"), run.err());
  }

  /** A hostile or broken answer: a gap without an end, a day whose last beat precedes its first. */
  @Test
  void aMalformedRowIsExitSixNamingTheQuery() {
    Map<String, String> gapColumns = new java.util.LinkedHashMap<>();
    for (String c : List.of("device", "gapStart", "gapEnd", "prevState")) {
      gapColumns.put(c, c.startsWith("gap") ? "datetime" : "string");
    }
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(file.equals(KqlQueries.GAPS)
        ? HistoryScenario.tables(gapColumns, List.of(java.util.Arrays.asList("home-pi",
            HistoryScenario.kusto(java.time.Instant.parse("2026-10-25T10:00:00Z")), null, "running")), null)
        : KNOWN.table(file, lets)));
    CliRun gap = history();
    assertEquals(HistoryExitCodes.SERVICE, gap.exitCode(), gap.toString());
    assertTrue(gap.err().contains("history-gaps.kql"), gap.err());

    api.respond((file, lets, n) -> {
      String body = KNOWN.table(file, lets);
      if (file.equals(KqlQueries.DAILY)) {
        // every day's lastBeat becomes 1970: before its firstBeat
        body = body.replaceAll("(\\[\"home-pi\",\"[^\"]+\",\\d+,\"[^\"]+\",)\"[^\"]+\"", "$1\"1970-01-01T00:00:00.0000000Z\"");
      }
      return FakeLogAnalytics.Reply.ok(body);
    });
    CliRun day = history();
    assertEquals(HistoryExitCodes.SERVICE, day.exitCode(), day.toString());
    assertTrue(day.err().contains("history-daily.kql"), day.err());
    assertFalse(day.err().contains("Exception"), "no stack trace: " + day.err());
  }

  @Test
  void aBadResourceIdIsRefusedBeforeAnyRequest() {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(KNOWN.table(file, lets)));
    CliRun run = history("--resource", "/subscriptions/x/../../etc?y=1");
    assertEquals(HistoryExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertEquals(0, api.requests.size());
  }

  static void assertOutage(JsonNode o, String start, String end, long seconds, String cause, String source) {
    assertEquals(start, o.path("start").asText(), o.toString());
    assertEquals(end, o.path("end").asText(), o.toString());
    assertEquals(seconds, o.path("durationSeconds").asLong(), o.toString());
    assertEquals(cause, o.path("cause").asText(), o.toString());
    assertEquals(source, o.path("source").asText(), o.toString());
  }

  static void assertDay(JsonNode d, long monitored, long down) {
    assertEquals(monitored, d.path("monitoredSeconds").asLong(), d.toString());
    assertEquals(down, d.path("downSeconds").asLong(), d.toString());
  }
}
