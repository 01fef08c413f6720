package dev.heartwatch.core.rule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test data: heartbeat series on a fixed day, times written as {@code "HH:mm[:ss]"}. */
public final class Beats {

    public static final String DAY = "2026-03-02T";

    private Beats() {
    }

    public static Instant t(String hhmm) {
        return Instant.parse(DAY + (hhmm.length() == 5 ? hhmm + ":00" : hhmm) + "Z");
    }

    /** One beat a minute from {@code from} to {@code to} inclusive, queryable at once. */
    public static List<Beat> everyMinute(String device, String from, String to) {
        return every(device, t(from), t(to), Duration.ofMinutes(1), Duration.ZERO);
    }

    /** Beats every {@code step} from {@code from} to {@code to} inclusive, each ingested {@code delay} later. */
    public static List<Beat> every(String device, Instant from, Instant to, Duration step, Duration delay) {
        List<Beat> out = new ArrayList<>();
        for (Instant at = from; !at.isAfter(to); at = at.plus(step)) {
            out.add(new Beat(device, at, at.plus(delay), false));
        }
        return out;
    }

    @SafeVarargs
    public static List<Beat> concat(List<Beat>... parts) {
        List<Beat> out = new ArrayList<>();
        for (List<Beat> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
