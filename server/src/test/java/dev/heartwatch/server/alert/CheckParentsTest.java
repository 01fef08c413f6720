package dev.heartwatch.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.store.DeviceRecord;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 in the evaluator: the parent and schedule each check's beats carry, kept by the store,
 * fold a check's DOWN into its agent's, judge it on its own period and grace, and never resolve
 * it merely because its agent went down or came back.
 */
class CheckParentsTest {
    static final Instant T0 = Instant.parse("2026-12-02T04:00:00Z");
    /** The global threshold PT5M, beats a minute apart, evaluations every minute. */
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of());
    static final List<String> CHECKS = List.of("home.db", "home.dns", "home.web");

    @TempDir
    Path dir;
    HeartwatchStore store;
    Evaluator e;

    @BeforeEach
    void open() {
        store = HeartwatchStore.open(dir.resolve("h.db"), "FULL");
        e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minus(Duration.ofHours(1)),
                AggregationPolicy.defaults(RULE.heartbeatInterval()), Map.of(), NewDeviceWarmUp.none());
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** One beat of a check, as the agent's batch item arrives: parent, period, grace. */
    private void check(String device, Instant at, Duration period, Duration grace) {
        Lines.write(store, new HeartbeatLine(at.toEpochMilli(), device, "running", "127.0.0.1", null, null, null, null,
                "home", period.toMillis(), grace.toMillis(), 0, null));
    }

    /** The agent's beat and its checks' beats, every minute from {@code from} to {@code to}, evaluating each minute. */
    private void running(Instant from, Instant to, List<String> checks, Duration period) {
        for (Instant t = from; !t.isAfter(to); t = t.plus(Duration.ofMinutes(1))) {
            Lines.beat(store, "home", t);
            for (String c : checks) {
                if (Duration.between(from, t).toMillis() % period.toMillis() == 0) {
                    check(c, t.plusSeconds(2), period, period);
                }
            }
            e.evaluate(t.plusSeconds(5));
        }
    }

    private void evaluateEachMinute(Instant from, Instant to) {
        for (Instant t = from; !t.isAfter(to); t = t.plus(Duration.ofMinutes(1))) {
            e.evaluate(t);
        }
    }

    /** The messages a channel would send (planned, not carried by another, not suppressed). */
    private List<NotificationRecord> messages() {
        return store.outbox().pending();
    }

    private List<String> carried(NotificationRecord m) {
        return store.outbox().carriedBy(m.id()).stream().map(NotificationRecord::device).sorted().collect(Collectors.toList());
    }

    private DeviceStatus status(String device) {
        return store.devices().device(device).map(DeviceRecord::status).orElse(DeviceStatus.UNKNOWN);
    }

    @Test
    void theStoreKeepsTheLastBeatsParentAndSchedule() {
        check("home.db", T0, Duration.ofMinutes(5), Duration.ofMinutes(2));
        DeviceRecord r = store.devices().device("home.db").orElseThrow();
        assertEquals("home", r.parent());
        assertEquals(Duration.ofMinutes(5), r.beatPeriod());
        assertEquals(Duration.ofMinutes(2), r.beatGrace());
        check("home.db", T0.minusSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(1)); // late: never moves it back
        assertEquals(Duration.ofMinutes(5), store.devices().device("home.db").orElseThrow().beatPeriod());
        Lines.beat(store, "home.db", T0.plusSeconds(30)); // a later beat naming none: none now
        r = store.devices().device("home.db").orElseThrow();
        assertNull(r.parent());
        assertNull(r.beatPeriod());
        assertNull(r.beatGrace());
        assertNull(store.devices().all(Set.of()).get("home.db").parent());
    }

    @Test
    void aCheckIsJudgedOnItsOwnPeriodAndGraceNotTheGlobalThreshold() {
        Duration five = Duration.ofMinutes(5);
        running(T0, T0.plus(Duration.ofMinutes(20)), List.of("home.web"), five);
        assertTrue(messages().isEmpty(), "a check beating every PT5M never flaps on the PT5M threshold: " + messages());
        assertEquals(DeviceStatus.UP, status("home.web"));
        // Its target stops answering after its beat at +20 min: down at +30 (period + grace), not +25.
        Instant last = T0.plus(Duration.ofMinutes(20)).plusSeconds(2);
        for (Instant t = T0.plus(Duration.ofMinutes(21)); t.plusSeconds(5).isBefore(last.plus(Duration.ofMinutes(10)));
                t = t.plus(Duration.ofMinutes(1))) {
            Lines.beat(store, "home", t);
            e.evaluate(t.plusSeconds(5));
        }
        assertEquals(DeviceStatus.UP, status("home.web"), "not down before period + grace");
        Lines.beat(store, "home", last.plus(Duration.ofMinutes(10)));
        e.evaluate(last.plus(Duration.ofMinutes(10)));
        List<NotificationRecord> m = messages();
        assertEquals(1, m.size(), m.toString());
        assertEquals("home.web", m.get(0).device());
        assertEquals(last.plus(Duration.ofMinutes(10)), m.get(0).flipAt(), "declared down at its last beat + period + grace");
        assertTrue(m.get(0).reason().contains("PT10M"), m.get(0).reason());
    }

    @Test
    void checksThatFallSilentWithTheirAgentAreFoldedIntoItsOneDownAndNeverResolveAlone() {
        Duration one = Duration.ofMinutes(1); // down at 2 min, before the agent's 5: they wait for it
        running(T0, T0.plus(Duration.ofMinutes(10)), CHECKS, one);
        assertTrue(messages().isEmpty());
        Instant agentLast = T0.plus(Duration.ofMinutes(10));
        evaluateEachMinute(agentLast.plus(Duration.ofMinutes(1)), agentLast.plus(Duration.ofMinutes(4)));
        assertTrue(messages().isEmpty(), "no check is declared down before its agent: " + messages());
        for (String c : CHECKS) {
            assertEquals(DeviceStatus.UP, status(c), c + " waits for its agent");
        }
        evaluateEachMinute(agentLast.plus(Duration.ofMinutes(5)), agentLast.plus(Duration.ofMinutes(8)));
        List<NotificationRecord> m = messages();
        assertEquals(1, m.size(), "one message: " + m);
        assertEquals("home", m.get(0).device());
        assertEquals(NotificationRecord.FIRED, m.get(0).condition());
        assertEquals(CHECKS, carried(m.get(0)), "the agent's DOWN names its three checks");
        for (String c : CHECKS) {
            assertEquals(DeviceStatus.DOWN, status(c));
        }
        markSent(m);

        // The agent comes back; its checks' first batch reaches the server an evaluation later.
        Instant back = agentLast.plus(Duration.ofMinutes(20));
        Lines.beat(store, "home", back);
        e.evaluate(back.plusSeconds(5));
        for (String c : CHECKS) {
            check(c, back.plusSeconds(50), one, one);
        }
        e.evaluate(back.plus(Duration.ofMinutes(1)));
        m = messages();
        assertEquals(1, m.size(), "one RESOLVED, the agent's: " + m);
        assertEquals("home", m.get(0).device());
        assertEquals(NotificationRecord.RESOLVED, m.get(0).condition());
        for (String c : CHECKS) {
            assertEquals(DeviceStatus.UP, status(c));
            List<NotificationRecord> own = store.outbox().of(c);
            assertEquals(2, own.size(), c + ": its DOWN and its RESOLVED, both behind the agent: " + own);
            own.forEach(n -> assertEquals("home", n.behind(), c + " " + n.condition() + " went behind the agent"));
        }
    }

    @Test
    void checksBackInTheAgentsOwnEvaluationAreFoldedIntoItsResolved() {
        Duration one = Duration.ofMinutes(1);
        running(T0, T0.plus(Duration.ofMinutes(10)), CHECKS, one);
        Instant agentLast = T0.plus(Duration.ofMinutes(10));
        evaluateEachMinute(agentLast.plus(Duration.ofMinutes(1)), agentLast.plus(Duration.ofMinutes(6)));
        markSent(messages());
        Instant back = agentLast.plus(Duration.ofMinutes(20));
        Lines.beat(store, "home", back);
        for (String c : CHECKS) {
            check(c, back.plusSeconds(2), one, one);
        }
        e.evaluate(back.plusSeconds(5));
        List<NotificationRecord> m = messages();
        assertEquals(1, m.size(), m.toString());
        assertEquals(NotificationRecord.RESOLVED, m.get(0).condition());
        assertEquals(CHECKS, carried(m.get(0)), "'3 checks behind it back too'");
    }

    @Test
    void aCheckDownBeforeItsAgentWentSilentKeepsItsOwnThreadAndStaysDown() {
        Duration one = Duration.ofMinutes(1);
        running(T0, T0.plus(Duration.ofMinutes(5)), CHECKS, one);
        // home.db's target fails: the agent and the two others go on for ten minutes.
        running(T0.plus(Duration.ofMinutes(6)), T0.plus(Duration.ofMinutes(15)), List.of("home.dns", "home.web"), one);
        List<NotificationRecord> m = messages();
        assertEquals(1, m.size(), m.toString());
        assertEquals("home.db", m.get(0).device(), "a check that fails alone is down on its own schedule");
        assertEquals(T0.plus(Duration.ofMinutes(5)).plusSeconds(2).plus(Duration.ofMinutes(2)), m.get(0).flipAt());
        markSent(m);

        Instant agentLast = T0.plus(Duration.ofMinutes(15));
        evaluateEachMinute(agentLast.plus(Duration.ofMinutes(1)), agentLast.plus(Duration.ofMinutes(6)));
        m = messages();
        assertEquals(1, m.size(), m.toString());
        assertEquals("home", m.get(0).device());
        assertEquals(List.of("home.dns", "home.web"), carried(m.get(0)), "home.db was down already, not behind the agent");
        markSent(m);

        // The agent and two checks come back; home.db's target is still down.
        Instant back = agentLast.plus(Duration.ofMinutes(20));
        Lines.beat(store, "home", back);
        check("home.dns", back.plusSeconds(2), one, one);
        check("home.web", back.plusSeconds(2), one, one);
        e.evaluate(back.plusSeconds(5));
        m = messages();
        assertEquals(1, m.size(), m.toString());
        assertEquals("home", m.get(0).device());
        assertEquals(NotificationRecord.RESOLVED, m.get(0).condition());
        markSent(m);
        assertEquals(DeviceStatus.DOWN, status("home.db"), "no false resolved: it stays down");
        assertEquals(1, store.outbox().of("home.db").size());

        // Its target answers again: its own RESOLVED, in its own thread.
        check("home.db", back.plus(Duration.ofMinutes(3)), one, one);
        e.evaluate(back.plus(Duration.ofMinutes(3)).plusSeconds(5));
        m = messages();
        assertEquals(1, m.size(), m.toString());
        assertEquals("home.db", m.get(0).device());
        assertEquals(NotificationRecord.RESOLVED, m.get(0).condition());
        assertEquals(store.outbox().of("home.db").get(0).threadKey(), m.get(0).threadKey(), "the RESOLVED joins its DOWN's thread");
    }

    @Test
    void aCheckBackBeforeItsAgentIsHeldUntilTheAgentIsBack() {
        Duration one = Duration.ofMinutes(1);
        running(T0, T0.plus(Duration.ofMinutes(10)), CHECKS, one);
        Instant agentLast = T0.plus(Duration.ofMinutes(10));
        evaluateEachMinute(agentLast.plus(Duration.ofMinutes(1)), agentLast.plus(Duration.ofMinutes(6)));
        markSent(messages());
        // The batch thread reaches the server first (its own connection); the agent's beat after.
        Instant back = agentLast.plus(Duration.ofMinutes(20));
        for (String c : CHECKS) {
            check(c, back, one, one);
        }
        e.evaluate(back.plusSeconds(5));
        assertTrue(messages().isEmpty(), "no check resolves while its agent is down: " + messages());
        Lines.beat(store, "home", back.plusSeconds(20));
        e.evaluate(back.plusSeconds(25));
        List<NotificationRecord> m = messages();
        assertEquals(1, m.size(), m.toString());
        assertEquals("home", m.get(0).device());
        assertEquals(CHECKS, carried(m.get(0)));
    }

    private void markSent(List<NotificationRecord> messages) {
        for (NotificationRecord n : messages) {
            store.outbox().recordDelivery(n.id(), "test", "delivered", T0);
            assertTrue(store.outbox().completeIfDone(n.id(), List.of("test"), T0));
        }
        assertTrue(messages().isEmpty());
    }
}
