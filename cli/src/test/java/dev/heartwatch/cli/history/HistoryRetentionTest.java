package dev.heartwatch.cli.history;

import static dev.heartwatch.cli.history.HistoryFixtures.PERIOD;
import static dev.heartwatch.cli.history.HistoryFixtures.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.azure.AzureHttpClients;
import dev.heartwatch.cli.support.CliRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code history} reads how long Azure keeps the traces (component -> workspace -> AppTraces
 * table, through a loopback ARM answering in the documented shapes: "Components - Get",
 * "Tables - Get", "Workspaces - Get") and says plainly when the period reaches past it.
 * The known period reads from 2026-10-21T22:00Z (two days before --since) at NOW 2026-11-10T12:00Z.
 */
class HistoryRetentionTest {
  static final String WORKSPACE =
      "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-heartwatch/providers/Microsoft.OperationalInsights/workspaces/hw-log-abc";

  @TempDir static Path dir;
  static TestCa ca;
  static FakeLogAnalytics api;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
    api.armResource(RESOURCE, 200, "{\"id\":\"" + RESOURCE + "\",\"kind\":\"web\",\"properties\":{\"WorkspaceResourceId\":\""
        + WORKSPACE + "\",\"IngestionMode\":\"LogAnalytics\"}}");
    api.armResource(WORKSPACE, 200, "{\"id\":\"" + WORKSPACE + "\",\"properties\":{\"retentionInDays\":30}}");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static void tableRetention(int days) {
    api.armResource(WORKSPACE + "/tables/AppTraces", 200, "{\"id\":\"" + WORKSPACE + "/tables/AppTraces\",\"name\":\"AppTraces\","
        + "\"properties\":{\"retentionInDays\":" + days + ",\"totalRetentionInDays\":" + Math.max(days, 30)
        + ",\"plan\":\"Analytics\",\"retentionInDaysAsDefault\":" + (days < 0) + "}}");
  }

  static CliRun history(String... args) {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(HistoryFixtures.knownHistory().table(file, lets)));
    HistoryCommand command = new HistoryCommand(Clock.fixed(HistoryFixtures.NOW, ZoneOffset.UTC),
        Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", RESOURCE)::get, HistoryRetentionTest::factory);
    List<String> all = new ArrayList<>(List.of(PERIOD));
    all.addAll(List.of(args));
    return CliRun.of(command, all.toArray(String[]::new));
  }

  static HistoryCommand.HistorySourceFactory factory(PrintWriter err) {
    HistoryCommand.HistorySourceFactory queries = HistoryFixtures.factory(api, ca, err);
    return new HistoryCommand.HistorySourceFactory() {
      @Override
      public HistorySource azure(String resourceId, int retries, boolean allowPartial) {
        return queries.azure(resourceId, retries, allowPartial);
      }

      @Override
      public HistorySource server(String url, String key, int retries) {
        return queries.server(url, key, retries);
      }

      @Override
      public Optional<TracesRetention.Retention> retention(String resourceId) {
        return Optional.of(new TracesRetention(api.armEndpoint(), HistoryFixtures.testCredential(),
            AzureHttpClients.trusting(ca.client())).of(resourceId));
      }
    };
  }

  @Test
  void aRetentionThatCoversThePeriodSaysNothing() {
    tableRetention(95);
    CliRun run = history("--format", "json");

    assertEquals(0, run.exitCode(), run.toString());
    assertFalse(run.err().contains("warning"), run.toString());
    assertFalse(run.out().contains("warning"), run.toString());
    assertTrue(api.armRequests.stream().anyMatch(r -> r.path().endsWith("/tables/AppTraces")
        && r.timespan() == null && r.authorization().startsWith("Bearer ")), "read the table with a token");
  }

  @Test
  void aPeriodThatStartsPastTheRetentionIsAWarningOnStderrAndInTheReport() throws Exception {
    tableRetention(10);
    CliRun run = history("--format", "json");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("heartwatch: warning: the period starts 2026-10-23T22:00:00Z, past the retention"), run.toString());
    assertTrue(run.err().contains("traces are kept 10 days (table AppTraces of workspace hw-log-abc)"), run.toString());
    assertTrue(run.err().contains("nothing before 2026-10-31T12:00:00Z"), run.toString());
    String source = HistoryScenario.JSON.readTree(run.out()).path("source").asText();
    assertTrue(source.contains("warning: the period starts") && source.contains("kept 10 days"), source);
  }

  @Test
  void onlyTheLeadPastTheRetentionSaysAnEdgeOutageMayBeCut() {
    tableRetention(18);
    CliRun run = history();

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("the queries read 2 days before the period, past the retention"), run.toString());
    assertTrue(run.out().contains("warning: the queries read 2 days before"), "the table report says it too:\n" + run);
  }

  @Test
  void aTableOnTheWorkspaceDefaultUsesTheWorkspaceRetention() {
    tableRetention(-1);
    CliRun run = history();

    assertEquals(0, run.exitCode(), run.toString());
    assertFalse(run.err().contains("warning"), "30 days cover this period:\n" + run);
    assertTrue(api.armRequests.stream().anyMatch(r -> r.path().equalsIgnoreCase(WORKSPACE)), "read the workspace default");
  }

  @Test
  void aRefusedRetentionReadNeverFailsTheReport() {
    api.armResource(WORKSPACE + "/tables/AppTraces", 403,
        "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client does not have authorization\"}}");
    CliRun shortPeriod = history();
    assertEquals(0, shortPeriod.exitCode(), shortPeriod.toString());
    assertFalse(shortPeriod.err().contains("warning"), "under 30 days an unknown retention is no news:\n" + shortPeriod);

    CliRun longPeriod = CliRun.of(new HistoryCommand(Clock.fixed(HistoryFixtures.NOW, ZoneOffset.UTC),
        Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", RESOURCE)::get, HistoryRetentionTest::factory),
        "--since", "2026-09-01", "--until", "2026-11-03", "--zone", "Europe/Berlin");
    assertEquals(0, longPeriod.exitCode(), longPeriod.toString());
    assertTrue(longPeriod.err().contains("could not read how long traces are kept (HTTP 403 reading AppTraces:"
        + " give the identity Log Analytics Reader on the workspace)"), longPeriod.toString());
  }
}
