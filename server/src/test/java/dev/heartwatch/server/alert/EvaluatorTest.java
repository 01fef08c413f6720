package dev.heartwatch.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of());

    @TempDir
    Path dir;
    HeartwatchStore store;

    @BeforeEach
    void open() {
        store = HeartwatchStore.open(dir.resolve("h.db"), "FULL");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Evaluator evaluator(Duration cooldown) {
        return new Evaluator(store, RULE, cooldown, T0.minus(Duration.ofHours(1)));
    }

    private List<NotificationRecord> notes(String device) {
        return store.outbox().of(device);
    }

    @Test
    void aSilentDeviceFiresOnceAtLastSeenPlusThreshold() {
        Evaluator e = evaluator(Duration.ZERO.plusSeconds(1));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        assertEquals(DeviceStatus.UP, store.devices().device("pi").get().status());
        e.evaluate(T0.plus(Duration.ofMinutes(5)).minusMillis(1));
        assertTrue(notes("pi").isEmpty(), "not down before the threshold");
        e.evaluate(T0.plus(Duration.ofMinutes(5)));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        e.evaluate(T0.plus(Duration.ofMinutes(7)));
        List<NotificationRecord> n = notes("pi");
        assertEquals(1, n.size());
        assertEquals(NotificationRecord.FIRED, n.get(0).condition());
        assertEquals(T0.plus(Duration.ofMinutes(5)), n.get(0).flipAt(), "the flip's time is lastSeen + threshold");
    }

    @Test
    void twoEvaluatorsOnTheSameStoreRecordEachFlipOnce() {
        Lines.beat(store, "pi", T0);
        evaluator(Duration.ofSeconds(1)).evaluate(T0.plusSeconds(1));
        Instant down = T0.plus(Duration.ofMinutes(6));
        Evaluator a = evaluator(Duration.ofSeconds(1));
        Evaluator b = evaluator(Duration.ofSeconds(1)); // e.g. the server after a restart
        assertEquals(1, a.evaluate(down).size());
        assertEquals(0, b.evaluate(down).size());
        assertEquals(1, notes("pi").size());
    }

    @Test
    void aBeatAfterTheAlertResolvesItWithTheAgentsOutage() {
        Evaluator e = evaluator(Duration.ofSeconds(1));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        Instant back = T0.plus(Duration.ofMinutes(10));
        Lines.beatWithOutage(store, "pi", back, "o-1", T0.plusSeconds(30), back.minusSeconds(1), "dns");
        e.evaluate(back.plusSeconds(1));
        List<NotificationRecord> n = notes("pi");
        assertEquals(List.of(NotificationRecord.FIRED, NotificationRecord.RESOLVED), n.stream().map(NotificationRecord::condition).toList());
        assertEquals(back, n.get(1).flipAt());
        assertEquals(T0.plus(Duration.ofMinutes(5)), n.get(1).firedAt());
        var outage = new dev.heartwatch.server.notify.AlertMessageFactory(store, RULE, "rule").build(n.get(1)).outage();
        assertEquals("dns", outage.cause());
        assertEquals(T0.plusSeconds(30), outage.start());
    }

    @Test
    void aCleanStopNeverFires() {
        Evaluator e = evaluator(Duration.ofSeconds(1));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        Lines.stopping(store, "pi", T0.plusSeconds(30));
        e.evaluate(T0.plus(Duration.ofHours(3)));
        assertEquals(DeviceStatus.STOPPED, store.devices().device("pi").get().status());
        assertTrue(notes("pi").isEmpty());
    }

    @Test
    void aMutedDeviceRecordsItsFlipsButSendsNothing() {
        Evaluator e = evaluator(Duration.ofSeconds(1));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        store.devices().mute("pi", T0.plus(Duration.ofHours(1)));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        assertEquals(DeviceStatus.DOWN, store.devices().device("pi").get().status());
        Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(8)));
        e.evaluate(T0.plus(Duration.ofMinutes(9)));
        assertEquals(DeviceStatus.UP, store.devices().device("pi").get().status());
        assertTrue(notes("pi").isEmpty());
    }

    @Test
    void aRetiredDeviceIsNeverEvaluatedAgain() {
        Evaluator e = evaluator(Duration.ofSeconds(1));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        store.devices().retire("pi", T0.plusSeconds(2));
        assertTrue(e.evaluate(T0.plus(Duration.ofMinutes(10))).isEmpty());
        assertTrue(notes("pi").isEmpty());
    }

    @Test
    void aFlappingDeviceWithinTheCooldownIsRecordedSuppressedAndSummarisedOnce() {
        Evaluator e = evaluator(Duration.ofHours(1));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        Instant t = T0;
        // Down (mailed), then up (its "resolved" is always mailed), then three more flaps.
        for (int i = 0; i < 4; i++) {
            e.evaluate(t.plus(Duration.ofMinutes(5)));
            t = t.plus(Duration.ofMinutes(7));
            Lines.beat(store, "pi", t);
            e.evaluate(t.plusSeconds(1));
        }
        List<NotificationRecord> n = notes("pi");
        long mailed = n.stream().filter(x -> !x.suppressed()).count();
        long suppressed = n.stream().filter(NotificationRecord::suppressed).count();
        assertEquals(2, mailed, "one down and its resolve");
        assertEquals(6, suppressed, "three more downs and their resolves");
        // It keeps beating; the cooldown ends: one summary for the six.
        Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(66)));
        Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(68)));
        e.evaluate(T0.plus(Duration.ofMinutes(68)).plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(69)));
        List<NotificationRecord> summaries = notes("pi").stream().filter(x -> x.suppressedBefore() > 0).toList();
        assertEquals(1, summaries.size());
        assertEquals(6, summaries.get(0).suppressedBefore());
        assertFalse(summaries.get(0).fired(), "it was up when the cooldown ended");
        assertTrue(store.outbox().unsummarisedSuppressed("pi").isEmpty());
    }

    @Test
    void theFirstMailAfterACooldownCountsWhatWasSuppressed() {
        Evaluator e = evaluator(Duration.ofHours(1));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(5)));                 // down: mailed
        Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(7)));
        e.evaluate(T0.plus(Duration.ofMinutes(7)).plusSeconds(1));  // up: mailed
        e.evaluate(T0.plus(Duration.ofMinutes(12)));                // down: suppressed
        Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(14)));
        e.evaluate(T0.plus(Duration.ofMinutes(14)).plusSeconds(1)); // up: suppressed
        e.evaluate(T0.plus(Duration.ofMinutes(90)));                // down again, cooldown over: mailed, counts 2
        List<NotificationRecord> mailed = notes("pi").stream().filter(x -> !x.suppressed()).toList();
        assertEquals(3, mailed.size());
        assertTrue(mailed.get(2).fired());
        assertEquals(2, mailed.get(2).suppressedBefore());
        assertTrue(store.outbox().unsummarisedSuppressed("pi").isEmpty());
    }

    @Test
    void afterARestartASilenceThatSpansTheServersDowntimeGetsOneThresholdOfGrace() {
        Lines.beat(store, "pi", T0);
        evaluator(Duration.ofSeconds(1)).evaluate(T0.plusSeconds(1));
        Instant restart = T0.plus(Duration.ofHours(1));
        Evaluator afterRestart = new Evaluator(store, RULE, Duration.ofSeconds(1), restart);
        assertTrue(afterRestart.evaluate(restart.plusSeconds(10)).isEmpty());
        assertEquals(1, afterRestart.evaluate(restart.plus(Duration.ofMinutes(5))).size(), "still silent a threshold later: down");
    }
}
