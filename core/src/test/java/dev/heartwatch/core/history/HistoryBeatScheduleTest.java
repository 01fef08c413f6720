package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.BeatGaps;
import dev.heartwatch.core.outage.DeviceSpan;
import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.Signal;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.BeatSchedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17 in history: a gap counts when longer than {@code max(threshold, period + grace)} of the
 * beat before it ({@link BeatSchedule#outageGap}), uncapped; the open end by the last beat's.
 */
class HistoryBeatScheduleTest {
    private static final Duration THRESHOLD = Duration.ofMinutes(5);
    private static final Instant T = Instant.parse("2026-06-10T00:00:00Z");
    private static final HistoryPeriod DAY = new HistoryPeriod(T, T.plus(Duration.ofDays(1)), ZoneOffset.UTC);
    private static final BeatSchedule FIVE_MINUTES = BeatSchedule.of(Duration.ofMinutes(5), Duration.ofMinutes(1)).orElseThrow();
    private static final HistoryModel MODEL = new HistoryModel(THRESHOLD, Duration.ofMinutes(1));

    /** A beat every 5 minutes, each up to 30 s late, over the day and 10 minutes past it; none in [silentFrom, silentTo). */
    private static BeatGaps check(BeatSchedule schedule, Instant silentFrom, Instant silentTo) {
        Random random = new Random(17);
        BeatGaps.Reducer reducer = new BeatGaps.Reducer(THRESHOLD);
        for (Instant due = T; due.isBefore(T.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(10))); due = due.plus(Duration.ofMinutes(5))) {
            Instant at = due.plusMillis(random.nextInt(30_001));
            if (silentFrom == null || at.isBefore(silentFrom) || !at.isBefore(silentTo)) {
                reducer.add(Beat.of("check", at), Signal.SUCCESS, null, schedule);
            }
        }
        return reducer.result();
    }

    private static DeviceHistory history(BeatGaps reduced, Instant now) {
        HistoryFacts facts = HistoryFacts.fromBeatGaps(T, now, reduced, List.of());
        return MODEL.compute(facts, DAY, now).device("check").orElseThrow();
    }

    @Test
    void aFiveMinuteCheckWithItsScheduleHasNoOutageAndWithoutItHasFalseOnes() {
        Instant now = T.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(11));
        DeviceHistory judged = history(check(FIVE_MINUTES, null, null), now);
        assertEquals(List.of(), judged.outages());
        assertEquals(Duration.ZERO, judged.downtime());
        assertTrue(history(check(null, null, null), now).outages().size() > 10, "the same beats on the threshold alone");
    }

    @Test
    void aRealTwentyMinuteSilenceIsOneOutage() {
        Instant now = T.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(11));
        Instant from = T.plus(Duration.ofHours(12));
        BeatGaps reduced = check(FIVE_MINUTES, from, from.plus(Duration.ofMinutes(20)));
        assertEquals(1, reduced.gaps().size(), reduced.gaps().toString());
        assertEquals(FIVE_MINUTES, reduced.gaps().get(0).schedule());
        assertEquals(1, history(reduced, now).outages().size());
    }

    @Test
    void aGapIsJudgedByTheBeatBeforeItAndTheOpenEndByTheLastBeat() {
        BeatSchedule twentyMinutes = BeatSchedule.of(Duration.ofMinutes(20), Duration.ofMinutes(2)).orElseThrow();
        BeatGaps.Reducer reducer = new BeatGaps.Reducer(THRESHOLD);
        reducer.add(Beat.of("check", T), Signal.SUCCESS, null, twentyMinutes);
        reducer.add(Beat.of("check", T.plus(Duration.ofMinutes(22))), Signal.SUCCESS, null, null); // 22 min: within 20 + 2
        reducer.add(Beat.of("check", T.plus(Duration.ofMinutes(28))), Signal.SUCCESS, null, twentyMinutes); // 6 min after a plain beat
        BeatGaps reduced = reducer.result();
        assertEquals(List.of(new Gap("check", T.plus(Duration.ofMinutes(22)), T.plus(Duration.ofMinutes(28)), false)), reduced.gaps());
        DeviceSpan span = reduced.spans().get("check");
        assertEquals(twentyMinutes, span.lastSchedule());
        Instant last = T.plus(Duration.ofMinutes(28));
        assertTrue(!span.openEnd().counts(THRESHOLD, last.plus(Duration.ofMinutes(22)).minusNanos(1)));
        assertTrue(span.openEnd().counts(THRESHOLD, last.plus(Duration.ofMinutes(22))));
        // Uncapped: a weekly check's gap of six days is no outage (the alert would cut it to its lookback).
        BeatSchedule weekly = BeatSchedule.of(Duration.ofDays(7), Duration.ofHours(1)).orElseThrow();
        assertTrue(!new Gap("w", T, T.plus(Duration.ofDays(6)), false, weekly).counts(THRESHOLD, null));
        // Never below the threshold: a one-minute check's gap of four minutes is no outage either.
        BeatSchedule minute = BeatSchedule.of(Duration.ofMinutes(1), Duration.ofMinutes(1)).orElseThrow();
        assertEquals(THRESHOLD, minute.outageGap(THRESHOLD));
        assertTrue(!new Gap("m", T, T.plus(Duration.ofMinutes(4)), false, minute).counts(THRESHOLD, null));
    }

    @Test
    void joinedDailySpansKeepTheLatestDaysSchedule() {
        DeviceSpan first = new DeviceSpan("d", T, T.plus(Duration.ofHours(23)), 10, false, FIVE_MINUTES);
        DeviceSpan second = new DeviceSpan("d", T.plus(Duration.ofDays(1)), T.plus(Duration.ofDays(1).plusHours(2)), 5, false, null);
        assertEquals(null, first.join(second).lastSchedule());
        assertEquals(null, second.join(first).lastSchedule());
        assertEquals(FIVE_MINUTES, new DeviceSpan("d", T, T, 1, false).join(first).lastSchedule());
    }
}
