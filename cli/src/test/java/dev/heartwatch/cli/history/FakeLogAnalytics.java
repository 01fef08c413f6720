package dev.heartwatch.cli.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.heartwatch.channels.support.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Log Analytics query API on loopback HTTPS: {@code POST /v1/{resourceId}/query} with a JSON
 * body {@code {"query": ..., "timespan": ...}}, answered by a {@link Responder}. It records
 * every request so a test can check the path, the bearer token and the tuned query. Other
 * callers (deploy.sh --verify's queries) answer by the query text instead: {@link #respondToText}.
 */
public final class FakeLogAnalytics implements AutoCloseable {
  record Request(String path, String authorization, String query, String timespan) {}

  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply ok(String body) {
      return new Reply(200, Map.of(), body);
    }

    /** The OneAPI error object the query API answers a fatal error with. */
    static Reply error(int status, String code, String message, Map<String, String> headers) {
      return new Reply(status, headers, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }
  }

  interface Responder {
    /** @param file which history query (by its text), @param lets its tuned values */
    Reply answer(String file, Map<String, String> lets, int requestNumber);
  }

  private static final Pattern DEVICE_LIST = Pattern.compile("(?m)^let deviceList = dynamic\\(\\[([^\\]]*)\\]\\);$");
  private static final Pattern LET = Pattern.compile("(?m)^let (\\w+) = (?:datetime\\()?\"?([^\";)]*)\"?\\)?;$");

  private final HttpsServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Responder responder;
  private volatile java.util.function.BiFunction<String, String, Reply> textResponder;

  public FakeLogAnalytics(TestCa ca) throws IOException {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ca.server()));
    server.createContext("/v1/", this::handle);
    server.createContext("/subscriptions/", this::handleArm);
    server.start();
  }

  void respond(Responder r) {
    this.responder = r;
    this.textResponder = null;
    requests.clear();
  }

  /** Answers any query by its text (for queries that are not the history ones). */
  public void respondToText(java.util.function.Function<String, Reply> r) {
    respondToPathAndText((path, query) -> r.apply(query));
  }

  /**
   * Answers any query by the request's path ({@code /v1<resource id>/query}: which component or
   * workspace was asked) and its text.
   */
  public void respondToPathAndText(java.util.function.BiFunction<String, String, Reply> r) {
    this.textResponder = r;
    requests.clear();
  }

  /** The endpoint to give the SDK's builder in place of the public one. */
  public String endpoint() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /**
   * Azure Resource Manager on the same loopback server (the retention check reads the
   * component, its workspace and the AppTraces table): GET {@code /subscriptions/...?api-version=}
   * answers what {@link #armResource} registered, else ARM's 404 ResourceNotFound.
   */
  public void armResource(String resourceId, int status, String json) {
    arm.put(resourceId.toLowerCase(java.util.Locale.ROOT), new Reply(status, Map.of(), json));
  }

  /** The ARM endpoint (scheme, host and port) to give in place of the public one. */
  public String armEndpoint() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  final List<Request> armRequests = new CopyOnWriteArrayList<>();
  private final Map<String, Reply> arm = new java.util.concurrent.ConcurrentHashMap<>();

  private void handleArm(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String query = ex.getRequestURI().getRawQuery();
      armRequests.add(new Request(path, ex.getRequestHeaders().getFirst("Authorization"), query, null));
      Reply reply = "GET".equals(ex.getRequestMethod()) && query != null && query.startsWith("api-version=")
          ? arm.getOrDefault(path.toLowerCase(java.util.Locale.ROOT), Reply.error(404, "ResourceNotFound", "not found", Map.of()))
          : Reply.error(400, "MissingApiVersionParameter", "api-version is required", Map.of());
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      ex.sendResponseHeaders(reply.status(), out.length);
      ex.getResponseBody().write(out);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      JsonNode json = HistoryScenario.JSON.readTree(body.isEmpty() ? "{}" : body);
      String query = json.path("query").asText("");
      requests.add(new Request(ex.getRequestURI().getRawPath(), ex.getRequestHeaders().getFirst("Authorization"),
          query, json.path("timespan").asText(null)));
      Reply reply;
      if (!"POST".equals(ex.getRequestMethod()) || !ex.getRequestURI().getRawPath().endsWith("/query")) {
        reply = Reply.error(404, "PathNotFoundError", "The requested path does not exist", Map.of());
      } else if (textResponder != null) {
        reply = textResponder.apply(ex.getRequestURI().getRawPath(), query);
      } else {
        reply = responder.answer(fileOf(query), lets(query), requests.size());
      }
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      ex.sendResponseHeaders(reply.status(), out.length);
      ex.getResponseBody().write(out);
    }
  }

  /** One result table in the query API's documented shape (see {@link HistoryScenario#tables}). */
  public static String table(Map<String, String> columns, List<List<Object>> rows) {
    return HistoryScenario.tables(columns, rows, null);
  }

  /** Kusto's datetime text (see {@link HistoryScenario#kusto}). */
  public static String kusto(java.time.Instant t) {
    return HistoryScenario.kusto(t);
  }

  static String fileOf(String query) {
    if (query.contains("let deviceList = ")) {
      return KqlQueries.RUNS;
    }
    if (query.contains("prev(")) {
      return KqlQueries.GAPS;
    }
    if (query.contains("[outage] ")) {
      return KqlQueries.OUTAGES;
    }
    if (query.contains("startofday(")) {
      return KqlQueries.DAILY;
    }
    throw new AssertionError("not a history query: " + query);
  }

  static Map<String, String> lets(String query) {
    Map<String, String> out = new TreeMap<>();
    Matcher m = LET.matcher(query);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    // history-runs.kql's list: the ids, comma-separated, without their quotes.
    Matcher list = DEVICE_LIST.matcher(query);
    if (list.find()) {
      out.put("deviceList", list.group(1).replace("\"", ""));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
