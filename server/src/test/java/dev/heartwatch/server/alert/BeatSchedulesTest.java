package dev.heartwatch.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.DueRule;
import dev.heartwatch.core.schedule.DueStatus;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.store.DeviceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The schedule a device's own beats ask for, and the rule it is judged by when nobody registered one. */
class BeatSchedulesTest {
    static final Instant T0 = Instant.parse("2026-12-02T04:00:00Z");
    static final SilenceRule BASE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(2),
            Duration.ofMinutes(1), Set.of());

    private static DeviceRecord beat(Duration period, Duration grace) {
        return new DeviceRecord("home.db", T0, T0, false, DeviceStatus.UP, T0, false, null, null, null, null, T0,
                "home", period, grace);
    }

    @Test
    void aBeatWithoutAPeriodAsksForNothingAndKeepsTheGlobalRule() {
        DeviceRecord plain = new DeviceRecord("home", T0, T0, false, DeviceStatus.UP, T0, false, null, null, null, null, T0);
        assertEquals(Optional.empty(), BeatSchedules.of(plain));
        assertSame(BASE, BeatSchedules.ruleFor(BASE, plain));
        assertEquals(Optional.empty(), BeatSchedules.of(beat(null, Duration.ofMinutes(1))), "a grace alone is no schedule");
    }

    @Test
    void periodAndGraceMakeAPeriodScheduleAndAThresholdOfTheirSum() {
        DeviceRecord r = beat(Duration.ofMinutes(5), Duration.ofMinutes(5));
        assertEquals(Optional.of(new Schedule.Period(Duration.ofMinutes(5), Duration.ofMinutes(5))), BeatSchedules.of(r));
        SilenceRule judged = BeatSchedules.ruleFor(BASE, r);
        assertEquals(Duration.ofMinutes(10), judged.threshold());
        assertEquals(BASE.lookback(), judged.lookback());
        // The global PT5M threshold would have called a five-minute check down between two of its beats.
        assertEquals(DeviceStatus.DOWN, BASE.status(r.facts(), T0.plus(Duration.ofMinutes(6))));
        assertEquals(DeviceStatus.UP, judged.status(r.facts(), T0.plus(Duration.ofMinutes(6))));
        assertEquals(DeviceStatus.UP, judged.status(r.facts(), T0.plus(Duration.ofMinutes(10)).minusMillis(1)));
        assertEquals(DeviceStatus.DOWN, judged.status(r.facts(), T0.plus(Duration.ofMinutes(10))));
    }

    @Test
    void aGraceNotSentIsThePeriodAndAZeroGraceIsTheLeastAScheduleHolds() {
        assertEquals(Duration.ofSeconds(30), ((Schedule.Period) BeatSchedules.of(beat(Duration.ofSeconds(30), null))
                .orElseThrow()).grace());
        Schedule.Period zero = (Schedule.Period) BeatSchedules.of(beat(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();
        assertEquals(Duration.ofMillis(1), zero.grace());
        assertEquals(Duration.ofSeconds(30).plusMillis(1),
                BeatSchedules.ruleFor(BASE, beat(Duration.ofSeconds(30), Duration.ZERO)).threshold());
    }

    @Test
    void aScheduleLongerThanTheLookbackIsCutToOneEvaluationInsideIt() {
        SilenceRule judged = BeatSchedules.ruleFor(BASE, beat(Duration.ofHours(3), Duration.ofHours(1)));
        assertEquals(Duration.ofHours(2).minusMinutes(1), judged.threshold());
        assertTrue(judged.maxStop().compareTo(judged.threshold()) >= 0, "a stop still lasts at least the threshold");
    }

    @Test
    void theThresholdRuleDecidesDownExactlyWhenCoresDueRuleDoesForThatSchedule() {
        DueRule due = DueRule.standard();
        for (long periodS : new long[] {1, 30, 60, 300, 3600}) {
            for (long graceS : new long[] {0, 1, 45, 300}) {
                DeviceRecord r = beat(Duration.ofSeconds(periodS), Duration.ofSeconds(graceS));
                Schedule s = BeatSchedules.of(r).orElseThrow();
                SilenceRule judged = BeatSchedules.ruleFor(BASE, r);
                Duration downAfter = Duration.ofSeconds(periodS + graceS);
                for (Duration d : new Duration[] {Duration.ZERO, downAfter.minusMillis(2), downAfter.plusMillis(1),
                        downAfter.plusSeconds(7)}) {
                    Instant now = T0.plus(d);
                    boolean dueDown = due.decide(s, r.facts(), now).status() == DueStatus.DOWN;
                    boolean ruleDown = judged.status(r.facts(), now) == DeviceStatus.DOWN;
                    assertEquals(dueDown, ruleDown, "period " + periodS + " s, grace " + graceS + " s, at +" + d);
                }
            }
        }
    }
}
