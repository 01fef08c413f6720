package dev.heartwatch.core.schedule;

import dev.heartwatch.core.rule.DeviceFacts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark, not a test: what a schedule costs where it is used. Reading 1,000 distinct cron
 * expressions (a registry); 1,000 devices decided by {@link DueRule} (one server evaluation);
 * the year's longest gap of an every-minute and a daily cron ({@code fitsAzure}). Prints
 * milliseconds per round. Run through scripts/bench-schedule.sh.
 */
public final class ScheduleBench {

    public static void main(String[] args) {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant now = Instant.parse("2026-10-25T01:10:00Z");
        DueRule rule = DueRule.standard();
        // Each round's month field is spelt differently, so its 1,000 expressions are new to the cache.
        String[] everyMonth = {"*", "1-12", "jan-dec", "*/1", "1-6,7-12"};
        for (int round = 1; round <= 5; round++) {
            long t0 = System.nanoTime();
            List<Schedule> schedules = new ArrayList<>();
            List<String> crons = new ArrayList<>();
            for (int k = 0; k < 1000; k++) {
                // Distinct expressions: minute k % 60, hours k / 60 % 24 and 12 later, weekdays or every day.
                crons.add((k % 60) + " " + (k / 60 % 24) + "," + ((k / 60 + 12) % 24) + " * " + everyMonth[round - 1]
                        + " " + (k % 2 == 0 ? "*" : "1-5"));
                schedules.add(new Schedule.Cron(crons.get(k), berlin, Duration.ofHours(1)));
            }
            long t1 = System.nanoTime();
            for (String cron : crons) {
                new Schedule.Cron(cron, berlin, Duration.ofHours(1));
            }
            long t2 = System.nanoTime();
            int down = 0;
            for (int k = 0; k < schedules.size(); k++) {
                DeviceFacts facts = new DeviceFacts("device-" + k, now.minus(Duration.ofHours(k % 30)), false);
                if (rule.decide(schedules.get(k), facts, now).status() == DueStatus.DOWN) {
                    down++;
                }
            }
            long t3 = System.nanoTime();
            Schedule.Cron everyMinute = new Schedule.Cron("* * * * *", berlin, Duration.ofMinutes(5));
            Schedule.Cron daily = new Schedule.Cron("30 2 * * *", berlin, Duration.ofHours(1));
            long t4 = System.nanoTime();
            Duration a = everyMinute.longestGap(Instant.parse("2026-01-01T00:00:00Z")).length();
            long t5 = System.nanoTime();
            Duration b = daily.longestGap(Instant.parse("2026-01-01T00:00:00Z")).length();
            long t6 = System.nanoTime();
            System.out.printf("round %d: read 1000 new crons=%d ms, again (cached)=%d ms, decide 1000 devices=%d ms (down=%d), "
                            + "longest gap over a year: every minute=%d ms (%s), daily=%d ms (%s)%n",
                    round, ms(t0, t1), ms(t1, t2), ms(t2, t3), down, ms(t4, t5), a, ms(t5, t6), b);
        }
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
