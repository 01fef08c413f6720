package dev.heartwatch.core.rule;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static dev.heartwatch.core.rule.Beats.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SilenceRuleTest {

    private final SilenceRule rule = SilenceRule.recommended();
    private final DeviceFacts heardAt1000 = new DeviceFacts("pi", t("10:00"), false);

    @Test
    void deviceIsUpOneMillisecondBeforeTheThreshold() {
        assertEquals(DeviceStatus.UP, rule.status(heardAt1000, t("10:05").minusMillis(1)));
    }

    @Test
    void deviceIsDownExactlyAtTheThreshold() {
        assertEquals(DeviceStatus.DOWN, rule.status(heardAt1000, t("10:05")));
    }

    @Test
    void declaredDownAtIsLastSeenPlusThresholdAndOutageStartIsLastSeenPlusInterval() {
        assertEquals(t("10:05"), rule.declaredDownAt(t("10:00")));
        assertEquals(t("10:01"), rule.outageStart(t("10:00")));
    }

    @Test
    void stoppedDeviceStaysStoppedHoweverLongItIsSilent() {
        DeviceFacts stopped = new DeviceFacts("pi", t("10:00"), true);
        assertEquals(DeviceStatus.STOPPED, rule.status(stopped, t("10:00").plus(Duration.ofDays(30))));
    }

    @Test
    void unexpectedDeviceNeverHeardIsUnknown() {
        assertEquals(DeviceStatus.UNKNOWN, rule.status(DeviceFacts.neverSeen("new"), t("10:00")));
    }

    @Test
    void expectedDeviceNeverHeardIsDown() {
        SilenceRule expecting = rule.withExpectedDevices(Set.of("new"));
        assertEquals(DeviceStatus.DOWN, expecting.status(DeviceFacts.neverSeen("new"), t("10:00")));
    }

    @Test
    void unexpectedDeviceLeavesTheLookbackExactlyTwoDaysAfterItsLastBeat() {
        Instant twoDays = t("10:00").plus(Duration.ofDays(2));
        assertEquals(DeviceStatus.DOWN, rule.status(heardAt1000, twoDays.minusMillis(1)));
        assertEquals(DeviceStatus.UNKNOWN, rule.status(heardAt1000, twoDays));
    }

    @Test
    void expectedDeviceStaysDownBeyondTheLookback() {
        SilenceRule expecting = rule.withExpectedDevices(Set.of("pi"));
        assertEquals(DeviceStatus.DOWN, expecting.status(heardAt1000, t("10:00").plus(Duration.ofDays(5))));
    }

    @Test
    void downFlipCarriesDeclaredDownAtNotTheInstantItWasNoticed() {
        Optional<Flip> flip = rule.flip(heardAt1000, DeviceStatus.UP, t("10:17"));
        assertEquals(new Flip("pi", DeviceStatus.UP, DeviceStatus.DOWN, t("10:05"),
                "no heartbeat for PT5M since " + t("10:00")), flip.orElseThrow());
    }

    @Test
    void upFlipCarriesTheBeatThatCameBack() {
        Flip flip = rule.flip(new DeviceFacts("pi", t("10:20"), false), DeviceStatus.DOWN, t("10:21")).orElseThrow();
        assertEquals(DeviceStatus.UP, flip.to());
        assertEquals(t("10:20"), flip.at());
    }

    @Test
    void noFlipWhenTheStatusIsUnchanged() {
        assertTrue(rule.flip(heardAt1000, DeviceStatus.UP, t("10:04")).isEmpty());
    }

    @Test
    void unknownFlipHappensWhenTheDeviceLeftTheLookback() {
        Flip flip = rule.flip(heardAt1000, DeviceStatus.DOWN, t("10:00").plus(Duration.ofDays(3))).orElseThrow();
        assertEquals(DeviceStatus.UNKNOWN, flip.to());
        assertEquals(t("10:00").plus(Duration.ofDays(2)), flip.at());
    }

    @Test
    void lookbackLongerThanAzuresTwoDayLimitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SilenceRule(
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofDays(3), Duration.ofMinutes(1), Set.of()));
        assertTrue(e.getMessage().contains("P2D"), e.getMessage());
    }

    @Test
    void cleanEvaluationsToResolveFollowAzuresDocumentedTable() {
        assertEquals(10, rule.withEvaluationFrequency(Duration.ofMinutes(1)).cleanEvaluationsToResolve());
        assertEquals(3, rule.withEvaluationFrequency(Duration.ofMinutes(5)).cleanEvaluationsToResolve());
        assertEquals(3, rule.withEvaluationFrequency(Duration.ofMinutes(10)).cleanEvaluationsToResolve());
        assertEquals(3, rule.withEvaluationFrequency(Duration.ofMinutes(15)).cleanEvaluationsToResolve());
        assertEquals(2, rule.withEvaluationFrequency(Duration.ofMinutes(30)).cleanEvaluationsToResolve());
        assertEquals(1, rule.withEvaluationFrequency(Duration.ofHours(12)).cleanEvaluationsToResolve());
    }
}
