package dev.heartwatch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.channels.ThreadState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channels' settings: targets and secrets from the environment or files, checked at start, never shown. */
class ChannelSettingsTest {
    static final String SLACK = "https://hooks.slack.test/services/T000/B000/XXXXsecretXXXX";
    static final String TELEGRAM_TOKEN = "123456789:AAHsecretsecretsecretsecret_x";
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

    @TempDir
    Path dir;

    Path secretFile(String name, String value, String perms) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, value + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    @Test
    void nothingSetMeansNoChannel() {
        ChannelSettings s = ChannelSettings.from(Map.of());
        assertEquals(List.of(), s.channels(NO_THREADS, Clock.systemUTC()));
        assertEquals(ChannelSettings.NONE, s);
    }

    @Test
    void everyChannelIsMadeFromItsSettingsAndNoneShowsASecret() throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("HEARTWATCH_SLACK_WEBHOOK_URL_FILE", secretFile("slack", SLACK, "rw-------").toString());
        m.put("HEARTWATCH_DISCORD_WEBHOOK_URL", "https://discord.test/api/webhooks/1/discordsecret");
        m.put("HEARTWATCH_TEAMS_WEBHOOK_URL", "https://flow.test/workflows/x/triggers/manual/paths/invoke?sig=teamssecret");
        m.put("HEARTWATCH_TELEGRAM_TOKEN_FILE", secretFile("tg", TELEGRAM_TOKEN, "rw-r-----").toString());
        m.put("HEARTWATCH_TELEGRAM_CHAT_ID", "-1001234567890");
        m.put("HEARTWATCH_NTFY_URL", "https://ntfy.test/topicsecret");
        m.put("HEARTWATCH_NTFY_TOKEN", "tk_ntfysecret");
        m.put("HEARTWATCH_PUSHOVER_TOKEN", "pushtokensecret");
        m.put("HEARTWATCH_PUSHOVER_USER", "pushusersecret");
        m.put("HEARTWATCH_GITHUB_TOKEN", "github_pat_githubsecret");
        m.put("HEARTWATCH_GITHUB_REPO", "acme/net");
        m.put("HEARTWATCH_CHANNEL_TIMEOUT", "PT5S");
        ChannelSettings s = ChannelSettings.from(m);
        assertEquals(List.of("slack", "discord", "teams", "telegram", "ntfy", "pushover", "github"),
                s.channels(NO_THREADS, Clock.systemUTC()).stream().map(NotificationChannel::name).toList());
        assertEquals(SLACK, s.slack().toString(), "read from its file, the line's end removed");
        String shown = s + " " + s.telegram() + " " + s.ntfy() + " " + s.pushover() + " " + s.github();
        for (String secret : List.of("XXXXsecretXXXX", "discordsecret", "teamssecret", "secretsecret", "topicsecret", "ntfysecret",
                "pushtokensecret", "pushusersecret", "githubsecret")) {
            assertFalse(shown.contains(secret), secret + " shown in " + shown);
        }
        assertTrue(s.toString().contains("PT5S"));
    }

    @Test
    void aSecretFileReadableByEveryoneIsRefused() throws Exception {
        Path f = secretFile("slack", SLACK, "rw-r--r--");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ChannelSettings.from(Map.of("HEARTWATCH_SLACK_WEBHOOK_URL_FILE", f.toString())));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertFalse(e.getMessage().contains("XXXXsecretXXXX"));
    }

    @Test
    void aSecretBothInTheEnvironmentAndInAFileIsRefused() throws Exception {
        Path f = secretFile("gh", "github_pat_x", "rw-------");
        ConfigException e = assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of(
                "HEARTWATCH_GITHUB_TOKEN", "github_pat_y", "HEARTWATCH_GITHUB_TOKEN_FILE", f.toString(),
                "HEARTWATCH_GITHUB_REPO", "acme/net")));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }

    @Test
    void aPlainHttpWebhookIsRefusedWithoutShowingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ChannelSettings.from(Map.of("HEARTWATCH_SLACK_WEBHOOK_URL", "http://hooks.slack.test/services/T/B/plainsecret")));
        assertTrue(e.getMessage().contains("https://"), e.getMessage());
        assertFalse(e.getMessage().contains("plainsecret"), e.getMessage());
    }

    @Test
    void halfAChannelIsRefusedNamingWhatIsMissing() {
        assertTrue(assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of("HEARTWATCH_TELEGRAM_TOKEN", TELEGRAM_TOKEN)))
                .getMessage().contains("HEARTWATCH_TELEGRAM_CHAT_ID"));
        assertTrue(assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of("HEARTWATCH_GITHUB_REPO", "acme/net")))
                .getMessage().contains("HEARTWATCH_GITHUB_TOKEN"));
        assertTrue(assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of("HEARTWATCH_PUSHOVER_USER", "u")))
                .getMessage().contains("HEARTWATCH_PUSHOVER_TOKEN"));
        assertTrue(assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of("HEARTWATCH_NTFY_TOKEN", "tk_x")))
                .getMessage().contains("HEARTWATCH_NTFY_URL"));
    }

    @Test
    void malformedValuesAreRefusedClearly() {
        Map<String, String> base = Map.of("HEARTWATCH_GITHUB_TOKEN", "github_pat_x");
        for (String repo : List.of("acme", "acme/net/extra", "../etc", "acme/net?x=1")) {
            Map<String, String> m = new HashMap<>(base);
            m.put("HEARTWATCH_GITHUB_REPO", repo);
            assertThrows(ConfigException.class, () -> ChannelSettings.from(m), repo);
        }
        assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of("HEARTWATCH_TELEGRAM_TOKEN", TELEGRAM_TOKEN,
                "HEARTWATCH_TELEGRAM_CHAT_ID", "not a chat")));
        ConfigException bad = assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of(
                "HEARTWATCH_TELEGRAM_TOKEN", "123:short/../x", "HEARTWATCH_TELEGRAM_CHAT_ID", "42")));
        assertFalse(bad.getMessage().contains("short/../x"), bad.getMessage());
        assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of("HEARTWATCH_CHANNEL_TIMEOUT", "10s")));
        assertThrows(ConfigException.class, () -> ChannelSettings.from(Map.of("HEARTWATCH_CHANNEL_TIMEOUT", "PT1H")));
    }

    @Test
    void theServersConfigurationCarriesTheChannels() {
        ServerConfig c = ServerConfig.fromMap(Map.of("HEARTWATCH_SLACK_WEBHOOK_URL", SLACK));
        assertEquals(List.of("slack"), c.channels().channels(NO_THREADS, Clock.systemUTC()).stream().map(NotificationChannel::name).toList());
        assertFalse(c.toString().contains("XXXXsecretXXXX"), c.toString());
    }
}
