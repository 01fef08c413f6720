package dev.heartwatch.core.history;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A cron device's runs on time over a period, as {@link HistoryModel} counts them: in total,
 * per calendar day and per month of the period's zone (a run belongs to the day of its fire
 * time). A day with no run expected has no entry.
 */
public record CronRunHistory(RunCount total, SortedMap<LocalDate, RunCount> days, SortedMap<YearMonth, RunCount> months) {

    public CronRunHistory {
        days = Collections.unmodifiableSortedMap(new TreeMap<>(days));
        months = Collections.unmodifiableSortedMap(new TreeMap<>(months));
    }

    public RunCount day(LocalDate day) {
        return days.getOrDefault(day, RunCount.NONE);
    }

    public RunCount month(YearMonth month) {
        return months.getOrDefault(month, RunCount.NONE);
    }
}
