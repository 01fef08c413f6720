package dev.heartwatch.cli.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ConsoleText;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.DeviceRegistryException;
import dev.heartwatch.core.schedule.RegisteredDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A running heartwatch-server, through its admin API (docs/dashboard.md, "API"): the registry
 * under {@code /api/registry}, mute and retire under {@code /api/devices/{id}/...}, all with the
 * admin key in the {@code x-functions-key} header (never in the URL, which proxies log). An add
 * is a {@code PUT} with {@code If-None-Match: *} and a change one with {@code If-Match: *}, so
 * the server checks and writes in one step. The server validates again; its refusal is shown
 * line by line.
 */
final class ServerTarget implements RegistryTarget {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI base;
  private final String key;
  private final PrintWriter err;

  ServerTarget(HttpClient http, URI base, String key, PrintWriter err) {
    this.http = http;
    this.base = base;
    this.key = key;
    this.err = err;
  }

  @Override
  public String where() {
    return "heartwatch-server " + base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
  }

  @Override
  public boolean feedsAzure() {
    return false;
  }

  @Override
  public boolean exists() {
    return true;
  }

  @Override
  public DeviceRegistry read() {
    HttpResponse<String> r = send(request("/api/registry").GET(), "read the registry");
    ok(r, "read the registry");
    try {
      return DeviceRegistry.parse(r.body());
    } catch (DeviceRegistryException e) {
      throw new CliFailure(ExitCodes.SERVICE, where() + " answered a registry this CLI cannot read: " + e.getMessage());
    }
  }

  @Override
  public List<Instant> add(RegisteredDevice device, Instant now) {
    return put(device, "If-None-Match");
  }

  @Override
  public List<Instant> set(RegisteredDevice device, Instant now) {
    return put(device, "If-Match");
  }

  private List<Instant> put(RegisteredDevice device, String precondition) {
    String body = DevicesText.entryJson(device);
    HttpResponse<String> r = send(request("/api/registry/devices/" + enc(device.id())).header(precondition, "*")
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)), "write the entry");
    if (r.statusCode() == 412) {
      return null;
    }
    ok(r, "write '" + device.id() + "'");
    List<Instant> due = new ArrayList<>();
    try {
      for (JsonNode t : JSON.readTree(r.body()).path("nextDue")) {
        due.add(Instant.parse(t.asText()));
      }
    } catch (IOException | DateTimeParseException e) {
      throw new CliFailure(ExitCodes.SERVICE, where() + " wrote '" + device.id() + "' but its answer is not the API's");
    }
    return due;
  }

  @Override
  public boolean remove(String id) {
    HttpResponse<String> r = send(request("/api/registry/devices/" + enc(id)).DELETE(), "remove the entry");
    if (r.statusCode() == 404) {
      return false;
    }
    ok(r, "remove '" + id + "'");
    return true;
  }

  @Override
  public void replaceAll(DeviceRegistry registry) {
    HttpResponse<String> r = send(request("/api/registry").header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(registry.toJson())), "import the registry");
    ok(r, "import the registry");
  }

  @Override
  public String administer(Action action, String id, Duration muteFor) {
    String verb = action.name().toLowerCase(java.util.Locale.ROOT);
    String path = "/api/devices/" + enc(id) + "/" + verb + (action == Action.MUTE ? "?for=" + enc(muteFor.toString()) : "");
    HttpResponse<String> r = send(request(path).POST(HttpRequest.BodyPublishers.noBody()), verb + " '" + id + "'");
    ok(r, verb + " '" + id + "'");
    try {
      JsonNode state = JSON.readTree(r.body());
      JsonNode until = state.path("mutedUntil");
      return DevicesText.adminState(action, id, until.isTextual() ? Instant.parse(until.asText()) : null);
    } catch (IOException | DateTimeParseException e) {
      throw new CliFailure(ExitCodes.SERVICE, where() + " did " + verb + " '" + id + "' but its answer is not the API's");
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TIMEOUT).header("x-functions-key", key);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String what) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, where() + " did not answer in " + TIMEOUT.toSeconds() + " s (" + what + ")");
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "cannot reach " + where() + " to " + what + ": "
          + ConsoleText.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.FAILURE, "interrupted");
    }
  }

  /** Anything but a 200 is a failure: a 400's lines are the problems, each printed on its own. */
  private void ok(HttpResponse<String> r, String what) {
    int status = r.statusCode();
    if (status == 200) {
      return;
    }
    String body = r.body() == null ? "" : r.body();
    if (status == 400) {
      body.lines().limit(50).forEach(line -> err.println("  " + ConsoleText.of(line)));
      err.flush();
      throw new CliFailure(ExitCodes.BAD_INPUT, where() + " refused to " + what + " (above); nothing was written");
    }
    String said = ConsoleText.of(body.lines().findFirst().orElse(""));
    int code = switch (status) {
      case 401, 403 -> ExitCodes.AUTH;
      case 413 -> ExitCodes.BAD_INPUT;
      case 404, 409, 412 -> ExitCodes.CONFLICT;
      default -> ExitCodes.SERVICE;
    };
    String hint = status == 401 ? " (the admin key: env HEARTWATCH_ADMIN_KEY or --admin-key-file, one of the server's HEARTWATCH_ADMIN_KEYS)" : "";
    throw new CliFailure(code, where() + " answered " + status + " to " + what + ": " + said + hint);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
