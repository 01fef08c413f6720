package dev.heartwatch.core.outage;

import dev.heartwatch.core.outage.ReportClip.Reason;
import dev.heartwatch.core.rule.Beat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.heartwatch.core.rule.Beats.concat;
import static dev.heartwatch.core.rule.Beats.everyMinute;
import static dev.heartwatch.core.rule.Beats.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCheckTest {

    /** The record as a list: the latest beat strictly inside the bounds, by a plain scan. */
    private static ReportCheck.BeatRecord record(List<Beat> beats) {
        return (after, before) -> beats.stream().map(Beat::at)
                .filter(at -> at.isAfter(after) && at.isBefore(before))
                .max(Instant::compareTo);
    }

    private static ReportClip check(String start, String end, String arrived, List<Beat> beats) {
        Instant first = beats.isEmpty() ? null : beats.stream().map(Beat::at).min(Instant::compareTo).orElseThrow();
        return ReportCheck.check(t(start), t(end), t(arrived), first, record(beats));
    }

    @Test
    void aShortDropBetweenTwoBeatsIsKeptWhole() {
        ReportClip c = check("10:05:10", "10:05:50", "10:06", everyMinute("pi", "10:00", "10:06"));
        assertEquals(ReportClip.asReported(t("10:05:10"), t("10:05:50")), c);
        assertFalse(c.clipped());
    }

    @Test
    void aBeatWithinTheSkewBoundOfEitherEndDoesNotClip() {
        // Beats at 10:05 and 10:06; the report says 10:04:40 to 10:06:20 (20 s slack either side).
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:04"), everyMinute("pi", "10:07", "10:08"));
        beats.add(Beat.of("pi", t("10:04:50")));
        beats.add(Beat.of("pi", t("10:06:50")));
        ReportClip c = check("10:04:30", "10:07:10", "10:08", beats);
        assertEquals(Reason.NONE, c.reason());
    }

    @Test
    void aReportThatBeganBeforeTheFirstBeatStartsAtIt() {
        // D7: first heard 14 s ago, reports an outage of 400 days ending now.
        Instant first = t("10:00");
        Instant now = first.plusSeconds(14);
        ReportClip c = ReportCheck.check(now.minus(Duration.ofDays(400)), now, now, first,
                record(List.of(Beat.of("pi", first), Beat.of("pi", now))));
        assertEquals(Reason.FIRST_BEAT, c.reason());
        assertEquals(first, c.start());
        assertEquals(now, c.end());
        assertEquals(Duration.ofSeconds(14), c.duration());
        assertEquals(Duration.ofDays(400), c.reportedDuration());
        assertEquals(first, c.heardAt());
    }

    @Test
    void aReportThatEndedBeforeTheFirstBeatIsRejectedNotDropped() {
        ReportClip c = check("08:00", "09:00", "10:01", everyMinute("pi", "10:00", "10:01"));
        assertTrue(c.rejected());
        assertEquals(Reason.BEFORE_FIRST_BEAT, c.reason());
        assertNull(c.start());
        assertEquals(t("08:00"), c.reportedStart(), "the report itself is kept as said");
        assertEquals(Duration.ZERO, c.duration());
    }

    @Test
    void whatIsLeftAfterTheFirstBeatIsDroppedWhenItIsClockNoise() {
        // The agent's first success is the server's first beat, 300 ms apart on two clocks.
        ReportClip c = ReportCheck.check(t("09:00"), t("10:00").plusMillis(300), t("10:01"), t("10:00"),
                record(everyMinute("pi", "10:00", "10:01")));
        assertEquals(Reason.BEFORE_FIRST_BEAT, c.reason());
    }

    @Test
    void aReportFromADeviceNeverHeardIsRejected() {
        ReportClip c = check("09:00", "09:10", "10:00", List.of());
        assertEquals(Reason.NEVER_HEARD, c.reason());
        assertTrue(c.rejected());
    }

    @Test
    void aReportThatCrossesABeatStartsAtTheLastBeatHeardDuringIt() {
        // Beats every minute 10:00-10:30, then none until 10:40; the agent says 10:10 to 10:40.
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:30"), everyMinute("pi", "10:40", "10:41"));
        ReportClip c = check("10:10", "10:40", "10:41", beats);
        assertEquals(Reason.HEARD_DURING, c.reason());
        assertEquals(t("10:30"), c.start());
        assertEquals(t("10:40"), c.end(), "the end, the agent's first success, is kept");
        assertEquals(t("10:30"), c.heardAt());
    }

    @Test
    void aBeatJustInsideTheSkewBoundClips() {
        List<Beat> beats = List.of(Beat.of("pi", t("10:00")), Beat.of("pi", t("10:10:31")), Beat.of("pi", t("10:20")));
        ReportClip c = check("10:10", "10:20", "10:20", beats);
        assertEquals(t("10:10:31"), c.start());
        ReportClip edge = check("10:10:01", "10:20", "10:20", beats);
        assertEquals(Reason.NONE, edge.reason(), "at 30 s from the start the beat is within the bound");
    }

    @Test
    void aReportCannotEndAfterItArrived() {
        ReportClip c = check("10:05", "12:00", "10:10", everyMinute("pi", "10:00", "10:05"));
        assertEquals(Reason.AFTER_ARRIVAL, c.reason());
        assertEquals(t("10:05"), c.start());
        assertEquals(t("10:10"), c.end());
    }

    @Test
    void aReportWhollyAfterItsArrivalIsRejected() {
        ReportClip c = check("11:00", "12:00", "10:10", everyMinute("pi", "10:00", "10:10"));
        assertEquals(Reason.IN_THE_FUTURE, c.reason());
    }

    @Test
    void aLateReportIsCheckedAgainstTheBeatsOfItsOwnTime() {
        // Received 300 days later; the beats of that day still clip it.
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:20"), everyMinute("pi", "10:30", "10:31"));
        Instant arrived = t("10:31").plus(Duration.ofDays(300));
        ReportClip c = ReportCheck.check(t("10:00:30"), t("10:30"), arrived, t("10:00"), record(beats));
        assertEquals(t("10:20"), c.start());
        assertEquals(Reason.HEARD_DURING, c.reason());
    }

    @Test
    void theRecordIsAskedOnlyBetweenTheBoundsInsideTheReport() {
        Instant[] asked = new Instant[2];
        ReportCheck.check(t("10:00"), t("10:10"), t("10:11"), t("09:00"), (after, before) -> {
            asked[0] = after;
            asked[1] = before;
            return Optional.empty();
        });
        assertEquals(t("10:00:30"), asked[0]);
        assertEquals(t("10:09:30"), asked[1]);
    }

    @Test
    void aReportThatEndsBeforeItStartsIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ReportCheck.check(t("10:10"), t("10:00"), t("10:11"), t("09:00"), (a, b) -> Optional.empty()));
    }

    @Test
    void reasonsRoundTripThroughTheirStoredCodes() {
        for (Reason r : Reason.values()) {
            assertEquals(r, Reason.ofCode(r.code()));
        }
        assertThrows(IllegalArgumentException.class, () -> Reason.ofCode("bogus"));
    }
}
