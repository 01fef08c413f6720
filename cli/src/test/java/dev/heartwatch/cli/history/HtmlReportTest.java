package dev.heartwatch.cli.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report as text: self-contained, escaped, with the parts a reader needs. */
class HtmlReportTest {
  @TempDir static Path dir;
  static TestCa ca;
  static FakeLogAnalytics api;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
    HistoryScenario known = HistoryFixtures.knownHistory();
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(known.table(file, lets)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** Writes the known history's report to {@code out} through the real command. */
  static CliRun writeReport(FakeLogAnalytics api, TestCa ca, Path out) {
    List<String> args = new ArrayList<>(List.of(HistoryFixtures.PERIOD));
    args.addAll(List.of("--format", "html", "--out", out.toString()));
    return CliRun.of(HistoryFixtures.command(api, ca, Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", HistoryFixtures.RESOURCE)),
        args.toArray(String[]::new));
  }

  @Test
  void theReportIsOneEscapedSelfContainedFile() throws Exception {
    Path out = dir.resolve("report.html");
    CliRun run = writeReport(api, ca, out);
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("", run.out(), "--out writes nothing to stdout");
    String html = Files.readString(out);
    assertFalse(html.contains("<script"), "the agent's free text is escaped, and there is no script");
    assertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"), "the detail, escaped");
    assertFalse(html.matches("(?s).*(src|href)=\"?(https?:)?//.*"), "no request leaves the file");
    assertTrue(html.contains("default-src 'none'"));
    assertEquals(2, count(html, "<svg class=\"timeline\""));
    assertEquals(2, count(html, "<svg class=\"chart\""));
    assertEquals(2, count(html, "<table class=\"outages\">"));
    assertEquals(4, count(html, "<rect class=\"down\""));
    assertTrue(html.contains("<dt>Uptime</dt><dd>99.569 %</dd>"), "home-pi's uptime in the summary");
    assertTrue(html.contains("<dt>Total downtime</dt><dd>1 h 02 min</dd>"));
    assertTrue(html.contains(">2026-10-24 23:51:00 CEST</td><td data-label=\"End\">2026-10-25 00:30:00 CEST</td>"), "local times");
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
