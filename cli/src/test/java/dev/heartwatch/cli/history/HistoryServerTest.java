package dev.heartwatch.cli.history;

import static dev.heartwatch.cli.history.HistoryFixtures.PERIOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.support.CliRun;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heartwatch history --server}: the server contract of docs/history.md
 * ({@code GET /api/history/lines}), served by a JDK HttpServer on loopback from the same known
 * history as the Application Insights test, gives the same outages and uptime.
 */
class HistoryServerTest {
  static final String READ_KEY = "read-key-for-tests";
  @TempDir static Path dir;
  static HttpServer server;
  static TestCa ca;
  static FakeLogAnalytics api;
  static final HistoryScenario KNOWN = HistoryFixtures.knownHistory();
  static final List<String> queries = new CopyOnWriteArrayList<>();
  static final AtomicInteger throttleFirst = new AtomicInteger();
  static volatile int forcedStatus;

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/history/lines", ex -> {
      try (ex) {
        queries.add(ex.getRequestURI().getRawQuery());
        if (!READ_KEY.equals(ex.getRequestHeaders().getFirst(ServerHistorySource.KEY_HEADER))) {
          ex.sendResponseHeaders(401, -1);
          return;
        }
        if (throttleFirst.getAndDecrement() > 0) {
          ex.getResponseHeaders().set("Retry-After", "0");
          ex.sendResponseHeaders(429, -1);
          return;
        }
        if (forcedStatus != 0) {
          ex.sendResponseHeaders(forcedStatus, -1);
          return;
        }
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        List<String> lines = new ArrayList<>(KNOWN.lines(Instant.parse(q.get("since")), Instant.parse(q.get("until")),
            q.get("device")));
        lines.add("not a contract line"); // a server's bad row must not stop the history
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          for (String line : lines) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    });
    server.start();
    ca = TestCa.create(dir);
    api = new FakeLogAnalytics(ca);
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    api.close();
  }

  @BeforeEach
  void reset() {
    queries.clear();
    throttleFirst.set(0);
    forcedStatus = 0;
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    for (String kv : raw.split("&")) {
      String[] p = kv.split("=", 2);
      out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  static String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static CliRun history(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(PERIOD));
    all.addAll(List.of(args));
    return CliRun.of(HistoryFixtures.command(api, ca, env), all.toArray(String[]::new));
  }

  @Test
  void theServerGivesTheSameReportAsApplicationInsights() throws Exception {
    api.respond((file, lets, n) -> FakeLogAnalytics.Reply.ok(KNOWN.table(file, lets)));
    CliRun azure = history(Map.of("APPLICATIONINSIGHTS_RESOURCE_ID", HistoryFixtures.RESOURCE), "--format", "json");
    CliRun fromServer = history(Map.of("HEARTWATCH_READ_KEY", READ_KEY), "--server", url(), "--format", "json");
    assertEquals(0, fromServer.exitCode(), fromServer.toString());
    ObjectNode a = (ObjectNode) HistoryScenario.JSON.readTree(azure.out());
    ObjectNode s = (ObjectNode) HistoryScenario.JSON.readTree(fromServer.out());
    a.remove("source");
    s.remove("source");
    // firstSeen, lastSeen and every outage and uptime figure agree.
    assertEquals(a, s);
    assertEquals(4, s.path("outages").asInt());
    assertTrue(fromServer.err().contains("1 line(s) from the server are not contract lines"), fromServer.err());
    Map<String, String> q = query(queries.get(0));
    assertEquals("2026-10-21T22:00:00Z", q.get("since"));
    assertEquals("2026-11-04T23:00:00Z", q.get("until"));
    assertFalse(q.containsKey("device"));
  }

  @Test
  void theKeyTravelsInTheHeaderAndAWrongOneIsExitFive() {
    CliRun run = history(Map.of(), "--server", url(), "--key", "wrong-key");
    assertEquals(HistoryExitCodes.AUTH, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not authorised"), run.err());
    assertFalse(run.err().contains("wrong-key"), "the key is never printed");
    assertFalse(queries.get(0).contains("key"), "the key is never in the URL");
  }

  @Test
  void throttlingIsRetriedAndAServerWithoutTheEndpointIsExitEight() {
    throttleFirst.set(1);
    CliRun retried = history(Map.of(), "--server", url(), "--key", READ_KEY, "--device", "office-nas");
    assertEquals(0, retried.exitCode(), retried.toString());
    assertEquals(2, queries.size());
    assertEquals("office-nas", query(queries.get(1)).get("device"));
    assertTrue(retried.out().contains("office-nas") && !retried.out().contains("home-pi"), retried.out());

    forcedStatus = 404;
    CliRun missing = history(Map.of(), "--server", url(), "--key", READ_KEY);
    assertEquals(HistoryExitCodes.NOT_FOUND, missing.exitCode(), missing.toString());
  }

  @Test
  void plainHttpIsRefusedForAServerOffThisMachine() {
    CliRun run = history(Map.of(), "--server", "http://monitor.example:8080", "--key", READ_KEY);
    assertEquals(HistoryExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("https"), run.err());
    assertTrue(queries.isEmpty());
  }
}
