package dev.heartwatch.cli.history;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ConsoleText;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.outage.BeatGaps;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.outage.Signal;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.schedule.DeviceRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The facts from a running heartwatch-server: its stored contract lines over
 * {@code GET /api/history/lines} (docs/history.md, "Server contract"), read as a stream and
 * merged by core exactly like the cloud's. The read key rides in {@code x-heartwatch-key}, never
 * in the URL, and is never printed.
 */
public final class ServerHistorySource implements HistorySource {
  static final String KEY_HEADER = "x-heartwatch-key";
  private static final java.util.Set<String> LOOPBACK = java.util.Set.of("127.0.0.1", "[::1]", "localhost");

  private final HttpClient http;
  private final URI base;
  private final String key;
  private final int retries;
  private final Duration maxRetryWait;
  private final PrintWriter err;

  public ServerHistorySource(HttpClient http, String baseUrl, String key, int retries, Duration maxRetryWait,
      PrintWriter err) {
    this.http = http;
    this.base = checkedBase(baseUrl);
    this.key = key;
    this.retries = retries;
    this.maxRetryWait = maxRetryWait;
    this.err = err;
  }

  /** A server address as {@code --server} takes it (https, or http on this machine only: a key must not cross the network in clear). */
  public static URI checkedBase(String url) {
    try {
      URI u = URI.create(url.strip().replaceAll("/+$", ""));
      if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null
          || u.getRawQuery() != null || u.getRawUserInfo() != null) {
        throw new IllegalArgumentException();
      }
      if ("http".equals(u.getScheme()) && !LOOPBACK.contains(u.getHost())) {
        // The read key would cross the network in clear text.
        throw new CliFailure(HistoryExitCodes.BAD_INPUT,
            "--server must use https:// unless it is on this machine (127.0.0.1, [::1], localhost)");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT,
          "--server takes the server's address, e.g. https://monitor.example:8443 (got '" + url + "')");
    }
  }

  @Override
  public String describe() {
    return "heartwatch-server " + base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
  }

  @Override
  public HistoryFacts read(Instant from, Instant to, String device, Duration threshold, Progress progress) {
    return read(from, to, device, threshold, progress, Set.of());
  }

  /**
   * The server's registry ({@code GET /api/history/registry}, the same read key); a server
   * older than it answers 404: then no schedule is known, with a warning.
   */
  @Override
  public Optional<DeviceRegistry> registry(Progress progress) {
    progress.step("reading the server's device registry");
    HttpResponse<InputStream> response = send(URI.create(base + "/api/history/registry"), "application/json", true);
    if (response == null) {
      err.println("heartwatch: warning: " + describe() + " has no /api/history/registry (an older server):"
          + " schedules are not known, every uptime is time");
      return Optional.empty();
    }
    try (InputStream in = response.body()) {
      return Optional.of(DeviceRegistry.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new CliFailure(HistoryExitCodes.UNREACHABLE,
          "the connection to " + describe() + " broke while reading its registry: " + ConsoleText.of(e.getMessage()));
    } catch (RuntimeException e) {
      throw new CliFailure(HistoryExitCodes.SERVICE, describe() + " sent a registry that is not in devices.json's layout: "
          + ConsoleText.of(String.valueOf(e.getMessage())));
    }
  }

  @Override
  public HistoryFacts read(Instant from, Instant to, String device, Duration threshold, Progress progress,
                           Set<String> cronDevices) {
    String query = "since=" + enc(from.toString()) + "&until=" + enc(to.toString())
        + (device == null ? "" : "&device=" + enc(device));
    URI uri = URI.create(base + "/api/history/lines?" + query);
    progress.step("reading the server's lines");
    HttpResponse<InputStream> response = send(uri, "text/plain", false);
    // Reduced as it streams (the lines come in time order): the memory of the outages, not of the
    // beats; only the cron devices' beats are kept whole.
    BeatGaps.Reducer beats = new BeatGaps.Reducer(threshold, cronDevices::contains);
    long beatCount = 0;
    Map<String, ReportedOutage> reports = new HashMap<>();
    int malformed = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        ContractLine parsed;
        try {
          parsed = LineCodec.decode(line);
        } catch (MalformedLineException | RuntimeException e) {
          malformed++;
          continue;
        }
        if (parsed instanceof HeartbeatLine h) {
          Instant at = Instant.ofEpochMilli(h.ts());
          try {
            // The gap after a check's beat is judged by the period and grace it carried (issue 17).
            beats.add(new Beat(h.device(), at, at, h.stopping()), Signal.ofState(h.state()), h.durationMs(),
                BeatSchedule.ofMillis(h.periodMs(), h.graceMs()).orElse(null));
          } catch (IllegalArgumentException e) {
            throw new CliFailure(HistoryExitCodes.FAILURE, describe() + " sent heartbeats out of time order ("
                + ConsoleText.of(e.getMessage()) + "); its /api/history/lines must stream by time");
          }
          beatCount++;
        } else if (parsed instanceof OutageLine o && o.end() >= o.start()) {
          // The first copy received wins (the agent re-sends until acknowledged).
          ReportedOutage r = new ReportedOutage(o.device(), o.id(), Instant.ofEpochMilli(o.start()),
              Instant.ofEpochMilli(o.end()), o.cause(), o.detail(),
              o.skewMs() == null ? null : Duration.ofMillis(o.skewMs()));
          reports.merge(o.device() + '\u0000' + o.id(), r, (a, b) -> a);
        }
      }
    } catch (IOException e) {
      throw new CliFailure(HistoryExitCodes.UNREACHABLE,
          "the connection to " + describe() + " broke while reading: " + ConsoleText.of(e.getMessage()));
    }
    if (malformed > 0) {
      err.println("heartwatch: warning: " + malformed + " line(s) from the server are not contract lines and were left out");
    }
    progress.step("read " + beatCount + " heartbeats and " + reports.size() + " outage reports");
    return HistoryFacts.fromBeatGaps(from, to, beats.result(), new ArrayList<>(reports.values()));
  }

  /** @param notFoundIsEmpty a 404 answers {@code null} instead of failing */
  private HttpResponse<InputStream> send(URI uri, String accept, boolean notFoundIsEmpty) {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofMinutes(5))
        .header(KEY_HEADER, key == null ? "" : key)
        .header("Accept", accept)
        .GET()
        .build();
    for (int attempt = 0; ; attempt++) {
      HttpResponse<InputStream> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new CliFailure(HistoryExitCodes.UNREACHABLE,
            "cannot reach " + describe() + " (" + e.getClass().getSimpleName() + ": " + ConsoleText.of(e.getMessage()) + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure(HistoryExitCodes.FAILURE, "interrupted");
      }
      int status = response.statusCode();
      if (status == 200) {
        return response;
      }
      String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
      discard(response);
      if (status == 404 && notFoundIsEmpty) {
        return null;
      }
      if ((status == 429 || status == 503) && attempt < retries) {
        sleep(retryWait(retryAfter, attempt));
        continue;
      }
      throw HistoryFailures.ofStatus(status, retryAfter, describe(), "see the server's log");
    }
  }

  /** Retry-After in seconds when the server gives it (capped), else 1 s, 2 s, 4 s... */
  Duration retryWait(String retryAfter, int attempt) {
    Duration wait = Duration.ofSeconds(1L << Math.min(attempt, 6));
    if (retryAfter != null) {
      try {
        wait = Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.strip())));
      } catch (NumberFormatException e) {
        // an HTTP date: keep the backoff
      }
    }
    return wait.compareTo(maxRetryWait) > 0 ? maxRetryWait : wait;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(HistoryExitCodes.FAILURE, "interrupted");
    }
  }

  private static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.readAllBytes();
    } catch (IOException e) {
      // nothing to keep
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
