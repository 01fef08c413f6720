package dev.heartwatch.core.rule;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.heartwatch.core.rule.AlertEvent.Kind.FIRED;
import static dev.heartwatch.core.rule.AlertEvent.Kind.RESOLVED;
import static dev.heartwatch.core.rule.Beats.concat;
import static dev.heartwatch.core.rule.Beats.every;
import static dev.heartwatch.core.rule.Beats.everyMinute;
import static dev.heartwatch.core.rule.Beats.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Scenarios against Azure's documented timing, with the recommended rule unless said. */
class AzureAlertModelTest {

    private final SilenceRule rule = SilenceRule.recommended();

    private static AlertEvent fired(String device, String at, String lastSeen) {
        return new AlertEvent(device, FIRED, t(at), lastSeen == null ? null : t(lastSeen));
    }

    private static AlertEvent resolved(String device, String at, String lastSeen) {
        return new AlertEvent(device, RESOLVED, t(at), t(lastSeen));
    }

    @Test
    void aFiveMinuteCheckIsJudgedOnThePeriodAndGraceItsBeatsCarryNotTheThreshold() {
        // Issue 17: a check beating every PT5M, each beat ingested 90 s late, flaps on the PT5M threshold;
        // the period and grace its beats carry (PT5M + PT5M) keep it up, and its real silence still fires.
        List<AzureAlertModel.Signal> plain = new ArrayList<>();
        List<AzureAlertModel.Signal> carried = new ArrayList<>();
        for (Beat b : every("home.db", t("10:00"), t("11:00"), Duration.ofMinutes(5), Duration.ofSeconds(90))) {
            AzureAlertModel.Signal s = new AzureAlertModel.Signal(b.device(), b.at(), b.ingestedAt(),
                    AzureAlertModel.Kind.SUCCESS);
            plain.add(s);
            carried.add(s.withSchedule(300_000L, 300_000L));
        }
        assertEquals(FIRED, AzureAlertModel.evaluateSignals(rule, Map.of(), plain, t("10:00"), t("11:00")).get(0).kind(),
                "without its schedule the check flaps on the threshold");
        assertEquals(List.of(fired("home.db", "11:10", "11:00")),
                AzureAlertModel.evaluateSignals(rule, Map.of(), carried, t("10:00"), t("11:30")));
    }

    @Test
    void threeMinuteDropFiresNothingAtAnyEvaluationPhase() {
        // beats 10:11, 10:12, 10:13 lost: the longest silence is 4 minutes
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:10"), everyMinute("pi", "10:14", "11:00"));
        for (int offsetSeconds = 0; offsetSeconds < 300; offsetSeconds += 10) {
            Instant first = t("10:00").plusSeconds(offsetSeconds);
            assertEquals(List.of(), AzureAlertModel.evaluate(rule, beats, first, t("11:00")), "offset " + offsetSeconds);
        }
    }

    @Test
    void sevenMinuteDropFiresOnceAndResolvesAtTheThirdCleanEvaluation() {
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:10"), everyMinute("pi", "10:18", "11:00"));
        assertEquals(List.of(fired("pi", "10:15", "10:10"), resolved("pi", "10:30", "10:30")),
                AzureAlertModel.evaluate(rule, beats, t("10:00"), t("11:00")));
    }

    @Test
    void oneMinuteFrequencyResolvesAtTheTenthCleanEvaluation() {
        SilenceRule everyMinute = rule.withEvaluationFrequency(Duration.ofMinutes(1));
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:10"), everyMinute("pi", "10:18", "11:00"));
        assertEquals(List.of(fired("pi", "10:15", "10:10"), resolved("pi", "10:27", "10:27")),
                AzureAlertModel.evaluate(everyMinute, beats, t("10:00"), t("11:00")));
    }

    @Test
    void twoDevicesFailAndResolveIndependently() {
        List<Beat> beats = concat(
                everyMinute("a", "10:00", "10:10"), everyMinute("a", "10:18", "11:00"),
                everyMinute("b", "10:00", "10:30"), everyMinute("b", "10:41", "11:00"));
        assertEquals(List.of(
                        fired("a", "10:15", "10:10"), resolved("a", "10:30", "10:30"),
                        fired("b", "10:35", "10:30"), resolved("b", "10:55", "10:55")),
                AzureAlertModel.evaluate(rule, beats, t("10:00"), t("11:00")));
    }

    @Test
    void deviceFlappingEveryFourMinutesFiresOnceAndStaysFiredUntilItSettles() {
        SilenceRule tight = new SilenceRule(Duration.ofMinutes(3), Duration.ofMinutes(1), Duration.ofDays(2),
                Duration.ofMinutes(1), Set.of());
        List<Beat> beats = new ArrayList<>();
        Instant cycle = t("10:00");
        for (int i = 0; i < 6; i++, cycle = cycle.plus(Duration.ofMinutes(8))) { // 4 min up, 4 min down
            beats.addAll(every("pi", cycle, cycle.plus(Duration.ofMinutes(3)), Duration.ofMinutes(1), Duration.ZERO));
        }
        beats.addAll(everyMinute("pi", "10:48", "11:30")); // settled
        // each silence is 10:03 -> 10:08 (5 minutes): met at 10:06 and 10:07; only 6 clean evaluations between
        assertEquals(List.of(fired("pi", "10:06", "10:03"), resolved("pi", "10:57", "10:57")),
                AzureAlertModel.evaluate(tight, beats, t("10:00"), t("11:30")));
    }

    @Test
    void heartbeatsIngestedUpToThreeMinutesLateRaiseNoFalseAlarm() {
        List<Beat> beats = new ArrayList<>();
        int i = 0;
        for (Instant at = t("10:00"); !at.isAfter(t("12:00")); at = at.plus(Duration.ofMinutes(1)), i++) {
            long delaySeconds = (i * 37L) % 181; // spread over 0..180 s, including exactly 3 minutes
            beats.add(new Beat("pi", at, at.plusSeconds(i % 7 == 0 ? 180 : delaySeconds), false));
        }
        for (int offsetSeconds = 0; offsetSeconds < 300; offsetSeconds += 10) {
            Instant first = t("10:00").plusSeconds(offsetSeconds);
            assertEquals(List.of(), AzureAlertModel.evaluate(rule, beats, first, t("12:00")), "offset " + offsetSeconds);
        }
    }

    @Test
    void heartbeatsIngestedThreeMinutesLateDoRaiseAFalseAlarmWithAThreeMinuteThreshold() {
        SilenceRule tooTight = rule.withThreshold(Duration.ofMinutes(3));
        List<Beat> beats = every("pi", t("10:00"), t("11:00"), Duration.ofMinutes(1), Duration.ofMinutes(3));
        assertEquals(FIRED, AzureAlertModel.evaluate(tooTight, beats, t("10:05"), t("11:00")).get(0).kind());
    }

    @Test
    void stoppingDeviceIsNotAlertedUntilItBeatsAgain() {
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:09"), List.of(Beat.stopping("pi", t("10:10"))),
                everyMinute("pi", "11:00", "11:05"));
        SilenceRule expecting = rule.withExpectedDevices(Set.of("pi"));
        assertEquals(List.of(), AzureAlertModel.evaluate(expecting, beats, t("10:00"), t("11:05")));
        assertEquals(List.of(fired("pi", "11:10", "11:05")),
                AzureAlertModel.evaluate(expecting, beats, t("10:00"), t("11:10")));
    }

    @Test
    void aStopFiresOnceItHasLastedMaxStopAsTheQueryDoes() {
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:09"), List.of(Beat.stopping("pi", t("10:10"))));
        Instant dayLater = t("10:10").plus(rule.maxStop());
        assertEquals(List.of(), AzureAlertModel.evaluate(rule, beats, t("10:00"), dayLater.minus(Duration.ofMinutes(5))));
        List<AlertEvent> events = AzureAlertModel.evaluate(rule, beats, t("10:00"), dayLater);
        assertEquals(List.of(new AlertEvent("pi", FIRED, dayLater, t("10:10"))), events);
    }

    @Test
    void aForgedStopToADownDeviceDoesNotResolveIt() {
        // pi is silent from 10:09, fired at 10:15; a forged stop arrives at 10:30.
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:09"), List.of(Beat.stopping("pi", t("10:30"))));
        assertEquals(List.of(new AlertEvent("pi", FIRED, t("10:15"), t("10:09"))),
                AzureAlertModel.evaluate(rule, beats, t("10:00"), t("12:00")));
    }

    @Test
    void aDeviceWhoseOnlyBeatIsAStopNeverFires() {
        // The deploy check's self-test device: one stopping beat, never a running one.
        List<Beat> beats = List.of(Beat.stopping("heartwatch-self-test", t("10:00")));
        assertEquals(List.of(), AzureAlertModel.evaluate(rule, beats, t("10:00"), t("10:00").plus(Duration.ofDays(3))));
    }

    @Test
    void expectedDeviceSilentForMoreThanTwoDaysStaysDown() {
        SilenceRule expecting = rule.withExpectedDevices(Set.of("pi"));
        List<Beat> beats = everyMinute("pi", "10:00", "10:10");
        assertEquals(List.of(fired("pi", "10:15", "10:10")),
                AzureAlertModel.evaluate(expecting, beats, t("10:00"), t("10:00").plus(Duration.ofDays(3))));
    }

    @Test
    void unexpectedDeviceSilentForTwoDaysResolvesByItselfWhenItLeavesTheLookback() {
        List<Beat> beats = everyMinute("pi", "10:00", "10:10");
        Instant gone = t("10:10").plus(Duration.ofDays(2)); // first evaluation with no row for it
        assertEquals(List.of(fired("pi", "10:15", "10:10"),
                        new AlertEvent("pi", RESOLVED, gone.plus(Duration.ofMinutes(10)), null)),
                AzureAlertModel.evaluate(rule, beats, t("10:00"), t("10:00").plus(Duration.ofDays(3))));
    }

    @Test
    void newDeviceIsNotDownBeforeItsFirstHeartbeat() {
        List<Beat> beats = everyMinute("new", "12:00", "12:30");
        assertEquals(List.of(), AzureAlertModel.evaluate(rule, beats, t("10:00"), t("12:30")));
    }

    @Test
    void expectedDeviceIsDownBeforeItsFirstHeartbeat() {
        SilenceRule expecting = rule.withExpectedDevices(Set.of("new"));
        List<Beat> beats = everyMinute("new", "12:00", "12:30");
        assertEquals(List.of(fired("new", "10:00", null), resolved("new", "12:10", "12:10")),
                AzureAlertModel.evaluate(expecting, beats, t("10:00"), t("12:30")));
    }

    @Test
    void explicitEvaluationInstantsAreHonoured() {
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:10"), everyMinute("pi", "10:18", "11:00"));
        List<Instant> drifting = List.of(t("10:00:07"), t("10:05:02"), t("10:10:09"), t("10:15:01"),
                t("10:20:04"), t("10:25:08"), t("10:30:03"));
        assertEquals(List.of(fired("pi", "10:15:01", "10:10"), resolved("pi", "10:30:03", "10:30")),
                AzureAlertModel.evaluate(rule, beats, drifting));
    }
}
