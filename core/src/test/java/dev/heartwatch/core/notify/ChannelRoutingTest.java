package dev.heartwatch.core.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.DeviceRegistryException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelRoutingTest {
    static final List<String> CONFIGURED = List.of("email", "webhook", "slack", "github");

    @Test
    void aDeviceUsesItsOwnChannelsElseTheDefaultElseEveryConfiguredOne() {
        DeviceRegistry r = DeviceRegistry.parse("""
                {"defaults": {"channels": ["email", "slack"]},
                 "devices": ["router", {"id": "nas", "channels": ["github"]}]}
                """);
        assertEquals(List.of("github"), ChannelRouting.channelsOf(r, "nas", CONFIGURED));
        assertEquals(List.of("email", "slack"), ChannelRouting.channelsOf(r, "router", CONFIGURED));
        assertEquals(List.of("email", "slack"), ChannelRouting.channelsOf(r, "not-registered", CONFIGURED), "the default covers every device");

        DeviceRegistry today = DeviceRegistry.parse("[\"router\", {\"id\": \"nas\", \"channels\": [\"webhook\"]}]");
        assertEquals(CONFIGURED, ChannelRouting.channelsOf(today, "router", CONFIGURED), "no default: every configured channel");
        assertEquals(List.of("webhook"), ChannelRouting.channelsOf(today, "nas", CONFIGURED));
    }

    @Test
    void aChannelThisDeploymentLacksIsDroppedAndNeverSilencesTheDevice() {
        DeviceRegistry r = DeviceRegistry.parse("[{\"id\": \"nas\", \"channels\": [\"telegram\", \"slack\"]}, {\"id\": \"pi\", \"channels\": [\"ntfy\"]}]");
        assertEquals(List.of("slack"), ChannelRouting.channelsOf(r, "nas", CONFIGURED));
        assertEquals(CONFIGURED, ChannelRouting.channelsOf(r, "pi", CONFIGURED), "nothing configured of its own: every channel");
    }

    @Test
    void aDigestGoesToTheUnionOfItsDevicesChannels() {
        DeviceRegistry r = DeviceRegistry.parse("""
                {"defaults": {"channels": ["email"]}, "devices": [{"id": "a", "channels": ["slack"]}, {"id": "b", "channels": ["github", "email"]}, "c"]}
                """);
        assertEquals(Set.of("slack", "github", "email"), ChannelRouting.unionOf(r, List.of("a", "b", "c"), CONFIGURED));
        assertEquals(List.of("slack", "github", "email"), List.copyOf(ChannelRouting.unionOf(r, List.of("a", "b", "c"), CONFIGURED)));
    }

    @Test
    void anUnknownChannelIsRefusedWithTheNearestName() {
        List<String> p = assertThrows(DeviceRegistryException.class,
                () -> DeviceRegistry.parse("[{\"id\": \"nas\", \"channels\": [\"slak\"]}]")).problems();
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("entry 1 (\"nas\"): channel \"slak\" is not a channel (did you mean \"slack\"?"), p.get(0));
        String far = assertThrows(DeviceRegistryException.class,
                () -> DeviceRegistry.parse("{\"defaults\": {\"channels\": [\"carrier-pigeon\"]}, \"devices\": []}")).getMessage();
        assertTrue(far.startsWith("defaults: channel \"carrier-pigeon\" is not a channel (channels: email, webhook"), far);
    }

    @Test
    void theDefaultIsWrittenOnlyWhenSetSoAPlainArrayStaysPlain() {
        DeviceRegistry plain = DeviceRegistry.parse("[\"router\"]");
        assertTrue(plain.toJson().startsWith("["), plain.toJson());
        DeviceRegistry withDefault = new DeviceRegistry(plain.devices(), List.of("ntfy", "email"));
        String text = withDefault.toJson();
        assertTrue(text.startsWith("{"), text);
        assertEquals(withDefault, DeviceRegistry.parse(text));
        assertEquals(List.of("ntfy", "email"), DeviceRegistry.parse(text).defaultChannels());
    }

    @Test
    void theObjectFormRefusesWhatItDoesNotKnow() {
        String m = assertThrows(DeviceRegistryException.class,
                () -> DeviceRegistry.parse("{\"default\": {\"channels\": [\"email\"]}, \"devices\": []}")).getMessage();
        assertTrue(m.contains("unknown top-level field \"default\""), m);
        m = assertThrows(DeviceRegistryException.class,
                () -> DeviceRegistry.parse("{\"defaults\": {\"channel\": [\"email\"]}}")).getMessage();
        assertTrue(m.contains("defaults: unknown field \"channel\""), m);
        m = assertThrows(DeviceRegistryException.class, () -> DeviceRegistry.parse("{\"devices\": \"router\"}")).getMessage();
        assertTrue(m.contains("\"devices\" must be a JSON array"), m);
    }

    @Test
    void aStoredRegistryKeepsAChannelNameThisReleaseDoesNotKnowAndRoutingSkipsIt() {
        String text = "{\"defaults\": {\"channels\": [\"pager\"]}, \"devices\": [{\"id\": \"nas\", \"channels\": [\"push\", \"slack\"]}]}";
        assertThrows(DeviceRegistryException.class, () -> DeviceRegistry.parse(text), "writers refuse it");
        DeviceRegistry stored = DeviceRegistry.parseStored(text);
        assertEquals(List.of("push", "slack"), stored.find("nas").orElseThrow().channels());
        assertEquals(List.of("slack"), ChannelRouting.channelsOf(stored, "nas", CONFIGURED));
        assertEquals(CONFIGURED, ChannelRouting.channelsOf(stored, "pi", CONFIGURED), "an unknown default: every channel");
        assertThrows(DeviceRegistryException.class, () -> DeviceRegistry.parseStored("[{\"id\": \"nas\", \"channels\": [\"Bad Name\"]}]"),
                "the other checks stay");
    }
}
