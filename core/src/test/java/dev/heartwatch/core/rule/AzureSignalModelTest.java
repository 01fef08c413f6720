package dev.heartwatch.core.rule;

import static dev.heartwatch.core.rule.AlertEvent.Kind.FIRED;
import static dev.heartwatch.core.rule.AlertEvent.Kind.RESOLVED;
import static dev.heartwatch.core.rule.Beats.everyMinute;
import static dev.heartwatch.core.rule.Beats.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heartwatch.core.rule.AzureAlertModel.Kind;
import dev.heartwatch.core.rule.AzureAlertModel.Limit;
import dev.heartwatch.core.rule.AzureAlertModel.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The v2 alert query as {@link AzureAlertModel#evaluateSignals} models it (infra/queries/silent-devices.kql):
 * each device's deviceLimits row, a fail down at once until the next success, a start down grace after it.
 */
class AzureSignalModelTest {
    private final SilenceRule rule = SilenceRule.recommended(); // PT5M evaluations, PT5M threshold
    /** A nightly job: 30 2 * * * in Europe/Berlin with PT1H grace deploys as limit PT26H, grace PT1H. */
    private static final Limit NIGHTLY = new Limit(Duration.ofHours(26), Duration.ofHours(1));

    private static Signal s(String device, String hhmm, Kind kind) {
        return Signal.of(device, t(hhmm), kind);
    }

    private List<AlertEvent> run(Map<String, Limit> limits, List<Signal> signals, String from, String to) {
        return AzureAlertModel.evaluateSignals(rule, limits, signals, t(from), t(to));
    }

    private static AlertEvent fired(String device, String at, String seen) {
        return new AlertEvent(device, FIRED, t(at), t(seen));
    }

    private static AlertEvent resolved(String device, String at, String seen) {
        return new AlertEvent(device, RESOLVED, t(at), t(seen));
    }

    @Test
    void theStatesReadAsTheQueryReadsThem() {
        assertEquals(Kind.FAIL, Kind.of("fail"));
        assertEquals(Kind.START, Kind.of("start"));
        assertEquals(Kind.STOPPING, Kind.of("stopping"));
        assertEquals(Kind.SUCCESS, Kind.of("running"));
        assertEquals(Kind.SUCCESS, Kind.of("FAIL"), "case-sensitive, as the contract");
        assertEquals(Kind.SUCCESS, Kind.of(null));
    }

    @Test
    void aFailFiresAtTheFirstEvaluationThatSeesItAndResolvesAfterTheNextSuccess() {
        List<Signal> job = List.of(s("backup", "02:00", Kind.START), s("backup", "02:07", Kind.FAIL),
                s("backup", "03:01", Kind.START), s("backup", "03:02", Kind.SUCCESS));
        assertEquals(List.of(fired("backup", "02:10", "02:07"), resolved("backup", "03:15", "03:02")),
                run(Map.of("backup", NIGHTLY), job, "01:00", "04:00"));
    }

    @Test
    void aFailIsDownWhateverTheLimit() {
        // Without a row (threshold PT5M) and with a 26-hour limit alike: the fail, not the silence, decides.
        List<Signal> job = List.of(s("a", "10:01", Kind.FAIL));
        assertEquals(List.of(fired("a", "10:05", "10:01")), run(Map.of(), job, "10:00", "11:00"));
        assertEquals(List.of(fired("a", "10:05", "10:01")), run(Map.of("a", NIGHTLY), job, "10:00", "11:00"));
    }

    @Test
    void aStartWithNothingAfterItFiresItsGraceLater() {
        List<Signal> job = List.of(s("backup", "02:30", Kind.START));
        // 26-hour limit: the silence alone would wait a day; the start's PT1H grace ends at 03:30.
        assertEquals(List.of(fired("backup", "03:30", "02:30")), run(Map.of("backup", NIGHTLY), job, "02:00", "05:00"));
        // The grace is inclusive: nothing at 03:29:59.
        assertEquals(List.of(), AzureAlertModel.evaluateSignals(rule, Map.of("backup", NIGHTLY), job,
                List.of(t("03:29").plusSeconds(59))));
        // A device without a row: grace = threshold (PT5M).
        assertEquals(List.of(fired("x", "10:05", "10:00")), run(Map.of(), List.of(s("x", "10:00", Kind.START)),
                "09:55", "10:30"));
    }

    @Test
    void aStartClosedBySuccessIsJudgedByTheLimitAgain() {
        List<Signal> job = List.of(s("backup", "02:30", Kind.START), s("backup", "03:10", Kind.SUCCESS));
        assertEquals(List.of(), run(Map.of("backup", NIGHTLY), job, "02:00", "12:00"));
    }

    @Test
    void aStopCountsOnlyFromADeviceThatWasUpAndNotFailed() {
        // Fail then stop: the stop is set aside, the fail stands.
        List<Signal> failed = List.of(s("a", "10:00", Kind.SUCCESS), s("a", "10:01", Kind.FAIL),
                s("a", "10:02", Kind.STOPPING));
        assertEquals(List.of(fired("a", "10:05", "10:02")), run(Map.of(), failed, "10:00", "11:00"));
        // Start then a stop within the limit: a clean pause, for maxStop.
        List<Signal> paused = List.of(s("a", "10:00", Kind.START), s("a", "10:01", Kind.STOPPING));
        assertEquals(List.of(), run(Map.of(), paused, "10:00", "12:00"));
        // The stop counts against the device's own limit: heard 2 hours before, within a 26-hour limit.
        List<Signal> nightly = List.of(s("backup", "02:30", Kind.SUCCESS), s("backup", "04:30", Kind.STOPPING));
        assertEquals(List.of(), run(Map.of("backup", NIGHTLY), nightly, "02:00", "12:00"));
        assertEquals(List.of(fired("backup", "02:35", "02:30")), run(Map.of(), nightly, "02:00", "12:00"),
                "without its row the threshold applies: down at 02:35, and the 04:30 stop does not count");
    }

    @Test
    void aDeviceWithItsOwnLimitIsJudgedByIt() {
        List<Signal> one = List.of(s("nas", "10:00", Kind.SUCCESS));
        Limit fifteen = new Limit(Duration.ofMinutes(15), Duration.ofMinutes(5));
        assertEquals(List.of(fired("nas", "10:15", "10:00")), run(Map.of("nas", fifteen), one, "10:00", "11:00"));
        assertEquals(List.of(fired("nas", "10:05", "10:00")), run(Map.of(), one, "10:00", "11:00"));
    }

    /** Beats and stops only, no limits: the v2 model says exactly what the v1 one said (random histories). */
    @Test
    void withoutStartFailOrLimitsItIsTheV1Model() {
        Random random = new Random(16);
        SilenceRule expected = rule.withExpectedDevices(Set.of("b"));
        for (int round = 0; round < 200; round++) {
            List<Beat> beats = new ArrayList<>();
            Instant at = t("10:00");
            for (int i = 0; i < 40; i++) {
                at = at.plusSeconds(10 + random.nextInt(600));
                String device = random.nextBoolean() ? "a" : "b";
                Instant ingested = at.plusSeconds(random.nextInt(200));
                beats.add(new Beat(device, at, ingested, random.nextInt(6) == 0));
            }
            List<Signal> signals = new ArrayList<>();
            for (Beat b : beats) {
                signals.add(Signal.of(b));
            }
            Instant end = at.plus(Duration.ofDays(3));
            assertEquals(AzureAlertModel.evaluate(expected, beats, t("10:00"), end),
                    AzureAlertModel.evaluateSignals(expected, Map.of(), signals, t("10:00"), end), "round " + round);
        }
    }

    @Test
    void aLimitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Limit(Duration.ZERO, Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class, () -> new Limit(Duration.ofMinutes(1), Duration.ofSeconds(-1)));
    }
}
