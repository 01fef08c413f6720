package dev.heartwatch.core.outage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Uptime from merged outages (never from alert times). Downtime is time inside an outage while
 * the device was monitored: after its first heartbeat, outside deliberate stops, and not after
 * {@code now}. Calendar days and months are those of the given zone, so a day is 23 or 25
 * hours long across a daylight-saving change and every figure uses the real length.
 */
public final class UptimeCalculator {

    private UptimeCalculator() {
    }

    /**
     * @param coverage the device's coverage, {@code null} if it never sent a heartbeat
     * @param outages  merged outages; only those of {@code device} are used
     */
    public static Uptime over(String device, Coverage coverage, List<Outage> outages,
                              Instant from, Instant to, Instant now) {
        Objects.requireNonNull(now, "now");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("period ends before it starts: " + from + " .. " + to);
        }
        Instant end = min(to, now);
        if (coverage == null || !end.isAfter(from)) {
            return new Uptime(from, to, Duration.ZERO, Duration.ZERO);
        }
        Instant start = max(from, coverage.firstSeen());
        if (!end.isAfter(start)) {
            return new Uptime(from, to, Duration.ZERO, Duration.ZERO);
        }
        List<Instant[]> watched = subtract(start, end, coverage.stopped());
        long monitored = 0;
        for (Instant[] w : watched) {
            monitored += Duration.between(w[0], w[1]).toMillis();
        }
        long down = 0;
        for (Instant[] o : union(device, outages, start, end, now)) {
            for (Instant[] w : watched) {
                Instant s = max(o[0], w[0]);
                Instant e = min(o[1], w[1]);
                if (e.isAfter(s)) {
                    down += Duration.between(s, e).toMillis();
                }
            }
        }
        return new Uptime(from, to, Duration.ofMillis(monitored), Duration.ofMillis(down));
    }

    /** One figure per calendar day of {@code zone}, {@code first..last} inclusive. */
    public static SortedMap<LocalDate, Uptime> perDay(String device, Coverage coverage, List<Outage> outages,
                                                      LocalDate first, LocalDate last, ZoneId zone, Instant now) {
        return perDay(device, coverage, outages, first.atStartOfDay(zone).toInstant(),
                last.plusDays(1).atStartOfDay(zone).toInstant(), zone, now);
    }

    /**
     * One figure per calendar day of {@code zone} that overlaps {@code [from, to)}, each clipped
     * to it: a period that starts at noon has a half first day.
     */
    public static SortedMap<LocalDate, Uptime> perDay(String device, Coverage coverage, List<Outage> outages,
                                                      Instant from, Instant to, ZoneId zone, Instant now) {
        SortedMap<LocalDate, Uptime> out = new TreeMap<>();
        LocalDate last = lastDay(from, to, zone);
        for (LocalDate d = from.atZone(zone).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
            out.put(d, clipped(device, coverage, outages, d.atStartOfDay(zone).toInstant(),
                    d.plusDays(1).atStartOfDay(zone).toInstant(), from, to, now));
        }
        return out;
    }

    /** One figure per calendar month of {@code zone}, {@code first..last} inclusive. */
    public static SortedMap<YearMonth, Uptime> perMonth(String device, Coverage coverage, List<Outage> outages,
                                                        YearMonth first, YearMonth last, ZoneId zone, Instant now) {
        return perMonth(device, coverage, outages, first.atDay(1).atStartOfDay(zone).toInstant(),
                last.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant(), zone, now);
    }

    /** One figure per calendar month of {@code zone} that overlaps {@code [from, to)}, each clipped to it. */
    public static SortedMap<YearMonth, Uptime> perMonth(String device, Coverage coverage, List<Outage> outages,
                                                        Instant from, Instant to, ZoneId zone, Instant now) {
        SortedMap<YearMonth, Uptime> out = new TreeMap<>();
        YearMonth last = YearMonth.from(lastDay(from, to, zone));
        for (YearMonth m = YearMonth.from(from.atZone(zone)); !m.isAfter(last); m = m.plusMonths(1)) {
            out.put(m, clipped(device, coverage, outages, m.atDay(1).atStartOfDay(zone).toInstant(),
                    m.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant(), from, to, now));
        }
        return out;
    }

    /** The last calendar day of {@code [from, to)} ({@code to} exclusive). */
    private static LocalDate lastDay(Instant from, Instant to, ZoneId zone) {
        return (to.isAfter(from) ? to.minusNanos(1) : from).atZone(zone).toLocalDate();
    }

    private static Uptime clipped(String device, Coverage coverage, List<Outage> outages, Instant dayFrom,
                                  Instant dayTo, Instant from, Instant to, Instant now) {
        return over(device, coverage, outages, max(dayFrom, from), min(dayTo, to), now);
    }

    /** {@code [start, end)} minus the stops, as ordered disjoint intervals. */
    private static List<Instant[]> subtract(Instant start, Instant end, List<Coverage.Stop> stops) {
        List<Instant[]> out = new ArrayList<>();
        Instant cursor = start;
        for (Coverage.Stop s : stops) {
            Instant stopEnd = s.end() == null ? end : s.end();
            if (!stopEnd.isAfter(cursor) || !s.start().isBefore(end)) {
                continue;
            }
            if (s.start().isAfter(cursor)) {
                out.add(new Instant[] {cursor, s.start()});
            }
            cursor = max(cursor, stopEnd);
            if (!cursor.isBefore(end)) {
                return out;
            }
        }
        if (end.isAfter(cursor)) {
            out.add(new Instant[] {cursor, end});
        }
        return out;
    }

    /** The device's outages clipped to {@code [start, end)}, overlaps joined, ordered. */
    private static List<Instant[]> union(String device, List<Outage> outages, Instant start, Instant end, Instant now) {
        List<Instant[]> clipped = new ArrayList<>();
        for (Outage o : outages) {
            if (!o.device().equals(device)) {
                continue;
            }
            Instant s = max(o.start(), start);
            Instant e = min(o.end() == null ? now : o.end(), end);
            if (e.isAfter(s)) {
                clipped.add(new Instant[] {s, e});
            }
        }
        clipped.sort(Comparator.comparing(a -> a[0]));
        List<Instant[]> out = new ArrayList<>();
        for (Instant[] c : clipped) {
            Instant[] lastOne = out.isEmpty() ? null : out.get(out.size() - 1);
            if (lastOne != null && !c[0].isAfter(lastOne[1])) {
                lastOne[1] = max(lastOne[1], c[1]);
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
