package dev.heartwatch.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which days and times a cron matches: crontab(5)'s rules, next to cron-utils' own answer. */
class CronFieldsTest {

    private static List<LocalDate> days(String cron, String after, int n) {
        CronFields f = CronFields.parse(cron);
        List<LocalDate> out = new ArrayList<>();
        LocalDate d = LocalDate.parse(after);
        for (int k = 0; k < n; k++) {
            d = f.nextDayAfter(d, d.plusYears(30)).orElseThrow();
            out.add(d);
        }
        return out;
    }

    private static List<LocalDate> dates(String... texts) {
        List<LocalDate> out = new ArrayList<>();
        for (String t : texts) {
            out.add(LocalDate.parse(t));
        }
        return out;
    }

    @Test
    void bothDayFieldsRestrictedMatchEither() {
        // "0 0 13 * 5": every Friday and every 13th (2026-01-02 and -09 are Fridays, the 13th a Tuesday).
        assertEquals(dates("2026-01-02", "2026-01-09", "2026-01-13", "2026-01-16"), days("0 0 13 * 5", "2026-01-01", 4));
        // crontab(5)'s own example, "30 4 1,15 * 5": the 1st, the 15th and every Friday.
        assertEquals(dates("2026-01-01", "2026-01-02", "2026-01-09", "2026-01-15"), days("30 4 1,15 * 5", "2025-12-31", 4));
        // A full range is still a restriction: every day matches day of month.
        assertEquals(dates("2026-01-02", "2026-01-03"), days("0 0 1-31 * 1", "2026-01-01", 2));
    }

    @Test
    void aDayFieldStartingWithStarIsUnrestrictedSoBothMustMatch() {
        // Odd days that are Mondays: 5 and 19 January, 9 and 23 February 2026.
        assertEquals(dates("2026-01-05", "2026-01-19", "2026-02-09", "2026-02-23"), days("0 0 */2 * 1", "2026-01-01", 4));
        CronFields f = CronFields.parse("0 0 */2 * 1");
        assertEquals(LocalDate.parse("2026-01-19"), f.previousDayBefore(LocalDate.parse("2026-02-09"), LocalDate.parse("2025-01-01")).orElseThrow());
    }

    @Test
    void cronUtilsIgnoresTheWeekdayThereWhichIsWhyItIsCorrected() {
        ExecutionTime et = ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
                .parse("0 0 */2 * 1"));
        LocalDate libraryFirst = et.nextExecution(LocalDate.parse("2026-01-01").atStartOfDay(ZoneOffset.UTC)).orElseThrow().toLocalDate();
        assertEquals(LocalDate.parse("2026-01-03"), libraryFirst, "a Saturday: cron-utils reads */2 as a restriction");
    }

    @Test
    void oneStarDayFieldLeavesTheOtherAlone() {
        assertEquals(dates("2026-01-04", "2026-01-11"), days("0 0 * * 7", "2026-01-01", 2));
        assertEquals(dates("2026-01-04", "2026-01-11"), days("0 0 * * sun", "2026-01-01", 2));
        assertEquals(dates("2026-02-13", "2026-03-13"), days("0 0 13 * *", "2026-01-13", 2));
        assertEquals(dates("2027-01-04"), days("0 0 * jan mon", "2026-01-26", 1));
    }

    @Test
    void timesOfDayAreHoursTimesMinutes() {
        assertEquals(List.of(LocalTime.of(2, 0), LocalTime.of(2, 30), LocalTime.of(14, 0), LocalTime.of(14, 30)),
                CronFields.parse("0,30 2,14 * * *").timesOfDay());
        assertEquals(1440, CronFields.parse("* * * * *").timesOfDay().size());
        assertEquals(List.of(LocalTime.of(0, 5), LocalTime.of(0, 35)), CronFields.parse("5-59/30 0 * * *").timesOfDay());
    }

    @Test
    void wildcardMeansMinuteOrHourStartsWithStar() {
        assertTrue(CronFields.parse("*/15 3 * * *").wildcard());
        assertTrue(CronFields.parse("0 * * * *").wildcard());
        assertTrue(CronFields.parse("@hourly").wildcard());
        assertFalse(CronFields.parse("0 0-23 * * *").wildcard(), "a range is a fixed time for cron(8)");
        assertFalse(CronFields.parse("@daily").wildcard());
    }

    @Test
    void nicknamesExpandAsInCrontab() {
        assertEquals(dates("2027-01-01"), days("@yearly", "2026-06-01", 1));
        assertEquals(dates("2026-06-07"), days("@weekly", "2026-06-01", 1));
        assertEquals(List.of(LocalTime.MIDNIGHT), CronFields.parse("@midnight").timesOfDay());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronFields.parse("@reboot"));
        assertTrue(e.getMessage().contains("@hourly"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"61 * * * *", "* * * *", "* * * * * *", "0 0 ? * *", "0 0 L * *", "0 0 * * 5#2",
            "a b c d e", "*/0 * * * *", "", "   ", "0 0 1W * *", "0 24 * * *", "0 0 32 * *", "0 0 * 13 *", "0 0 * * 8",
            "\u0663\u0660 2 * * *", "30 \uff12 * * *", "30 2 * * *\n", "30 2 * * * /bin/true", "30\u00a02 * * *"})
    void badExpressionsAreRefusedSayingWhatIsValid(String cron) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronFields.parse(cron));
        assertTrue(e.getMessage().startsWith("cron " + ScheduleText.quote(cron) + " is not a five-field Unix cron ("), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. \"30 2 * * *\""), e.getMessage());
    }

    @Test
    void anExpressionThatNeverRunsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronFields.parse("0 0 30 2 *"));
        assertTrue(e.getMessage().contains("never runs"), e.getMessage());
        assertEquals(dates("2028-02-29"), days("0 0 29 2 *", "2026-01-01", 1), "29 February runs in leap years");
    }

    @Test
    void aTextReadBeforeDoesNotLetAVariantPast() {
        CronFields.parse("30 2 * * *");
        assertThrows(IllegalArgumentException.class, () -> CronFields.parse("30 2 * * *\n"));
        assertThrows(IllegalArgumentException.class, () -> CronFields.parse("30 2 * * *" + " ".repeat(CronFields.MAX_CHARS)));
    }
}
