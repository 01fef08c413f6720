package dev.heartwatch.core.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.heartwatch.core.contract.FreeText;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * A five-field Unix cron expression read on the wall clock (no time zone): which days match
 * and at which times of day. cron-utils (its {@code UNIX} definition) parses the expression and
 * says which values each field takes (asked once, on UTC dates, where its open DST defects cannot
 * reach); this class combines the fields as cron(8) does and leaves the zone to
 * {@link CronRuns}. Asking the library per field once, not per instant, also keeps a decision
 * cheap: its {@code nextExecution} costs tens of microseconds a call.
 *
 * <p>Two Debian rules are applied here, where cron-utils 9.2.1 does not follow them:
 * <ul>
 *   <li>Day of month and day of week ({@code man 5 crontab}, linux.die.net/man/5/crontab):
 *       "If both fields are restricted (ie, aren't *), the command will be run when either
 *       field matches". Vixie/Debian cron decides "restricted" by the field's first character
 *       ({@code DOM_STAR}/{@code DOW_STAR} in its entry.c): {@code *}{@code /2} is not
 *       restricted, so {@code 0 0 *}{@code /2 * 1} means odd days that are Mondays. cron-utils
 *       reads that as odd days, whatever the weekday ({@code CronFieldsTest} shows it), so
 *       the day rule is applied here.</li>
 *   <li>Nicknames: cron-utils' UNIX definition refuses {@code @daily} and friends; Debian
 *       accepts them, so they are expanded here to the five fields crontab(5) gives them.
 *       {@code @reboot} is not a schedule and is refused.</li>
 * </ul>
 *
 * <p>Minute and hour never depend on the date, so the times of day are computed once; a day
 * either matches (then every one of those times runs) or does not. Instances are immutable.
 */
final class CronFields {

    private static final CronParser PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** crontab(5)'s nicknames, as Debian expands them. */
    private static final Map<String, String> NICKNAMES = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    /**
     * Expressions already read (immutable, so shared): reading one asks cron-utils about a
     * hundred questions (milliseconds), and a registry of many devices repeats few expressions.
     */
    private static final Map<String, CronFields> PARSED = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CronFields> eldest) {
                    return size() > 1024;
                }
            });

    /** What a crontab time field is written with: ASCII letters, digits, {@code * / , -}, spaces. */
    private static final Pattern CHARACTERS = Pattern.compile("[0-9A-Za-z*/,@ \t-]*");

    /** Far longer than any real five-field expression; keeps hostile input cheap to refuse. */
    static final int MAX_CHARS = 200;

    /** A Monday at midnight, before any schedule in use: the day whose times are listed. */
    private static final LocalDate REFERENCE_DAY = LocalDate.of(2001, 1, 1);

    /** The expression's times of day, ascending, minute precision. */
    private final List<LocalTime> timesOfDay;
    /** Minute or hour starts with {@code *}: Debian's "wildcard job" (DST rules, see CronRuns). */
    private final boolean wildcard;
    /** Bit {@code d} for each day of month 1-31 the field takes. */
    private final BitSet daysOfMonth;
    /** Bit {@code m} for each month 1-12. */
    private final BitSet months;
    /** Bit {@code d} for each ISO day of week 1 (Monday) to 7 (Sunday). */
    private final BitSet daysOfWeek;
    /** Both day fields restricted (neither starts with {@code *}): a day matching either matches. */
    private final boolean eitherDay;

    private CronFields(String[] f) {
        this.wildcard = f[0].startsWith("*") || f[1].startsWith("*");
        this.timesOfDay = timesOfDay(f[0], f[1]);
        // "*" is every legal value (crontab(5)); only other fields need the library's reading.
        this.daysOfMonth = f[2].equals("*") ? all(1, 31)
                : values("0 0 " + f[2] + " * *", REFERENCE_DAY, 31, ChronoUnit.DAYS, LocalDate::getDayOfMonth);
        this.months = f[3].equals("*") ? all(1, 12)
                : values("0 0 1 " + f[3] + " *", REFERENCE_DAY, 12, ChronoUnit.MONTHS, LocalDate::getMonthValue);
        this.daysOfWeek = f[4].equals("*") ? all(1, 7)
                : values("0 0 * * " + f[4], REFERENCE_DAY, 7, ChronoUnit.DAYS, d -> d.getDayOfWeek().getValue());
        this.eitherDay = !f[2].startsWith("*") && !f[4].startsWith("*");
    }

    /**
     * Parses {@code expression} (five fields, or a crontab nickname).
     *
     * @throws IllegalArgumentException saying what is wrong and what a valid expression looks like
     */
    static CronFields parse(String expression) {
        // Keyed by the exact text: only text that was read successfully is ever a key.
        CronFields known = expression == null ? null : PARSED.get(expression);
        if (known != null) {
            return known;
        }
        CronFields parsed = read(expression);
        PARSED.put(expression, parsed);
        return parsed;
    }

    private static CronFields read(String expression) {
        if (expression == null || expression.isBlank()) {
            throw invalid(expression, "it is empty");
        }
        if (expression.length() > MAX_CHARS) {
            throw invalid(expression, "it is longer than " + MAX_CHARS + " characters");
        }
        if (!CHARACTERS.matcher(expression).matches()) {
            // Java reads non-ASCII digits as numbers ("٣٠" is 30); cron(8) does not.
            throw invalid(expression, "it has a character cron does not use");
        }
        String text = expression.strip();
        if (text.startsWith("@")) {
            String expanded = NICKNAMES.get(text.toLowerCase(Locale.ROOT));
            if (expanded == null) {
                throw invalid(expression, "the only nicknames that are schedules are "
                        + "@yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly");
            }
            text = expanded;
        }
        String[] fields = text.split("\\s+");
        if (fields.length != 5) {
            throw invalid(expression, "it has " + fields.length + " field" + (fields.length == 1 ? "" : "s"));
        }
        CronFields parsed;
        try {
            library(text).validate();
            parsed = new CronFields(fields);
        } catch (RuntimeException e) { // whatever the library throws, the user gets a sentence
            throw invalid(expression, libraryReason(e));
        }
        if (parsed.timesOfDay.isEmpty()
                || parsed.nextDayAfter(REFERENCE_DAY.minusDays(1), REFERENCE_DAY.plusYears(29)).isEmpty()) {
            throw invalid(expression, "it never runs (no such day, e.g. 30 February)");
        }
        return parsed;
    }

    private static IllegalArgumentException invalid(String expression, String why) {
        return new IllegalArgumentException("cron " + ScheduleText.quote(expression) + " is not a five-field Unix cron ("
                + why + "): expected minute hour day-of-month month day-of-week, e.g. \"30 2 * * *\" "
                + "(02:30 every day) or \"*/15 * * * 1-5\"; each field takes *, a number, a range a-b, "
                + "a list a,b and a step /n; months and weekdays also take names (jan, mon)");
    }

    /** cron-utils' parser, one caller at a time: its thread safety is not documented. */
    private static synchronized Cron library(String expression) {
        return PARSER.parse(expression);
    }

    /** cron-utils' own sentence, without its generic prefix. */
    private static String libraryReason(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        String prefix = "Failed to parse cron expression. ";
        return FreeText.clean(m.startsWith(prefix) ? m.substring(prefix.length()) : m, 120);
    }

    /** Minute and hour fields starting with {@code *} (or {@code @hourly}): Debian's wildcard job. */
    boolean wildcard() {
        return wildcard;
    }

    /** The times of day it runs on a matching day, ascending. */
    List<LocalTime> timesOfDay() {
        return timesOfDay;
    }

    /** Whether cron(8) runs on {@code day}: month, and day of month and/or day of week. */
    boolean matches(LocalDate day) {
        if (!months.get(day.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(day.getDayOfMonth());
        boolean dow = daysOfWeek.get(day.getDayOfWeek().getValue());
        return eitherDay ? dom || dow : dom && dow;
    }

    /** The first matching day after {@code day}, not after {@code limit}. */
    Optional<LocalDate> nextDayAfter(LocalDate day, LocalDate limit) {
        for (LocalDate d = day.plusDays(1); !d.isAfter(limit); d = d.plusDays(1)) {
            if (matches(d)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The last matching day before {@code day}, not before {@code limit}. */
    Optional<LocalDate> previousDayBefore(LocalDate day, LocalDate limit) {
        for (LocalDate d = day.minusDays(1); !d.isBefore(limit); d = d.minusDays(1)) {
            if (matches(d)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static BitSet all(int first, int last) {
        BitSet out = new BitSet();
        out.set(first, last + 1);
        return out;
    }

    /**
     * The values one field takes, as cron-utils reads it: the runs of {@code expression} (that
     * field, the others fixed or {@code *}) over {@code count} steps of {@code unit} from
     * {@code start}, each reduced to the field's value.
     */
    private static BitSet values(String expression, LocalDate start, int count, ChronoUnit unit,
                                 ToIntFunction<LocalDate> value) {
        ExecutionTime et = ExecutionTime.forCron(library(expression));
        ZonedDateTime from = start.atStartOfDay(ZoneOffset.UTC);
        ZonedDateTime end = from.plus(count, unit);
        BitSet out = new BitSet();
        ZonedDateTime t = from.minusMinutes(1);
        while (true) {
            Optional<ZonedDateTime> next = et.nextExecution(t);
            if (next.isEmpty() || !next.get().isBefore(end)) {
                return out;
            }
            out.set(value.applyAsInt(next.get().toLocalDate()));
            t = next.get();
        }
    }

    /**
     * Minutes and hours are independent fields, so the times of day are their product: the
     * minutes come from "{@code minute} 0 * * *" over one hour and the hours from
     * "0 {@code hour} * * *" over one day, both answered by cron-utils.
     */
    private static List<LocalTime> timesOfDay(String minuteField, String hourField) {
        List<Integer> minutes = minuteField.equals("*") ? everyStep(60, 1) : matches(minuteField + " 0 * * *", 60);
        List<Integer> hourStarts = hourField.equals("*") ? everyStep(24, 60) : matches("0 " + hourField + " * * *", 24 * 60);
        List<LocalTime> out = new ArrayList<>(minutes.size() * hourStarts.size());
        for (int hourStart : hourStarts) {
            for (int m : minutes) {
                out.add(LocalTime.of(hourStart / 60, m));
            }
        }
        return List.copyOf(out);
    }

    /** {@code 0, step, 2 step, ...}: {@code count} values. */
    private static List<Integer> everyStep(int count, int step) {
        List<Integer> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            out.add(k * step);
        }
        return out;
    }

    /** Minutes after the reference midnight, below {@code span}, at which {@code expression} runs. */
    private static List<Integer> matches(String expression, int span) {
        ExecutionTime et = ExecutionTime.forCron(library(expression));
        ZonedDateTime start = REFERENCE_DAY.atStartOfDay(ZoneOffset.UTC);
        List<Integer> out = new ArrayList<>();
        ZonedDateTime t = start.minusMinutes(1);
        while (true) {
            Optional<ZonedDateTime> next = et.nextExecution(t);
            if (next.isEmpty()) {
                return out;
            }
            long minute = Duration.between(start, next.get()).toMinutes();
            if (minute >= span) {
                return out;
            }
            out.add((int) minute);
            t = next.get();
        }
    }
}
