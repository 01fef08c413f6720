package dev.heartwatch.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** A new device's warm-up (PT10M, 3 beats) in the evaluator, over a real SQLite store. */
class NewDeviceWarmUpTest {
    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of("expected-pi"));
    static final NewDeviceWarmUp WARM_UP = new NewDeviceWarmUp(Duration.ofMinutes(10), 3);

    @TempDir
    Path dir;
    HeartwatchStore store;
    Evaluator evaluator;

    @BeforeEach
    void open() {
        store = HeartwatchStore.open(dir.resolve("h.db"), "FULL");
        evaluator = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minus(Duration.ofHours(1)), WARM_UP);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void beats(String device, int n) {
        for (int i = 0; i < n; i++) {
            Lines.beat(store, device, T0.plus(Duration.ofMinutes(i)));
        }
    }

    /** Evaluates every minute from T0 to T0 + {@code minutes}. */
    private void evaluateFor(int minutes) {
        for (int m = 0; m <= minutes; m++) {
            evaluator.evaluate(T0.plus(Duration.ofMinutes(m)));
        }
    }

    private List<NotificationRecord> notes(String device) {
        return store.outbox().of(device);
    }

    @Test
    void aNewDeviceThatBeatFewerThanMTimesAndStoppedRaisesNothingEver() {
        beats("typo-pi", 2);
        evaluateFor(120);
        assertTrue(notes("typo-pi").isEmpty(), "two beats, then silence inside its warm-up: " + notes("typo-pi"));
        assertEquals(DeviceStatus.UP, store.devices().device("typo-pi").get().status(),
                "no DOWN is recorded either (the dashboard's live status still says it is silent)");
    }

    @Test
    void aNewDeviceThatBeatMTimesAndStoppedRaisesDown() {
        beats("new-pi", 3);
        evaluateFor(20);
        List<NotificationRecord> n = notes("new-pi");
        assertEquals(1, n.size(), n.toString());
        assertEquals(NotificationRecord.FIRED, n.get(0).condition());
    }

    @Test
    void anExpectedDeviceAlertsWithoutWarmUp() {
        beats("expected-pi", 1);
        evaluateFor(20);
        assertEquals(1, notes("expected-pi").size(), "expected: one beat is enough to alert on its silence");
    }

    @Test
    void aDeviceWhoseSilenceBeginsAfterItsWarmUpAlertsWhateverItsBeats() {
        // A daily job: one run, then nothing; its silence becomes DOWN long after its warm-up.
        Lines.beat(store, "nightly", T0);
        evaluator.evaluate(T0.plusSeconds(1));
        evaluator.evaluate(T0.plus(Duration.ofMinutes(5)));
        assertTrue(notes("nightly").isEmpty(), "still in its warm-up at T0 + 5 min");
        NewDeviceWarmUp shortWarmUp = new NewDeviceWarmUp(Duration.ofMinutes(4), 3);
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minus(Duration.ofHours(1)), shortWarmUp);
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        assertEquals(1, notes("nightly").size(), "DOWN at T0 + 5 min falls after a 4-minute warm-up");
    }

    @Test
    void aDeviceHeldBackInItsWarmUpAlertsOnASilenceAfterIt() {
        beats("late-pi", 1);
        evaluateFor(30);
        assertTrue(notes("late-pi").isEmpty());
        for (int i = 0; i < 3; i++) {
            Lines.beat(store, "late-pi", T0.plus(Duration.ofMinutes(31 + i)));
        }
        for (int m = 31; m <= 45; m++) {
            evaluator.evaluate(T0.plus(Duration.ofMinutes(m)));
        }
        assertEquals(1, notes("late-pi").size(), "its new silence begins after the warm-up: it alerts");
    }
}
