package dev.heartwatch.cli.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Known heartbeats and outage reports, served the two ways history reads them: as the contract
 * lines a heartwatch-server stores, and as the three tables the history queries return (computed
 * here as docs/queries.md defines their columns, over the range the tuned query asks for).
 */
final class HistoryScenario {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One beat; {@code state} is the line's ({@code running}, {@code stopping}, and v2's {@code start}, {@code fail}). */
  record Beat(String device, Instant at, boolean stopping, String state, Long periodMs, Long graceMs) {
    Beat(String device, Instant at, boolean stopping, String state) {
      this(device, at, stopping, state, null, null);
    }

    Beat(String device, Instant at, boolean stopping) {
      this(device, at, stopping, stopping ? "stopping" : "running");
    }
  }

  /** BeatSchedule.LONGEST in milliseconds, as history-gaps.kql writes it. */
  private static final long LONGEST_SCHEDULE_MS = 31_622_400_000L;

  final List<Beat> beats = new ArrayList<>();
  final List<OutageLine> reports = new ArrayList<>();

  /** Beats every minute from {@code from} to {@code to} (exclusive), skipping the given minutes. */
  HistoryScenario everyMinute(String device, Instant from, Instant to, Instant... skipFromTo) {
    for (Instant t = from; t.isBefore(to); t = t.plusSeconds(60)) {
      boolean skip = false;
      for (int i = 0; i < skipFromTo.length; i += 2) {
        if (!t.isBefore(skipFromTo[i]) && t.isBefore(skipFromTo[i + 1])) {
          skip = true;
        }
      }
      if (!skip) {
        beats.add(new Beat(device, t, false));
      }
    }
    return this;
  }

  /**
   * An agent's check: a beat every {@code period}, each up to {@code maxJitter} late (a fixed seed,
   * so every run is the same), carrying {@code periodMs} and {@code graceMs} when {@code withSchedule}
   * (a line from before issue 17 carries neither); none in {@code [silentFrom, silentTo)}.
   */
  HistoryScenario check(String device, Instant from, Instant to, java.time.Duration period, java.time.Duration grace,
      java.time.Duration maxJitter, boolean withSchedule, Instant silentFrom, Instant silentTo) {
    java.util.Random random = new java.util.Random(17);
    for (Instant due = from; due.isBefore(to); due = due.plus(period)) {
      Instant at = due.plusMillis((long) (random.nextDouble() * maxJitter.toMillis()));
      if (silentFrom != null && !at.isBefore(silentFrom) && at.isBefore(silentTo)) {
        continue;
      }
      beats.add(new Beat(device, at, false, "running", withSchedule ? period.toMillis() : null,
          withSchedule ? grace.toMillis() : null));
    }
    return this;
  }

  /**
   * The gap history-gaps.kql reports after beat {@code a}: longer than {@code threshold}, or than
   * its periodMs + graceMs when that is longer, read as the query reads them (written here from the
   * query's text, not from core's BeatSchedule: the test compares the two).
   */
  static long gapLimitMs(Beat a, long threshold) {
    Long p = a.periodMs();
    Long g = a.graceMs();
    if (p == null || p <= 0 || p > LONGEST_SCHEDULE_MS || g != null && g > LONGEST_SCHEDULE_MS) {
      return threshold;
    }
    long grace = g == null ? p : Math.max(g, 1);
    return Math.max(threshold, p + grace);
  }

  /** One beat at each instant (a cron job's runs). */
  HistoryScenario beatsAt(String device, Instant... at) {
    for (Instant t : at) {
      beats.add(new Beat(device, t, false));
    }
    return this;
  }

  HistoryScenario stoppingAt(String device, Instant at) {
    beats.removeIf(b -> b.device().equals(device) && b.at().equals(at));
    beats.add(new Beat(device, at, true));
    return this;
  }

  HistoryScenario report(String device, String id, Instant received, Instant start, Instant end, String cause,
      Long skewMs, String detail) {
    reports.add(new OutageLine(received.toEpochMilli(), device, id, start.toEpochMilli(), end.toEpochMilli(),
        cause, skewMs, detail));
    return this;
  }

  List<Beat> sortedBeats(Instant from, Instant to, String device) {
    return beats.stream()
        .filter(b -> !b.at().isBefore(from) && b.at().isBefore(to))
        .filter(b -> device == null || device.isEmpty() || b.device().equals(device))
        .sorted(Comparator.comparing(Beat::device).thenComparing(Beat::at))
        .toList();
  }

  /** The server contract: every stored line with {@code since <= ts < until}, in ts order. */
  List<String> lines(Instant from, Instant to, String device) {
    List<Object[]> all = new ArrayList<>();
    for (Beat b : sortedBeats(from, to, device)) {
      all.add(new Object[] {b.at().toEpochMilli(), LineCodec.encode(new HeartbeatLine(b.at().toEpochMilli(), b.device(),
          b.stopping() ? HeartbeatLine.STOPPING : HeartbeatLine.RUNNING, "127.0.0.1", null, null, null, null, null,
          b.periodMs(), b.graceMs(), 0, null))});
    }
    for (OutageLine o : reports) {
      if (o.ts() >= from.toEpochMilli() && o.ts() < to.toEpochMilli() && (device == null || o.device().equals(device))) {
        all.add(new Object[] {o.ts(), LineCodec.encode(o)});
      }
    }
    all.sort(Comparator.comparingLong(a -> (Long) a[0]));
    return all.stream().map(a -> (String) a[1]).toList();
  }

  /** What the query API answers for one of the history queries, tuned with {@code lets}. */
  String table(String file, Map<String, String> lets) {
    Instant from = Instant.parse(lets.get("since"));
    Instant to = Instant.parse(lets.get("until"));
    String device = lets.get("deviceFilter");
    Map<String, String> columns = new LinkedHashMap<>();
    List<List<Object>> rows = new ArrayList<>();
    switch (file) {
      case KqlQueries.GAPS -> {
        long threshold = Long.parseLong(lets.get("threshold").replace("ms", ""));
        columns.put("device", "string");
        columns.put("gapStart", "datetime");
        columns.put("gapEnd", "datetime");
        columns.put("prevState", "string");
        columns.put("prevPeriodMs", "long");
        columns.put("prevGraceMs", "long");
        List<Beat> sorted = sortedBeats(from, to, device);
        for (int i = 1; i < sorted.size(); i++) {
          Beat a = sorted.get(i - 1);
          Beat b = sorted.get(i);
          if (a.device().equals(b.device()) && b.at().toEpochMilli() - a.at().toEpochMilli() > gapLimitMs(a, threshold)) {
            List<Object> row = new ArrayList<>(List.of(a.device(), kusto(a.at()), kusto(b.at()),
                a.stopping() ? "stopping" : "running"));
            row.add(a.periodMs());
            row.add(a.graceMs());
            rows.add(row);
          }
        }
      }
      case KqlQueries.OUTAGES -> {
        for (String c : List.of("device", "id", "start", "end", "cause", "detail", "skewMs", "receivedAt")) {
          columns.put(c, switch (c) {
            case "start", "end", "receivedAt" -> "datetime";
            case "skewMs" -> "long";
            default -> "string";
          });
        }
        Map<String, OutageLine> first = new TreeMap<>();
        for (OutageLine o : reports) {
          if (o.ts() >= from.toEpochMilli() && o.ts() < to.toEpochMilli() && (device.isEmpty() || o.device().equals(device))) {
            first.merge(o.device() + "/" + o.id(), o, (a, b) -> a.ts() <= b.ts() ? a : b);
          }
        }
        for (OutageLine o : first.values()) {
          List<Object> row = new ArrayList<>(List.of(o.device(), o.id(), kusto(Instant.ofEpochMilli(o.start())),
              kusto(Instant.ofEpochMilli(o.end())), o.cause(), o.detail() == null ? "" : o.detail()));
          row.add(o.skewMs());
          row.add(kusto(Instant.ofEpochMilli(o.ts())));
          rows.add(row);
        }
      }
      case KqlQueries.DAILY -> {
        columns.put("device", "string");
        columns.put("day", "datetime");
        columns.put("beats", "long");
        columns.put("firstBeat", "datetime");
        columns.put("lastBeat", "datetime");
        columns.put("lastStop", "datetime");
        columns.put("lastPeriodMs", "long");
        columns.put("lastGraceMs", "long");
        Map<String, List<Beat>> byDay = new TreeMap<>();
        for (Beat b : sortedBeats(from, to, device)) {
          byDay.computeIfAbsent(b.device() + "|" + b.at().truncatedTo(ChronoUnit.DAYS), k -> new ArrayList<>()).add(b);
        }
        for (List<Beat> day : byDay.values()) {
          Beat firstBeat = day.get(0);
          Beat lastBeat = day.get(day.size() - 1);
          Instant lastStop = day.stream().filter(Beat::stopping).map(Beat::at).max(Comparator.naturalOrder()).orElse(null);
          List<Object> row = new ArrayList<>(List.of(firstBeat.device(),
              kusto(firstBeat.at().truncatedTo(ChronoUnit.DAYS)), (long) day.size(), kusto(firstBeat.at()),
              kusto(lastBeat.at())));
          row.add(lastStop == null ? null : kusto(lastStop));
          row.add(lastBeat.periodMs());
          row.add(lastBeat.graceMs());
          rows.add(row);
        }
      }
      case KqlQueries.RUNS -> {
        // docs/queries.md: device, timestamp, state, durationMs; the devices of deviceList only.
        columns.put("device", "string");
        columns.put("timestamp", "datetime");
        columns.put("state", "string");
        columns.put("durationMs", "long");
        List<String> named = List.of(lets.getOrDefault("deviceList", "").split(","));
        for (Beat b : sortedBeats(from, to, null)) {
          if (named.contains(b.device())) {
            List<Object> row = new ArrayList<>(List.of(b.device(), kusto(b.at()), b.state()));
            row.add(null);
            rows.add(row);
          }
        }
      }
      default -> throw new AssertionError("unknown query " + file);
    }
    return tables(columns, rows, null);
  }

  /** The documented shape: {"tables":[{"name":"PrimaryResult","columns":[...],"rows":[[...]]}]}. */
  static String tables(Map<String, String> columns, List<List<Object>> rows, ObjectNode error) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode table = root.putArray("tables").addObject();
    table.put("name", "PrimaryResult");
    ArrayNode cols = table.putArray("columns");
    columns.forEach((name, type) -> cols.addObject().put("name", name).put("type", type));
    ArrayNode rs = table.putArray("rows");
    for (List<Object> row : rows) {
      rs.add(JSON.valueToTree(row));
    }
    if (error != null) {
      root.set("error", error);
    }
    return root.toString();
  }

  /** Kusto's datetime text: ISO-8601 UTC with seven fractional digits. */
  static String kusto(Instant t) {
    return KUSTO_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  private static final java.time.format.DateTimeFormatter KUSTO_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'");
}
