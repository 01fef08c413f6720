package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one reading of the channels' settings, for the server (its ChannelSettings wraps this) and
 * for a function app's app settings (where Key Vault references have resolved into values).
 */
class ChannelConfigTest {
    static final ThreadState NO_THREADS = new ThreadState() {
        @Override
        public Optional<Long> get(String key) {
            return Optional.empty();
        }

        @Override
        public long putIfAbsent(String key, long value) {
            return value;
        }
    };

    @Test
    void appSettingsMakeTheSameChannelsAsTheServersConfiguration() {
        ChannelConfig c = ChannelConfig.from(Map.of(
                "HEARTWATCH_SLACK_WEBHOOK_URL", "https://hooks.slack.test/services/T/B/slacksecretvalue",
                "HEARTWATCH_GITHUB_TOKEN", "github_pat_githubsecretvalue",
                "HEARTWATCH_GITHUB_REPO", "acme/net",
                "HEARTWATCH_CHANNEL_TIMEOUT", "PT4S"));
        assertEquals(List.of("slack", "github"), c.channels(NO_THREADS, Clock.systemUTC()).stream().map(NotificationChannel::name).toList());
        assertEquals(Duration.ofSeconds(4), c.timeout());
        assertFalse(c.toString().contains("secretvalue"), c.toString());
        assertEquals(ChannelConfig.NONE, ChannelConfig.from(Map.of()));
    }

    @Test
    void aBadSettingIsAChannelConfigExceptionNamingItWithoutItsValue() {
        ChannelConfigException e = assertThrows(ChannelConfigException.class,
                () -> ChannelConfig.from(Map.of("HEARTWATCH_TEAMS_WEBHOOK_URL", "http://flow.test/x?sig=teamssecretvalue")));
        assertTrue(e.getMessage().contains("HEARTWATCH_TEAMS_WEBHOOK_URL"), e.getMessage());
        assertFalse(e.getMessage().contains("teamssecretvalue"), e.getMessage());
        assertTrue(assertThrows(ChannelConfigException.class, () -> ChannelConfig.from(Map.of("HEARTWATCH_GITHUB_REPO", "acme/net")))
                .getMessage().contains("HEARTWATCH_GITHUB_TOKEN"));
    }
}
