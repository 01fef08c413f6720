package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 in Notify: a check whose beats carry {@code period} and {@code grace} is judged on them,
 * as silent-devices.kql judges it, in its message and in the folding behind its agent; compared
 * with its agent by when its next beat was due, as the server compares them. The lines go through
 * {@link WorkspaceLines}' reading of the query API's answer.
 *
 * <p>home beats every minute until 10:00:00. home.db is a check every PT5M with grace PT5M, last
 * heard 09:56:00 (down at 10:06:00 by its schedule, at 10:01:00 by the PT5M threshold), so its
 * last beat is four minutes older than its agent's although it went silent with it. home.slow runs
 * every PT30M with grace PT5M, last heard 09:45:00: not down before 10:20:00.
 */
class CheckScheduleNotifyTest {
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(5), SilenceRule.MAX_LOOKBACK,
            Duration.ofMinutes(1), Set.of());
    static final Instant START = Instant.parse("2026-12-01T09:00:00Z");
    static final Instant HOME_LAST = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant DB_LAST = Instant.parse("2026-12-01T09:56:00Z");
    static final Instant SLOW_LAST = Instant.parse("2026-12-01T09:45:00Z");

    static HeartbeatLine beat(Instant at, String device, String parent, Duration period, Duration grace) {
        return new HeartbeatLine(at.toEpochMilli(), device, "running", null, null, null, null, "1.0", parent,
                period == null ? null : period.toMillis(), grace == null ? null : grace.toMillis(), 0, null);
    }

    /** The workspace's lines, answered through WorkspaceLines' own reading. */
    static final class Lines implements DeviceLines.Source {
        final List<HeartbeatLine> all = new ArrayList<>();

        private byte[] answer(Instant from, Instant to) {
            List<String> rows = new ArrayList<>();
            for (HeartbeatLine h : all) {
                Instant at = Instant.ofEpochMilli(h.ts());
                if (!at.isBefore(from) && !at.isAfter(to)) {
                    rows.add(WorkspaceLinesTest.row(at.toString(), LineCodec.encode(h)));
                }
            }
            return WorkspaceLinesTest.answer(rows.toArray(String[]::new));
        }

        @Override
        public DeviceLines read(String device, Instant from, Instant to) {
            return WorkspaceLines.lines(device, answer(from, to));
        }

        @Override
        public Map<String, DeviceLines.Child> children(String parent, Instant from, Instant to) {
            return WorkspaceLines.children(parent, answer(from, to));
        }
    }

    static Lines lines() {
        Lines l = new Lines();
        for (Instant t = START; !t.isAfter(HOME_LAST); t = t.plusSeconds(60)) {
            l.all.add(beat(t, "home", null, null, null));
        }
        for (Instant t = START.plusSeconds(60); !t.isAfter(DB_LAST); t = t.plus(Duration.ofMinutes(5))) {
            l.all.add(beat(t, "home.db", "home", Duration.ofMinutes(5), Duration.ofMinutes(5)));
        }
        for (Instant t = START.plus(Duration.ofMinutes(15)); !t.isAfter(SLOW_LAST); t = t.plus(Duration.ofMinutes(30))) {
            l.all.add(beat(t, "home.slow", "home", Duration.ofMinutes(30), Duration.ofMinutes(5)));
        }
        return l;
    }

    static AlertNotice fired(String device, String at) {
        return new AlertNotice("/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/" + device, "heartwatch-silence",
                device, true, Instant.parse(at), null);
    }

    @Test
    void theLinesCarryTheLastBeatsSchedule() {
        Lines l = lines();
        DeviceLines db = l.read("home.db", START, HOME_LAST);
        assertEquals(new BeatSchedule(Duration.ofMinutes(5), Duration.ofMinutes(5)), db.schedule());
        assertEquals(Duration.ofMinutes(10), db.ruleFor(RULE).threshold());
        assertNull(l.read("home", START, HOME_LAST).schedule());
        assertEquals(new BeatSchedule(Duration.ofMinutes(30), Duration.ofMinutes(5)),
                l.children("home", START, HOME_LAST).get("home.slow").schedule());
        // A last line without a period asks for nothing, whatever the earlier ones carried.
        l.all.add(beat(DB_LAST.plusSeconds(60), "home.db", "home", null, null));
        assertNull(l.read("home.db", START, HOME_LAST).schedule());
        assertEquals(null, l.children("home", START, HOME_LAST).get("home.db").schedule());
    }

    @Test
    void aChecksDownMessageSaysItsPeriodAndGraceNotTheThreshold() {
        AlertMessage m = new NotifyMessages(lines(), RULE, null).build(fired("home.db", "2026-12-01T10:06:12Z"), true);
        assertTrue(m.text().contains("Declared down at: 2026-12-01T10:06:00Z (last heartbeat + its period PT5M + grace PT5M)\n"),
                m.text());
        assertEquals("silent for PT10M", m.reason());
        AlertMessage agent = new NotifyMessages(lines(), RULE, null).build(fired("home", "2026-12-01T10:06:12Z"), true);
        assertTrue(agent.text().contains("Declared down at: 2026-12-01T10:05:00Z (last heartbeat + threshold PT5M)\n"),
                agent.text());
    }

    @Test
    void aCheckThatWentSilentWithItsAgentWithinItsPeriodIsFoldedNotSentAlone() {
        CheckFolding folding = new CheckFolding(lines(), RULE);
        // Its own alert, at its own limit: the agent is down, and the check's next beat was due after the agent's last.
        CheckFolding.Decision d = folding.decide(fired("home.db", "2026-12-01T10:11:12Z"), false);
        assertEquals(CheckFolding.Kind.FOLDED, d.kind(), d.toString());
        assertEquals("home", d.parent());
    }

    @Test
    void theAgentsDownNamesTheChecksDownByTheirOwnScheduleOnly() {
        CheckFolding folding = new CheckFolding(lines(), RULE);
        CheckFolding.Decision d = folding.decide(fired("home", "2026-12-01T10:06:12Z"), false);
        assertEquals(CheckFolding.Kind.SEND, d.kind(), d.toString());
        assertEquals(List.of("home.db"), d.behind(), "home.slow is not down before 10:20 by its own schedule");
    }
}
