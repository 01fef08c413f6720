package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.outage.ReportClip;
import dev.heartwatch.core.outage.ReportClip.Reason;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's clipping step on a real SQLite store: what is stored, and what history reads. */
class ReportChecksTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration THRESHOLD = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    HeartwatchStore open() {
        return HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD);
    }

    static Instant min(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    static void everyMinute(HeartwatchStore store, String device, long from, long to) {
        for (long m = from; m <= to; m++) {
            Lines.beat(store, device, min(m));
        }
    }

    static ReportClip clip(HeartwatchStore store, String id) {
        return store.facts().reportClip("pi", id).orElseThrow(() -> new AssertionError("no verdict stored for " + id));
    }

    @Test
    void aShortDropBetweenBeatsIsStoredAsReported() {
        try (HeartwatchStore store = open()) {
            everyMinute(store, "pi", 0, 10);
            Lines.beatWithOutage(store, "pi", min(11), "short", min(10).plusSeconds(5), min(10).plusSeconds(55), "dns");
            assertEquals(Reason.NONE, clip(store, "short").reason());
            ReportedOutage read = store.facts().reportsReceived("pi", T0, min(12)).get(0);
            assertEquals(min(10).plusSeconds(5), read.receiverStart());
        }
    }

    @Test
    void aBeatInsideARunClipsTheStartToTheLastBeatHeard() {
        // One unbroken run 0..30 min; the agent claims 10 min to 30 min: the server heard it each minute.
        try (HeartwatchStore store = open()) {
            everyMinute(store, "pi", 0, 30);
            Lines.beatWithOutage(store, "pi", min(31), "crossing", min(10), min(30), "isp");
            ReportClip c = clip(store, "crossing");
            assertEquals(Reason.HEARD_DURING, c.reason());
            assertEquals(min(29), c.start(), "the last beat more than the skew bound before the end");
            assertEquals(min(30), c.end());
            assertEquals(min(29), store.facts().reportsReceived("pi", T0, min(32)).get(0).receiverStart(),
                    "history reads the clipped interval");
        }
    }

    @Test
    void aRunThatEndedBeforeTheEndClipsAtItsLastBeat() {
        // Runs 0..20 and 40..41; the agent claims 5 min to 40 min: the last beat heard in it is 20.
        try (HeartwatchStore store = open()) {
            everyMinute(store, "pi", 0, 20);
            everyMinute(store, "pi", 40, 40);
            Lines.beatWithOutage(store, "pi", min(41), "gap", min(5), min(40), "power");
            ReportClip c = clip(store, "gap");
            assertEquals(min(20), c.start());
            assertEquals(Reason.HEARD_DURING, c.reason());
        }
    }

    @Test
    void otherDevicesBeatsDoNotClip() {
        try (HeartwatchStore store = open()) {
            everyMinute(store, "pi", 0, 2);
            everyMinute(store, "nas", 0, 30);
            Lines.beat(store, "pi", min(30));
            Lines.beatWithOutage(store, "pi", min(31), "mine", min(3), min(30), "isp");
            assertEquals(Reason.NONE, clip(store, "mine").reason());
        }
    }

    @Test
    void aReportFromBeforeTheFirstBeatIsKeptButNotCounted() {
        try (HeartwatchStore store = open()) {
            Lines.beat(store, "pi", min(0));
            Lines.beatWithOutage(store, "pi", min(1), "old", min(-600), min(-60), "power");
            assertEquals(Reason.BEFORE_FIRST_BEAT, clip(store, "old").reason());
            assertEquals(List.of(), store.facts().reportsReceived("pi", T0, min(2)), "not counted");
            assertEquals(List.of(), store.facts().reportsOverlapping("pi", min(-700), min(2)));
            assertEquals(1, store.lineTexts("pi", "outage", T0, min(2)).size(), "kept as said");
        }
    }

    @Test
    void theBeatThatCarriesTheReportIsItsDevicesFirst() {
        // A new device's first request carries a report of 400 days: nobody watched any of it.
        try (HeartwatchStore store = open()) {
            Lines.beatWithOutage(store, "pi", T0, "first", T0.minus(Duration.ofDays(400)), T0, "power");
            assertTrue(clip(store, "first").rejected(), clip(store, "first").toString());
        }
    }

    @Test
    void aDuplicateIsCheckedOnItsOwnArrival() {
        try (HeartwatchStore store = open()) {
            everyMinute(store, "pi", 0, 10);
            long ts = min(11).toEpochMilli();
            OutageLine report = new OutageLine(ts, "pi", "twice", min(4).toEpochMilli(), min(10).toEpochMilli(), "isp", 0L, null);
            HeartbeatLine beat = new HeartbeatLine(ts, "pi", "running", "127.0.0.1", null, ts, 0L, null, 1, null);
            Lines.write(store, beat, report);
            Lines.write(store, beat, report);
            assertEquals(min(9), clip(store, "twice").start());
            assertEquals(2, store.lineTexts("pi", "outage", T0, min(12)).size());
        }
    }

    @Test
    void aLateReportIsCheckedAgainstTheBeatsOfItsOwnTime() {
        // Runs 0..20 and 30..31 min; the report of 0:30 to 30 min arrives 300 days later.
        try (HeartwatchStore store = open()) {
            everyMinute(store, "pi", 0, 20);
            everyMinute(store, "pi", 30, 31);
            Instant late = min(31).plus(Duration.ofDays(300));
            Lines.beatWithOutage(store, "pi", late, "late", min(0).plusSeconds(30), min(30), "power");
            ReportClip c = clip(store, "late");
            assertEquals(Reason.HEARD_DURING, c.reason());
            assertEquals(min(20), c.start());
            assertEquals(min(20), store.facts().reportsOverlapping("pi", T0, min(40)).get(0).receiverStart(),
                    "found in its own period, clipped");
        }
    }

    @Test
    void theVerdictIsFinalEvenIfABeatInsideIsCommittedLater() {
        // Decided (docs/alerting.md): a beat's receiver time is after any report it could
        // contradict; one committed out of order (a race of milliseconds) changes no verdict.
        try (HeartwatchStore store = open()) {
            everyMinute(store, "pi", 0, 10);
            everyMinute(store, "pi", 20, 20);
            Lines.beatWithOutage(store, "pi", min(21), "kept", min(10).plusSeconds(30), min(20), "isp");
            Lines.beat(store, "pi", min(15));
            assertEquals(Reason.NONE, clip(store, "kept").reason());
            assertEquals(min(10).plusSeconds(30), store.facts().reportsReceived("pi", T0, min(22)).get(0).receiverStart());
        }
    }
}
