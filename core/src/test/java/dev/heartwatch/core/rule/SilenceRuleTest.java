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

    /** pi beat at 09:59 and stopped cleanly at 10:00. */
    private final DeviceFacts stoppedAt1000 = new DeviceFacts("pi", t("10:00"), true, t("09:59"));

    @Test
    void aCleanStopPausesTheDeviceForLessThanMaxStop() {
        assertEquals(Duration.ofDays(1), rule.maxStop());
        assertEquals(DeviceStatus.STOPPED, rule.status(stoppedAt1000, t("10:00").plus(Duration.ofDays(1)).minusMillis(1)));
    }

    @Test
    void aDeviceStoppedAndSilentForMaxStopIsDown() {
        Instant dayLater = t("10:00").plus(Duration.ofDays(1));
        assertEquals(DeviceStatus.DOWN, rule.status(stoppedAt1000, dayLater));
        Flip flip = rule.flip(stoppedAt1000, DeviceStatus.STOPPED, dayLater.plusSeconds(90)).orElseThrow();
        assertEquals(new Flip("pi", DeviceStatus.STOPPED, DeviceStatus.DOWN, dayLater,
                "stopped cleanly at " + t("10:00") + " and silent for the PT24H a stop may last"), flip);
    }

    @Test
    void anUnexpectedDeviceStoppedBeyondTheLookbackIsUnknownAsInAzure() {
        assertEquals(DeviceStatus.UNKNOWN, rule.status(stoppedAt1000, t("10:00").plus(Duration.ofDays(2))));
        assertEquals(DeviceStatus.DOWN, rule.withExpectedDevices(Set.of("pi"))
                .status(stoppedAt1000, t("10:00").plus(Duration.ofDays(30))));
    }

    @Test
    void aStopFromADeviceAlreadySilentForTheThresholdIsNoProofOfLife() {
        // D6: pi was last heard running at 10:00, DOWN from 10:05; a forged stop arrives at 10:20.
        DeviceFacts forged = new DeviceFacts("pi", t("10:20"), true, t("10:00"));
        assertEquals(false, rule.stopCounts(forged));
        assertEquals(DeviceStatus.DOWN, rule.status(forged, t("10:21")));
        assertEquals(Optional.empty(), rule.flip(forged, DeviceStatus.DOWN, t("10:21")), "no \"back\", no STOPPED");
        Flip fromUp = rule.flip(forged, DeviceStatus.UP, t("10:21")).orElseThrow();
        assertEquals(t("10:05"), fromUp.at(), "down since the last running beat + threshold");
        assertTrue(fromUp.reason().contains("no proof of life"), fromUp.reason());
    }

    @Test
    void stopsSentAgainAndAgainCannotRenewThePause() {
        // The agent died after its beat at 10:00; someone sends a stop every minute from 10:01.
        assertTrue(rule.stopCounts(new DeviceFacts("pi", t("10:04"), true, t("10:00"))));
        DeviceFacts fifth = new DeviceFacts("pi", t("10:05"), true, t("10:00"));
        assertEquals(DeviceStatus.DOWN, rule.status(fifth, t("10:05")), "the stop at 10:05 is no proof of life");
        assertEquals(t("10:05"), rule.flip(fifth, DeviceStatus.STOPPED, t("10:05")).orElseThrow().at());
    }

    @Test
    void aStopJustInsideTheThresholdOfTheLastRunningBeatCounts() {
        assertTrue(rule.stopCounts(new DeviceFacts("pi", t("10:05").minusMillis(1), true, t("10:00"))));
        assertEquals(false, rule.stopCounts(new DeviceFacts("pi", t("10:05"), true, t("10:00"))));
    }

    @Test
    void aStopFromADeviceNeverHeardRunningCountsAsNeverHeard() {
        DeviceFacts onlyStop = new DeviceFacts("selftest", t("10:00"), true, null);
        assertEquals(DeviceStatus.UNKNOWN, rule.status(onlyStop, t("10:00").plus(Duration.ofDays(30))),
                "the deploy self-test's only beat is a stop: it never alerts");
        assertEquals(DeviceStatus.DOWN, rule.withExpectedDevices(Set.of("selftest")).status(onlyStop, t("10:01")));
    }

    @Test
    void maxStopLiesBetweenTheThresholdAndTheLookback() {
        assertThrows(IllegalArgumentException.class, () -> rule.withMaxStop(Duration.ofMinutes(4)));
        assertThrows(IllegalArgumentException.class, () -> rule.withMaxStop(Duration.ofDays(3)));
        SilenceRule shortLookback = new SilenceRule(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofHours(1),
                Duration.ofSeconds(1), Set.of());
        assertEquals(Duration.ofMinutes(30), shortLookback.maxStop(), "the default is at most half the lookback");
    }

    @Test
    void factsRefuseALastRunningBeatThatContradictsTheLastBeat() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceFacts("pi", t("10:00"), false, t("09:00")));
        assertThrows(IllegalArgumentException.class, () -> new DeviceFacts("pi", t("10:00"), true, t("10:01")));
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
