package dev.heartwatch.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.DeliveryResult;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.server.alert.Evaluator;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.Outbox;
import dev.heartwatch.server.support.Lines;
import dev.heartwatch.channels.support.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device registry's routing where the outbox becomes each channel's deliveries: a device's
 * messages reach only its channels (its own, else the registry's default), a digest reaches the
 * union and each channel's copy names only its devices, a check folded behind its agent takes
 * the agent's DOWN to the check's channels too, and the console logs everything.
 */
class RoutingDeliveryTest {
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1),
            Duration.ofMinutes(1), Set.of());

    /** Our own channel interface, recording what it was given (no service behind it to fake). */
    static final class Recording implements NotificationChannel {
        final String name;
        final boolean members;
        final List<AlertMessage> got = new CopyOnWriteArrayList<>();

        Recording(String name) {
            this(name, false);
        }

        Recording(String name, boolean members) {
            this.name = name;
            this.members = members;
        }

        @Override
        public boolean wantsDigestMembers() {
            return members;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeliveryResult deliver(AlertMessage message) {
            got.add(message);
            return DeliveryResult.delivered();
        }

        List<String> subjects() {
            return got.stream().map(AlertMessage::subject).toList();
        }
    }

    @TempDir
    Path dir;
    HeartwatchStore store;
    MutableClock clock = new MutableClock(T0);
    Recording email = new Recording("email");
    Recording slack = new Recording("slack");
    Recording github = new Recording("github", true);
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        store = HeartwatchStore.open(dir.resolve("h.db"), "FULL");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private OutboxDelivery delivery() {
        return new OutboxDelivery(store, new AlertMessageFactory(store, RULE, "heartwatch-silence"),
                List.of(new ConsoleChannel(new PrintStream(console, true)), email, slack, github),
                ChannelRoutes.of(() -> store.registry().registry()), DeliveryBackoff.DEFAULT, clock, Duration.ofSeconds(1));
    }

    private void registry(String json) {
        store.registry().replaceAll(DeviceRegistry.parse(json), T0);
    }

    private void downAt(Evaluator e, Instant at, String... devices) {
        for (String d : devices) {
            Lines.beat(store, d, T0);
        }
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(at);
        e.evaluate(at.plusSeconds(60)); // nothing more: a gathering digest is released
        clock.set(at.plusSeconds(60));
    }

    @Test
    void aDeviceIsHeardOnlyOnItsChannelsAndTheDefaultCoversTheRest() {
        registry("{\"defaults\": {\"channels\": [\"email\"]}, \"devices\": [{\"id\": \"nas\", \"channels\": [\"slack\"]}, \"pi\"]}");
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery d = delivery();
        downAt(e, T0.plus(Duration.ofMinutes(6)), "nas", "pi", "unlisted");
        assertEquals(3, d.deliverDue(), "every message is finished: skipped where it is not routed");
        assertEquals(List.of("[Heartwatch] DOWN: nas"), slack.subjects());
        assertEquals(List.of("[Heartwatch] DOWN: pi", "[Heartwatch] DOWN: unlisted"), email.subjects());
        assertEquals(List.of(), github.subjects(), "no device routes to github");
        long nas = store.outbox().of("nas").get(0).id();
        assertEquals(Outbox.SKIPPED, store.outbox().deliveryState(nas, "github").orElseThrow());
        assertEquals(Outbox.SKIPPED, store.outbox().deliveryState(nas, "email").orElseThrow());
        assertEquals(Outbox.DELIVERED, store.outbox().deliveryState(nas, "slack").orElseThrow());
        String log = console.toString();
        assertTrue(log.contains("nas") && log.contains("pi") && log.contains("unlisted"), "the console logs every message: " + log);
        assertTrue(store.outbox().pending().isEmpty());
    }

    @Test
    void withoutAnyRoutingEveryChannelHearsEverything() {
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery d = delivery();
        downAt(e, T0.plus(Duration.ofMinutes(6)), "nas");
        assertEquals(1, d.deliverDue());
        for (Recording r : List.of(email, slack, github)) {
            assertEquals(List.of("[Heartwatch] DOWN: nas"), r.subjects(), r.name);
        }
    }

    @Test
    void aDigestGoesToTheUnionAndEachChannelListsOnlyItsDevices() {
        registry("""
                {"defaults": {"channels": ["email"]},
                 "devices": [{"id": "s1", "channels": ["slack"]}, {"id": "s2", "channels": ["slack"]},
                             {"id": "both", "channels": ["slack", "email"]}, "e1", "e2", "e3"]}
                """);
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery d = delivery();
        downAt(e, T0.plus(Duration.ofMinutes(6)), "s1", "s2", "both", "e1", "e2", "e3");
        assertEquals(1, d.deliverDue(), "six devices together: one digest");
        assertEquals(1, slack.got.size());
        assertEquals(1, email.got.size());
        AlertMessage s = slack.got.get(0);
        AlertMessage m = email.got.get(0);
        assertTrue(s.digest() && m.digest());
        assertEquals(Set.of("s1", "s2", "both"), Set.copyOf(s.digestOf().shown()));
        assertEquals("[Heartwatch] 3 devices down", s.subject());
        assertTrue(!s.text().contains("e1"), s.text());
        assertEquals(Set.of("both", "e1", "e2", "e3"), Set.copyOf(m.digestOf().shown()));
        assertEquals("[Heartwatch] 4 devices down", m.subject());
        assertEquals(List.of(), github.got);
    }

    @Test
    void aCheckFoldedBehindItsAgentTakesTheAgentsDownToTheChecksChannels() {
        registry("[{\"id\": \"home\", \"channels\": [\"email\"]}, {\"id\": \"home.dns\", \"channels\": [\"slack\"]}]");
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600),
                AggregationPolicy.defaults(RULE.heartbeatInterval()), Map.of("home.dns", "home"));
        OutboxDelivery d = delivery();
        downAt(e, T0.plus(Duration.ofMinutes(6)), "home", "home.dns");
        assertEquals(1, d.deliverDue());
        assertEquals(List.of("[Heartwatch] DOWN: home (1 check behind it unknown)"), email.subjects());
        assertEquals(List.of("[Heartwatch] DOWN: home (1 check behind it unknown)"), slack.subjects());
        assertEquals(List.of(), github.got);
    }

    @Test
    void aChannelKeepingOneThreadPerOutageGetsADigestsRoutedMembersEachInItsOwnThread() {
        registry("{\"defaults\": {\"channels\": [\"github\", \"email\"]}, \"devices\": [{\"id\": \"d0\", \"channels\": [\"email\"]}]}");
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery d = delivery();
        downAt(e, T0.plus(Duration.ofMinutes(6)), "d0", "d1", "d2", "d3", "d4", "d5", "d6");
        assertEquals(1, d.deliverDue());
        AlertMessage digest = github.got.get(0);
        assertEquals(List.of("d1", "d2", "d3", "d4", "d5", "d6"), digest.members().stream().map(AlertMessage::device).toList(),
                "d0 is not routed to github");
        for (AlertMessage m : digest.members()) {
            assertEquals(store.outbox().of(m.device()).get(0).threadKey(), m.threadKey(), "the member's own thread");
            assertTrue(m.fired() && m.subject().equals("[Heartwatch] DOWN: " + m.device()), m.subject());
        }
        assertEquals(List.of(), email.got.get(0).members(), "a channel that does not ask gets no members");
    }

    @Test
    void aStoredEntryNamingAChannelThisReleaseDoesNotKnowSilencesNothing() {
        // An entry stored before "push" was refused (RegisteredDevice itself does not check names): the store still
        // reads it (DeviceRegistry.parseStored), the evaluator runs, and routing skips the name no channel has.
        store.registry().put(new dev.heartwatch.core.schedule.RegisteredDevice("nas", true, dev.heartwatch.core.schedule.Schedule.DEFAULT,
                List.of("push")), T0);
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery d = delivery();
        downAt(e, T0.plus(Duration.ofMinutes(6)), "nas");
        assertEquals(1, d.deliverDue());
        for (Recording r : List.of(email, slack, github)) {
            assertEquals(List.of("[Heartwatch] DOWN: nas"), r.subjects(), r.name + " still hears it");
        }
        assertEquals(List.of("push"), store.registry().find("nas").orElseThrow().channels());
    }

    @Test
    void aRegistryThatCannotBeReadSilencesNothing() {
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        downAt(e, T0.plus(Duration.ofMinutes(6)), "nas");
        OutboxDelivery d = new OutboxDelivery(store, new AlertMessageFactory(store, RULE, "heartwatch-silence"),
                List.of(new ConsoleChannel(new PrintStream(console, true)), email, slack, github),
                ChannelRoutes.of(() -> {
                    throw new IllegalStateException("unreadable");
                }), DeliveryBackoff.DEFAULT, clock, Duration.ofSeconds(1));
        assertEquals(1, d.deliverDue());
        for (Recording r : List.of(email, slack, github)) {
            assertEquals(List.of("[Heartwatch] DOWN: nas"), r.subjects(), r.name + " still hears it");
        }
    }
}
