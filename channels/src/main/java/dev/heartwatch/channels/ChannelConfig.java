package dev.heartwatch.channels;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The chat, push and GitHub channels, read from settings (the server's configuration and
 * environment, or a function app's app settings, where Key Vault references have resolved into
 * values): their targets and secrets only
 * (which device goes where is the device registry's, issue 15 §5). A secret is read from the
 * environment or the configuration file ({@code NAME}) or from a file ({@code NAME_FILE}, one
 * line, not readable by others), never both; every URL must be HTTPS. No message here ever shows
 * a secret's value, and {@link #toString()} names only the channels that are on.
 */
public record ChannelConfig(Duration timeout, URI slack, URI discord, URI teams, Telegram telegram, Ntfy ntfy,
                              Pushover pushover, GitHub github) {

    public record Telegram(URI api, String token, String chatId) {
        @Override
        public String toString() {
            return "Telegram[api=" + api + ", chatId=" + chatId + ", token=(secret)]";
        }
    }

    public record Ntfy(URI topic, String token) {
        @Override
        public String toString() {
            return "Ntfy[topic=(secret), token=" + (token == null ? "none" : "(secret)") + "]";
        }
    }

    public record Pushover(URI api, String token, String user) {
        @Override
        public String toString() {
            return "Pushover[api=" + api + ", token=(secret), user=(secret)]";
        }
    }

    public record GitHub(URI api, String repo, String token) {
        @Override
        public String toString() {
            return "GitHub[api=" + api + ", repo=" + repo + ", token=(secret)]";
        }
    }

    /** Every setting read here, for the configuration's known names. */
    public static final List<String> NAMES = List.of("HEARTWATCH_CHANNEL_TIMEOUT",
            "HEARTWATCH_SLACK_WEBHOOK_URL", "HEARTWATCH_SLACK_WEBHOOK_URL_FILE",
            "HEARTWATCH_DISCORD_WEBHOOK_URL", "HEARTWATCH_DISCORD_WEBHOOK_URL_FILE",
            "HEARTWATCH_TEAMS_WEBHOOK_URL", "HEARTWATCH_TEAMS_WEBHOOK_URL_FILE",
            "HEARTWATCH_TELEGRAM_TOKEN", "HEARTWATCH_TELEGRAM_TOKEN_FILE", "HEARTWATCH_TELEGRAM_CHAT_ID",
            "HEARTWATCH_TELEGRAM_API_URL",
            "HEARTWATCH_NTFY_URL", "HEARTWATCH_NTFY_URL_FILE", "HEARTWATCH_NTFY_TOKEN", "HEARTWATCH_NTFY_TOKEN_FILE",
            "HEARTWATCH_PUSHOVER_TOKEN", "HEARTWATCH_PUSHOVER_TOKEN_FILE", "HEARTWATCH_PUSHOVER_USER",
            "HEARTWATCH_PUSHOVER_USER_FILE", "HEARTWATCH_PUSHOVER_API_URL",
            "HEARTWATCH_GITHUB_TOKEN", "HEARTWATCH_GITHUB_TOKEN_FILE", "HEARTWATCH_GITHUB_REPO", "HEARTWATCH_GITHUB_API_URL");

    static final URI TELEGRAM_API = URI.create("https://api.telegram.org");
    static final URI PUSHOVER_API = URI.create("https://api.pushover.net");
    static final URI GITHUB_API = URI.create("https://api.github.com");
    private static final Pattern CHAT_ID = Pattern.compile("-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}");
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");

    public static final ChannelConfig NONE = new ChannelConfig(ChannelHttp.DEFAULT_TIMEOUT, null, null, null, null, null,
            null, null);

    public static ChannelConfig from(Map<String, String> m) {
        Function<String, String> plain = name -> {
            String v = m.get(name);
            return v == null || v.isBlank() ? null : v.strip();
        };
        String telegramToken = secret(m, "HEARTWATCH_TELEGRAM_TOKEN");
        String chatId = plain.apply("HEARTWATCH_TELEGRAM_CHAT_ID");
        Telegram telegram = null;
        if (telegramToken != null || chatId != null) {
            require(telegramToken != null && chatId != null,
                    "Telegram needs both HEARTWATCH_TELEGRAM_TOKEN(_FILE) and HEARTWATCH_TELEGRAM_CHAT_ID");
            require(CHAT_ID.matcher(chatId).matches(), "HEARTWATCH_TELEGRAM_CHAT_ID must be a chat id (-100…) or @channelname");
            require(telegramToken.matches("[0-9]{1,20}:[A-Za-z0-9_-]{20,100}"),
                    "HEARTWATCH_TELEGRAM_TOKEN is not a bot token (digits, a colon, then letters, digits, - and _)");
            telegram = new Telegram(https(plain.apply("HEARTWATCH_TELEGRAM_API_URL"), TELEGRAM_API, "HEARTWATCH_TELEGRAM_API_URL", false),
                    telegramToken, chatId);
        }
        String ntfyUrl = secret(m, "HEARTWATCH_NTFY_URL");
        String ntfyToken = secret(m, "HEARTWATCH_NTFY_TOKEN");
        require(ntfyToken == null || ntfyUrl != null, "HEARTWATCH_NTFY_TOKEN needs HEARTWATCH_NTFY_URL (the topic's URL)");
        Ntfy ntfy = ntfyUrl == null ? null : new Ntfy(https(ntfyUrl, null, "HEARTWATCH_NTFY_URL", true), ntfyToken);
        String pushToken = secret(m, "HEARTWATCH_PUSHOVER_TOKEN");
        String pushUser = secret(m, "HEARTWATCH_PUSHOVER_USER");
        Pushover pushover = null;
        if (pushToken != null || pushUser != null) {
            require(pushToken != null && pushUser != null,
                    "Pushover needs both HEARTWATCH_PUSHOVER_TOKEN(_FILE) and HEARTWATCH_PUSHOVER_USER(_FILE)");
            pushover = new Pushover(https(plain.apply("HEARTWATCH_PUSHOVER_API_URL"), PUSHOVER_API, "HEARTWATCH_PUSHOVER_API_URL", false),
                    pushToken, pushUser);
        }
        String githubToken = secret(m, "HEARTWATCH_GITHUB_TOKEN");
        String repo = plain.apply("HEARTWATCH_GITHUB_REPO");
        GitHub github = null;
        if (githubToken != null || repo != null) {
            require(githubToken != null && repo != null, "GitHub issues need both HEARTWATCH_GITHUB_TOKEN(_FILE) and HEARTWATCH_GITHUB_REPO");
            require(REPO.matcher(repo).matches() && !repo.contains(".."), "HEARTWATCH_GITHUB_REPO must be owner/name");
            github = new GitHub(https(plain.apply("HEARTWATCH_GITHUB_API_URL"), GITHUB_API, "HEARTWATCH_GITHUB_API_URL", false),
                    repo, githubToken);
        }
        return new ChannelConfig(timeout(plain.apply("HEARTWATCH_CHANNEL_TIMEOUT")),
                https(secret(m, "HEARTWATCH_SLACK_WEBHOOK_URL"), null, "HEARTWATCH_SLACK_WEBHOOK_URL", true),
                https(secret(m, "HEARTWATCH_DISCORD_WEBHOOK_URL"), null, "HEARTWATCH_DISCORD_WEBHOOK_URL", true),
                https(secret(m, "HEARTWATCH_TEAMS_WEBHOOK_URL"), null, "HEARTWATCH_TEAMS_WEBHOOK_URL", true),
                telegram, ntfy, pushover, github);
    }

    /** The channels configured, each with its own exchange (its timeout, its secrets), trusting the JDK's CAs. */
    public List<NotificationChannel> channels(ThreadState threads, Clock clock) {
        return channels(threads, clock, null);
    }

    /** The same trusting {@code tls} (null: the JDK's own trust store). */
    public List<NotificationChannel> channels(ThreadState threads, Clock clock, SSLContext tls) {
        List<NotificationChannel> out = new ArrayList<>();
        if (slack != null) {
            out.add(new SlackChannel(slack, http(tls, clock, slack.toString())));
        }
        if (discord != null) {
            out.add(new DiscordChannel(discord, http(tls, clock, discord.toString())));
        }
        if (teams != null) {
            out.add(new TeamsChannel(teams, http(tls, clock, teams.toString())));
        }
        if (telegram != null) {
            out.add(new TelegramChannel(telegram.api(), telegram.token(), telegram.chatId(), http(tls, clock, telegram.token())));
        }
        if (ntfy != null) {
            out.add(new NtfyChannel(ntfy.topic(), ntfy.token(), http(tls, clock, ntfy.topic().toString(), ntfy.token())));
        }
        if (pushover != null) {
            out.add(new PushoverChannel(pushover.api(), pushover.token(), pushover.user(),
                    http(tls, clock, pushover.token(), pushover.user())));
        }
        if (github != null) {
            out.add(new GitHubIssueChannel(github.api(), github.repo(), github.token(), threads, http(tls, clock, github.token())));
        }
        return out;
    }

    private ChannelHttp http(SSLContext tls, Clock clock, String... secrets) {
        List<String> s = new ArrayList<>();
        for (String secret : secrets) {
            if (secret != null) {
                s.add(secret);
            }
        }
        return tls == null ? ChannelHttp.platform(timeout, clock, s) : new ChannelHttp(tls, timeout, clock, s);
    }

    /** The names of the channels that are on; no target, no secret. */
    @Override
    public String toString() {
        List<String> on = new ArrayList<>();
        Object[] targets = {slack, discord, teams, telegram, ntfy, pushover, github};
        String[] names = {"slack", "discord", "teams", "telegram", "ntfy", "pushover", "github"};
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] != null) {
                on.add(names[i]);
            }
        }
        return on + " (timeout " + timeout + ")";
    }

    /** {@code NAME} or {@code NAME_FILE}; null when neither is set. */
    static String secret(Map<String, String> m, String name) {
        String direct = m.get(name);
        String file = m.get(name + "_FILE");
        boolean hasDirect = direct != null && !direct.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        require(!(hasDirect && hasFile), "set " + name + " or " + name + "_FILE, not both");
        if (hasDirect) {
            return direct.strip();
        }
        return hasFile ? readSecretFile(name + "_FILE", Path.of(file.strip())) : null;
    }

    private static String readSecretFile(String setting, Path file) {
        try {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                require(!perms.contains(PosixFilePermission.OTHERS_READ),
                        setting + ": " + file + " is readable by every user: chmod 600 it (or 640 for a group)");
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: its own ACLs apply.
            }
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            require(lines.size() == 1, setting + ": " + file + " must hold the secret on one line");
            return lines.get(0);
        } catch (IOException e) {
            throw new ChannelConfigException("cannot read " + setting + " " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * An absolute {@code https} URL; {@code secret} when the URL itself is a credential (a
     * webhook, a topic), so the message never shows it.
     */
    private static URI https(String value, URI fallback, String name, boolean secret) {
        if (value == null) {
            return fallback;
        }
        URI u;
        try {
            u = new URI(value);
        } catch (URISyntaxException e) {
            throw new ChannelConfigException(name + " is not a URL" + (secret ? "" : ": " + value));
        }
        require("https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null,
                name + " must be an https:// URL" + (secret ? " (its value is a secret, not shown)" : ": " + value));
        return u;
    }

    private static Duration timeout(String v) {
        if (v == null) {
            return ChannelHttp.DEFAULT_TIMEOUT;
        }
        try {
            Duration d = Duration.parse(v);
            require(!d.isNegative() && !d.isZero() && d.compareTo(Duration.ofMinutes(5)) <= 0,
                    "HEARTWATCH_CHANNEL_TIMEOUT must be between PT0S (exclusive) and PT5M: " + v);
            return d;
        } catch (DateTimeParseException e) {
            throw new ChannelConfigException("HEARTWATCH_CHANNEL_TIMEOUT must be an ISO-8601 duration such as PT10S: " + v);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ChannelConfigException(message);
        }
    }
}
