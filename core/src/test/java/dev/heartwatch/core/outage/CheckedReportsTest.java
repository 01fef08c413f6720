package dev.heartwatch.core.outage;

import static dev.heartwatch.core.rule.Beats.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.outage.ReportClip.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reports judged against a window of beats (Azure's Notify) and counted as the server counts them. */
class CheckedReportsTest {

    static List<Instant> minutes(String from, String to) {
        List<Instant> out = new ArrayList<>();
        for (Instant i = t(from); !i.isAfter(t(to)); i = i.plusSeconds(60)) {
            out.add(i);
        }
        return out;
    }

    static ReportedOutage report(String id, String start, String end, Duration skew) {
        return new ReportedOutage("pi", id, t(start), t(end), "wan", "", skew);
    }

    @Test
    void theInMemoryRecordFindsTheLatestBeatStrictlyBetween() {
        ReportCheck.BeatRecord r = ReportCheck.BeatRecord.of(List.of(t("10:03"), t("10:01"), t("10:02"), t("10:05")));
        assertEquals(Optional.of(t("10:03")), r.latestBeatBetween(t("10:00"), t("10:05")), "10:05 is not strictly before");
        assertEquals(Optional.of(t("10:03")), r.latestBeatBetween(t("10:00"), t("10:04")));
        assertEquals(Optional.empty(), r.latestBeatBetween(t("10:03"), t("10:05")), "10:03 is not strictly after");
        assertEquals(Optional.empty(), r.latestBeatBetween(t("09:00"), t("10:01")));
        assertEquals(Optional.of(t("10:05")), r.latestBeatBetween(t("10:00"), t("11:00")));
        assertEquals(Optional.empty(), ReportCheck.BeatRecord.of(List.of()).latestBeatBetween(t("09:00"), t("11:00")));
    }

    @Test
    void aReportCrossingABeatOfTheWindowStartsAtTheLastOneAndIsCountedSo() {
        // Beats until 10:00 and again from 10:42; skew +5 s: the agent's clock is 5 s behind.
        List<Instant> beats = minutes("09:00", "10:00");
        beats.addAll(minutes("10:42", "10:50"));
        Duration skew = Duration.ofSeconds(5);
        ReportedOutage r = report("o-1", "09:40:35", "10:41:55", skew); // receiver clock 09:40:40 to 10:42:00
        CheckedReports c = CheckedReports.inWindow(List.of(r), x -> t("10:43"), ReportCheck.BeatRecord.of(beats));
        ReportClip clip = c.verdict("o-1").orElseThrow();
        assertEquals(Reason.HEARD_DURING, clip.reason());
        assertEquals(t("10:00"), clip.start());
        assertEquals(t("10:42"), clip.end());
        ReportedOutage counted = c.counted().get(0);
        assertEquals(t("10:00"), counted.receiverStart(), "the clipped interval, on the receiver's clock again through the skew");
        assertEquals(t("10:42"), counted.receiverEnd());
        assertEquals(t("09:59:55"), counted.start());
        assertEquals(r.cause(), counted.cause());
    }

    @Test
    void theWindowsEarliestBeatIsNotTakenForTheFirstSoNothingIsRejectedForBeginningBeforeIt() {
        // The window starts at 10:00; the report began at 08:00, before any beat the window holds.
        List<Instant> beats = minutes("10:00", "10:10");
        ReportedOutage r = report("o-2", "08:00", "10:00:10", null);
        CheckedReports c = CheckedReports.inWindow(List.of(r), x -> t("10:01"), ReportCheck.BeatRecord.of(beats));
        assertEquals(Reason.NONE, c.verdict("o-2").orElseThrow().reason());
        assertEquals(List.of(r), c.counted());
        // The server, which knows the first beat, would have clipped it there: the same check, one rule more.
        assertEquals(Reason.FIRST_BEAT, ReportCheck.check(t("08:00"), t("10:00:10"), t("10:01"), t("10:00"),
                ReportCheck.BeatRecord.of(beats)).reason());
    }

    @Test
    void aReportEndingAfterItsLineArrivedEndsAtTheArrivalAndOneWhollyAfterIsLeftOut() {
        List<Instant> beats = minutes("10:00", "10:10");
        ReportedOutage late = report("o-3", "10:10:20", "10:30", null);
        ReportedOutage future = report("o-4", "10:20", "10:30", null);
        ReportedOutage repeat = report("o-3", "09:00", "10:30", null);
        Map<String, Instant> arrived = Map.of("o-3", t("10:11"), "o-4", t("10:11"));
        CheckedReports c = CheckedReports.inWindow(List.of(late, future, repeat), x -> arrived.get(x.id()),
                ReportCheck.BeatRecord.of(beats));
        assertEquals(Reason.AFTER_ARRIVAL, c.verdict("o-3").orElseThrow().reason());
        assertEquals(Reason.IN_THE_FUTURE, c.verdict("o-4").orElseThrow().reason());
        assertEquals(1, c.counted().size(), "the rejected one and the repeat are not counted");
        assertEquals(t("10:11"), c.counted().get(0).end());
    }

    @Test
    void theVerdictShownIsTheKeptReportsWhenClippedAndNoneForACloudOutage() {
        ReportClip clipped = new ReportClip(t("09:40"), t("10:42"), t("10:00"), t("10:42"), Reason.HEARD_DURING, t("10:00"));
        Map<String, ReportClip> verdicts = Map.of("o-1", clipped, "o-2", ReportClip.asReported(t("11:00"), t("11:10")));
        Outage agent = new Outage("pi", t("10:00"), t("10:42"), "wan", "", Source.BOTH, "o-1");
        Outage asReported = new Outage("pi", t("11:00"), t("11:10"), "wan", "", Source.AGENT, "o-2");
        Outage cloud = new Outage("pi", t("12:00"), t("12:10"), "unknown", "", Source.CLOUD, "o-1");
        assertEquals(clipped, CheckedReports.shownFor(agent, id -> Optional.ofNullable(verdicts.get(id))));
        assertNull(CheckedReports.shownFor(asReported, id -> Optional.ofNullable(verdicts.get(id))));
        assertNull(CheckedReports.shownFor(cloud, id -> Optional.ofNullable(verdicts.get(id))));
        assertNull(CheckedReports.shownFor(null, id -> Optional.ofNullable(verdicts.get(id))));
        assertTrue(CheckedReports.counted(report("o-9", "10:00", "10:05", null),
                new ReportClip(t("10:00"), t("10:05"), null, null, Reason.NEVER_HEARD, null)).isEmpty());
    }
}
