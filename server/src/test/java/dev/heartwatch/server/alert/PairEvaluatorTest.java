package dev.heartwatch.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.config.PairMode;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import dev.heartwatch.server.support.Lines;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pair mode's evaluation (issue 18 sections 4 and 5): which stack alerts on what, and when. */
class PairEvaluatorTest {
    static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
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

    private Evaluator evaluator(PairMode.Role role, String name, String peer) {
        PairMode pair = new PairMode(name, role, peer, URI.create("https://peer.example.com/api/ping"),
                dir.resolve("peer.key"), Duration.ofMinutes(1));
        return new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minus(Duration.ofHours(1)),
                AggregationPolicy.defaults(RULE.heartbeatInterval()), Map.of(), NewDeviceWarmUp.none(), pair);
    }

    private List<NotificationRecord> fired(String device) {
        return store.outbox().of(device).stream().filter(NotificationRecord::fired).toList();
    }

    @Test
    void theSecondaryHoldsADeviceDownWhileThePrimaryBeatsAndAlertsOnceItIsSilent() {
        Evaluator e = evaluator(PairMode.Role.SECONDARY, "b", "a");
        Lines.beat(store, "pi", T0);
        Lines.beat(store, "stack-a", T0);
        e.evaluate(T0.plusSeconds(1));
        // The primary goes on beating; the home does not.
        Lines.beat(store, "stack-a", T0.plus(Duration.ofMinutes(4)));
        Lines.beat(store, "stack-a", T0.plus(Duration.ofMinutes(8)));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        e.evaluate(T0.plus(Duration.ofMinutes(9)));
        assertEquals(List.of(), fired("pi"), "the primary alerts on pi: the secondary must not");
        assertEquals(DeviceStatus.UP, store.devices().device("pi").get().status());
        // The primary falls silent: its own DOWN says the secondary covers, and pi's DOWN follows in the same run.
        e.evaluate(T0.plus(Duration.ofMinutes(13)));
        List<NotificationRecord> primary = fired("stack-a");
        assertEquals(1, primary.size());
        assertTrue(primary.get(0).reason().startsWith(PairMode.PRIMARY_DOWN), primary.get(0).reason());
        assertEquals(1, fired("pi").size(), "covering now");
    }

    @Test
    void thePrimaryBackResolvesTheSecondarysOpenAlertSayingSo() {
        Evaluator e = evaluator(PairMode.Role.SECONDARY, "b", "a");
        Lines.beat(store, "pi", T0);
        Lines.beat(store, "stack-a", T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6))); // both silent: the primary cannot alert
        assertEquals(1, fired("pi").size());
        Lines.beat(store, "stack-a", T0.plus(Duration.ofMinutes(10)));
        e.evaluate(T0.plus(Duration.ofMinutes(10)).plusSeconds(1));
        List<NotificationRecord> pi = store.outbox().of("pi");
        NotificationRecord last = pi.get(pi.size() - 1);
        assertEquals(NotificationRecord.RESOLVED, last.condition());
        assertEquals(PairMode.PRIMARY_BACK, last.reason());
        // pi is still silent, but the primary alerts on it again: no second DOWN here.
        e.evaluate(T0.plus(Duration.ofMinutes(12)));
        assertEquals(1, fired("pi").size());
    }

    @Test
    void thePrimaryAlertsOnEveryDeviceAndOnTheSecondarysSilence() {
        Evaluator e = evaluator(PairMode.Role.PRIMARY, "a", "b");
        Lines.beat(store, "pi", T0);
        Lines.beat(store, "stack-b", T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        assertEquals(1, fired("pi").size());
        List<NotificationRecord> secondary = fired("stack-b");
        assertEquals(1, secondary.size());
        assertTrue(secondary.get(0).reason().startsWith(PairMode.SECONDARY_DOWN), secondary.get(0).reason());
    }
}
