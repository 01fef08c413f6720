package dev.heartwatch.cli.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.cli.support.RepoRoot;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in headless Chromium at a phone's and a desktop's width: the timeline, the
 * chart and the table are in the rendered DOM, the console is clean, and a screenshot of each
 * lands in {@code cli/target/} to look at.
 */
@Tag("full")
class HtmlReportBrowserTest {
  @TempDir static Path dir;
  static TestCa ca;
  static FakeLogAnalytics api;
  static Path report;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
    HistoryScenario known = HistoryFixtures.knownHistory();
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(known.table(file, lets)));
    report = dir.resolve("history-report.html");
    CliRun run = HtmlReportTest.writeReport(api, ca, report);
    assertEquals(0, run.exitCode(), run.toString());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void atPhoneWidth() throws Exception {
    render(375);
  }

  @Test
  void atDesktopWidth() throws Exception {
    render(1280);
  }

  private static void render(int width) throws Exception {
    Path target = RepoRoot.find().resolve("cli/target");
    Files.createDirectories(target);
    Path shot = target.resolve("history-report-" + width + ".png");
    Files.deleteIfExists(shot);
    Result screenshot = chromium(width, "--screenshot=" + shot, "--window-size=" + width + ",2000");
    assertTrue(Files.size(shot) > 10_000, "a screenshot was written: " + shot + "\n" + screenshot.err);
    Result dom = chromium(width, "--dump-dom", "--window-size=" + width + ",2000");
    assertTrue(dom.out.contains("<svg class=\"timeline\""), "timeline rendered");
    assertTrue(dom.out.contains("<svg class=\"chart\""), "chart rendered");
    assertTrue(dom.out.contains("<table class=\"outages\">"), "table rendered");
    assertTrue(dom.out.contains("home-pi") && dom.out.contains("office-nas"));
    for (Result r : List.of(screenshot, dom)) {
      for (String line : r.err.split("\n")) {
        boolean consoleError = line.contains("Uncaught") || line.contains(":CONSOLE(") && line.contains("rror")
            || line.contains("Refused to") || line.contains("ERR_");
        assertTrue(!consoleError, "console error at " + width + " px: " + line);
      }
    }
  }

  record Result(String out, String err) {}

  private static Result chromium(int width, String... extra) throws Exception {
    String binary = System.getenv().getOrDefault("HEARTWATCH_CHROMIUM", "/usr/bin/chromium");
    if (!new File(binary).canExecute()) {
      throw new AssertionError("Chromium not found at " + binary
          + ": run scripts/test.sh, which installs it (apt-get install -y chromium), or set HEARTWATCH_CHROMIUM");
    }
    Path profile = Files.createTempDirectory(dir, "chromium-" + width);
    List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
        "--hide-scrollbars"));
    cmd.addAll(List.of(extra));
    cmd.add(report.toUri().toString());
    Path out = dir.resolve("chromium-" + width + "-" + System.nanoTime() + ".out");
    Path err = dir.resolve("chromium-" + width + "-" + System.nanoTime() + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("Chromium did not finish in 60 s: " + Files.readString(err));
    }
    return new Result(Files.readString(out), Files.readString(err));
  }
}
