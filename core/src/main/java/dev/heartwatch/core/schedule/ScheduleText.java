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

    /** {@code text} in double quotes, made safe for a log line or terminal and cut short. */
    static String quote(String text) {
        return "\"" + FreeText.clean(String.valueOf(text), QUOTED_CODE_POINTS) + "\"";
    }
}
