package dev.heartwatch.core.history;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The period a history covers, {@code [since, until)}, and the zone its calendar days and months
 * are counted in (a day is 23 or 25 hours across a daylight-saving change).
 */
public record HistoryPeriod(Instant since, Instant until, ZoneId zone) {

    public HistoryPeriod {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(zone, "zone");
        if (!until.isAfter(since)) {
            throw new IllegalArgumentException("the period ends before it starts: " + since + " .. " + until);
        }
    }

    /** The first calendar day of the period in the zone. */
    public LocalDate firstDay() {
        return since.atZone(zone).toLocalDate();
    }

    /** The last calendar day of the period in the zone ({@code until} is exclusive). */
    public LocalDate lastDay() {
        return until.minusNanos(1).atZone(zone).toLocalDate();
    }

    /** Whether {@code [start, end)} overlaps the period; {@code end == null}: still going. */
    public boolean overlaps(Instant start, Instant end) {
        return start.isBefore(until) && (end == null || end.isAfter(since));
    }
}
