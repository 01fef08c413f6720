package dev.heartwatch.cli.history;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.history.HistoryModel;
import dev.heartwatch.core.history.HistoryPeriod;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Benchmark, not a test: 30 days x 20 devices of one-minute heartbeat lines (864,000), decoded
 * with core's codec, merged into outages, uptime per day, and rendered as the HTML report, the
 * path of {@code heartwatch history --server}. Prints the time of each step and the peak heap.
 * Run through scripts/bench-history.sh (-Xmx256m).
 */
public final class HistoryBench {

  public static void main(String[] args) throws Exception {
    int devices = 20;
    int days = 30;
    // 1 Mar 00:00 in Berlin, which changes to summer time on 29 Mar (a 23-hour day).
    Instant base = Instant.parse("2026-02-28T23:00:00Z");
    Random random = new Random(42);
    long t0 = System.nanoTime();
    List<Beat> beats = new ArrayList<>(devices * days * 1440);
    List<ReportedOutage> reports = new ArrayList<>();
    int lines = 0;
    for (int d = 0; d < devices; d++) {
      String device = "device-" + d;
      for (int m = 0; m < days * 1440; m++) {
        // A daily drop of 0, 6, 12 or 18 minutes: the beats of the window arrive in a burst
        // when the link is back (the agent's backlog), so every minute still gives one line.
        int minuteOfDay = m % 1440;
        int drop = (d % 4) * 6;
        int sentMinute = minuteOfDay >= 600 && minuteOfDay < 600 + drop ? m - minuteOfDay + 600 + drop : m;
        long ts = base.plus(Duration.ofMinutes(sentMinute)).toEpochMilli() + random.nextInt(2000);
        String line = LineCodec.encode(new HeartbeatLine(ts, device, HeartbeatLine.RUNNING, "203.0.113.9",
            (long) m, ts - 150, 150L, "2.0.0", 0, null));
        lines++;
        ContractLine parsed = LineCodec.decode(line);
        if (parsed instanceof HeartbeatLine h) {
          Instant at = Instant.ofEpochMilli(h.ts());
          beats.add(new Beat(h.device(), at, at, h.stopping()));
        }
      }
      for (int day = 0; day < days; day++) {
        Instant start = base.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(600));
        OutageLine o = new OutageLine(start.plusSeconds(600).toEpochMilli(), device, "o" + day, start.toEpochMilli(),
            start.plus(Duration.ofMinutes(2)).toEpochMilli(), "dns", 1000L, "");
        OutageLine back = (OutageLine) LineCodec.decode(LineCodec.encode(o));
        lines++;
        reports.add(new ReportedOutage(back.device(), back.id(), Instant.ofEpochMilli(back.start()),
            Instant.ofEpochMilli(back.end()), back.cause(), back.detail(), Duration.ofMillis(back.skewMs())));
      }
    }
    long t1 = System.nanoTime();
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Instant end = java.time.LocalDate.of(2026, 3, 31).atStartOfDay(berlin).toInstant(); // 30 local days
    Duration threshold = Duration.ofMinutes(5);
    HistoryPeriod period = new HistoryPeriod(base, end, berlin);
    HistoryFacts facts = HistoryFacts.fromBeats(base, end, beats, reports, threshold);
    long t2 = System.nanoTime();
    HistoryReport report = new HistoryReport(
        new HistoryModel(threshold, Duration.ofMinutes(1)).compute(facts, period, end), end, "benchmark");
    long t3 = System.nanoTime();
    StringWriter html = new StringWriter();
    HtmlReport.write(report, new PrintWriter(html));
    long t4 = System.nanoTime();

    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("lines=%d beats=%d reports=%d devices=%d outages=%d html=%d KB%n", lines, beats.size(),
        reports.size(), report.devices().size(), report.outageCount(), html.getBuffer().length() / 1024);
    System.out.printf("decode lines: %d ms%n", (t1 - t0) / 1_000_000);
    System.out.printf("gaps + spans: %d ms%n", (t2 - t1) / 1_000_000);
    System.out.printf("merge + uptime (total, %d days, months per device): %d ms%n", report.devices().get(0).days().size(),
        (t3 - t2) / 1_000_000);
    System.out.printf("HTML report: %d ms%n", (t4 - t3) / 1_000_000);
    System.out.printf("total: %d ms (core work after decoding: %d ms)%n", (t4 - t0) / 1_000_000, (t4 - t1) / 1_000_000);
    System.out.printf("peak heap (sum of heap pools' peaks): %d MB of max %d MB%n", peak >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }
}
