package dev.heartwatch.core.schedule;

import dev.heartwatch.core.contract.FreeText;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Schedule values as people type them (the registry file, the CLI): ISO-8601 durations and IANA
 * time zones, refused with a message that says what would be valid and quotes the input safely.
 */
public final class ScheduleText {

    /** How much of a refused value an error message repeats. */
    private static final int QUOTED_CODE_POINTS = 80;

    private ScheduleText() {
    }

    /**
     * An ISO-8601 duration ({@code PT10M}, {@code PT1H}, {@code P1D}).
     *
     * @param name the field, for the message ({@code period}, {@code grace})
     */
    public static Duration duration(String name, String text) {
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " " + quote(text)
                    + " is not an ISO-8601 duration: use e.g. PT30S, PT10M, PT1H or P1D");
        }
    }

    /**
     * An IANA time zone ({@code Europe/Berlin}, {@code Asia/Kolkata}, {@code Etc/UTC}). Fixed
     * offsets ({@code +05:30}) are refused: they do not follow a place's daylight-saving rules.
     */
    public static ZoneId zone(String text) {
        String id = text.strip();
        if (ZoneId.getAvailableZoneIds().contains(id)) {
            return ZoneId.of(id);
        }
        for (String known : ZoneId.getAvailableZoneIds()) {
            if (known.toLowerCase(Locale.ROOT).equals(id.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("timeZone " + quote(text)
                        + " is not an IANA time zone: did you mean \"" + known + "\"?");
            }
        }
        String why = isOffset(id)
                ? "a fixed offset ignores daylight saving; name the place"
                : "unknown zone";
        throw new IllegalArgumentException("timeZone " + quote(text) + " is not an IANA time zone ("
                + why + "): use e.g. Europe/Berlin, America/New_York, Asia/Kolkata or Etc/UTC");
    }

    private static boolean isOffset(String id) {
        try {
            ZoneId.of(id);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** ISO-8601 as people write it: whole days as {@code P7D}, else {@code PT47H55M}. */
    public static String format(Duration d) {
        if (!d.isZero() && d.getNano() == 0 && d.getSeconds() % 86_400 == 0) {
            return "P" + d.toDays() + "D";
        }
        return d.toString();
    }

    /**
     * A schedule as the dashboard and the reports show it: {@code every 10m + 5m grace},
     * {@code 30 2 * * * Asia/Kolkata + 1h}.
     */
    public static String describe(Schedule schedule) {
        if (schedule instanceof Schedule.Period p) {
            return "every " + brief(p.period()) + " + " + brief(p.grace()) + " grace";
        }
        Schedule.Cron c = (Schedule.Cron) schedule;
        return c.expression() + " " + c.zone().getId() + " + " + brief(c.grace());
    }

    /** A duration in short units, largest first: {@code 10m}, {@code 1h30m}, {@code 2d}, {@code 45s}, {@code 250ms}. */
    public static String brief(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long days = d.toDays();
        int hours = d.toHoursPart();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int millis = d.toMillisPart();
        if (days > 0) {
            out.append(days).append('d');
        }
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        if (millis > 0 && out.isEmpty()) {
            out.append(millis).append("ms");
        }
        return out.isEmpty() ? d.toString() : out.toString();
    }

    /** {@code text} in double quotes, made safe for a log line or terminal and cut short. */
    static String quote(String text) {
        return "\"" + FreeText.clean(String.valueOf(text), QUOTED_CODE_POINTS) + "\"";
    }
}
