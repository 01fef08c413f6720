package dev.heartwatch.core.schedule;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A schedule as the dashboard and the reports write it. */
class ScheduleDescribeTest {

    @Test
    void periodAndCronAsPeopleReadThem() {
        assertEquals("every 10m + 5m grace",
                ScheduleText.describe(new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5))));
        assertEquals("30 2 * * * Asia/Kolkata + 1h",
                ScheduleText.describe(new Schedule.Cron(" 30 2 * * * ", ZoneId.of("Asia/Kolkata"), Duration.ofHours(1))));
        assertEquals("every 1m + 4m grace", ScheduleText.describe(Schedule.DEFAULT));
        assertEquals("1d1h30m", ScheduleText.brief(Duration.parse("P1DT1H30M")));
        assertEquals("45s", ScheduleText.brief(Duration.ofSeconds(45)));
        assertEquals("250ms", ScheduleText.brief(Duration.ofMillis(250)));
        assertEquals("2m", ScheduleText.brief(Duration.ofMillis(120_400)));
    }
}
