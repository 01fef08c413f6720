package dev.heartwatch.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heartwatch.core.contract.Limits;
import dev.heartwatch.core.schedule.Schedule;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a beat's period and grace are read, and the limit and start grace they give under a rule. */
class BeatScheduleTest {
    private static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1),
            Duration.ofHours(2), Duration.ofMinutes(1), Set.of());

    private static BeatSchedule of(long periodS, long graceS) {
        return new BeatSchedule(Duration.ofSeconds(periodS), Duration.ofSeconds(graceS));
    }

    @Test
    void noPeriodOrOneNotPositiveAsksForNothing() {
        assertEquals(Optional.empty(), BeatSchedule.of(null, Duration.ofMinutes(1)), "a grace alone is no schedule");
        assertEquals(Optional.empty(), BeatSchedule.of(Duration.ZERO, null));
        assertEquals(Optional.empty(), BeatSchedule.of(Duration.ofSeconds(-5), Duration.ofSeconds(5)));
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(null, 1000L));
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(0L, null));
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(-1L, 1000L));
    }

    @Test
    void noGraceIsThePeriodAndAZeroOrNegativeGraceIsOneMillisecond() {
        assertEquals(Optional.of(of(30, 30)), BeatSchedule.of(Duration.ofSeconds(30), null));
        assertEquals(Optional.of(of(30, 30)), BeatSchedule.ofMillis(30_000L, null));
        BeatSchedule zero = BeatSchedule.ofMillis(30_000L, 0L).orElseThrow();
        assertEquals(Duration.ofMillis(1), zero.grace());
        assertEquals(zero, BeatSchedule.ofMillis(30_000L, -7L).orElseThrow());
        assertEquals(zero, BeatSchedule.of(Duration.ofSeconds(30), Duration.ZERO).orElseThrow());
        assertEquals(Duration.ofSeconds(30).plusMillis(1), zero.limit(RULE));
    }

    @Test
    void aPeriodOrGraceBeyondTheLongestIsNotBelievedAndNothingOverflows() {
        long longest = BeatSchedule.LONGEST.toMillis();
        assertEquals(Schedule.MAX_DURATION, BeatSchedule.LONGEST, "core's Schedule holds as long as a beat is believed");
        assertEquals(31_622_400_000L, longest, "silent-devices.kql's longestScheduleMs");
        assertEquals(Optional.of(new BeatSchedule(BeatSchedule.LONGEST, BeatSchedule.LONGEST)),
                BeatSchedule.ofMillis(longest, longest));
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(longest + 1, 1000L));
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(60_000L, longest + 1));
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(60_000L, Long.MAX_VALUE));
        // The contract's own cap is higher (400 days): a beat between them is read as no schedule.
        assertEquals(Optional.empty(), BeatSchedule.ofMillis(Limits.MAX_SCHEDULE_MILLIS, null));
        assertThrows(IllegalArgumentException.class, () -> new BeatSchedule(Duration.ofSeconds(1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new BeatSchedule(Duration.ZERO, Duration.ofSeconds(1)));
    }

    @Test
    void theLimitIsPeriodPlusGraceCutToTheLookbackLessOneEvaluation() {
        assertEquals(Duration.ofMinutes(10), of(300, 300).limit(RULE));
        Duration longest = RULE.lookback().minus(RULE.evaluationFrequency());
        assertEquals(longest, of(3 * 3600, 3600).limit(RULE));
        assertEquals(Duration.ofSeconds(7139), of(7079, 60).limit(RULE), "just inside the cap: the sum");
        assertEquals(longest, of(7080, 60).limit(RULE), "exactly the cap");
        assertEquals(longest, of(7080, 61).limit(RULE), "past it: the cap");
        assertEquals(Duration.ofHours(47).plusMinutes(55),
                of(3 * 86400, 60).limit(SilenceRule.MAX_LOOKBACK, Duration.ofMinutes(5)));
    }

    @Test
    void aStartsGraceIsTheBeatsGraceNeverPastTheLimit() {
        assertEquals(Duration.ofMinutes(5), of(300, 300).startGrace(RULE));
        assertEquals(Duration.ofSeconds(1), of(300, 1).startGrace(RULE));
        Duration longest = RULE.lookback().minus(RULE.evaluationFrequency());
        assertEquals(longest, of(60, 5 * 3600).startGrace(RULE));
    }

    @Test
    void theRuleItGivesHasThatLimitAsItsThresholdAndIsTheBaseWhenTheyAgree() {
        assertEquals(Duration.ofMinutes(10), of(300, 300).ruleFor(RULE).threshold());
        assertEquals(RULE.lookback(), of(300, 300).ruleFor(RULE).lookback());
        assertEquals(RULE, of(240, 60).ruleFor(RULE), "period + grace is the threshold already");
    }

    @Test
    void aCheckIsHeardUntilItsNextBeatWasDueNeverLessThanOneInterval() {
        java.time.Instant last = java.time.Instant.parse("2026-12-01T09:56:00Z");
        Duration interval = Duration.ofMinutes(1);
        assertEquals(last.plus(Duration.ofMinutes(5)), BeatSchedule.heardUntil(last, of(300, 300), interval));
        assertEquals(last.plus(interval), BeatSchedule.heardUntil(last, of(30, 30), interval), "a period below the interval");
        assertEquals(last.plus(interval), BeatSchedule.heardUntil(last, null, interval), "no schedule");
        assertEquals(null, BeatSchedule.heardUntil(null, of(300, 300), interval));
    }
}
