package dev.heartwatch.server.config;

import dev.heartwatch.common.DotEnv;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.rule.SilenceRule;
import java.io.IOException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code heartwatch-server} reads from outside, with one precedence: environment
 * over the configuration file ({@code heartwatch-server.properties} or a {@code .env}-style
 * file, the same {@code KEY=VALUE} names) over defaults. Durations are ISO-8601. Keys come only
 * from here, never from the repository; {@link #toString()} never prints them.
 *
 * <p>What cannot be used stops the start ({@link ConfigException}): a name in the file that is
 * not a setting, a near miss of one in the environment ({@link SettingNames}), a key too short
 * or used for two jobs ({@link KeyRules}), rule settings {@link SilenceRule} refuses. Settings
 * that work but detect late are {@link #warnings()}.
 *
 * @param pingKeys   keys that may beat for any device
 * @param deviceKeys keys that may beat only for their own devices ({@link DeviceKey})
 * @param pair       pair mode (issue 18 section 5), {@code null} without {@code HEARTWATCH_PAIR_ROLE}
 */
public record ServerConfig(
        String bindAddress,
        int port,
        Path database,
        List<String> pingKeys,
        List<DeviceKey> deviceKeys,
        List<String> adminKeys,
        String readKey,
        boolean dashboardActions,
        Set<String> trustedProxies,
        Path tlsKeystore,
        String tlsKeystorePassword,
        Duration threshold,
        Duration evaluationFrequency,
        Duration lookback,
        Duration heartbeatInterval,
        Set<String> expectedDevices,
        Duration retention,
        Duration cooldown,
        Duration requestTimeout,
        Duration responseTimeout,
        int httpThreads,
        int maxConnections,
        int maxConnectionsPerAddress,
        String sqliteSynchronous,
        Smtp smtp,
        Path outbox,
        String webhookUrl,
        String alertRuleName,
        int digestAfter,
        NewDevices newDevices,
        ChannelSettings channels,
        PairMode pair) {

    /**
     * How the server treats a device name it has never stored (issue 14: a flood of new names
     * must not become a mail storm). New names are admitted through two token buckets, one per
     * ping key ({@code perKey} per {@code window}, holding at most {@code burst}) and one for all
     * keys ({@code total} per {@code window}, holding at most {@code total}); a device first seen
     * less than {@code warmUp} ago does not alert until it has beaten {@code warmUpBeats} times.
     */
    public record NewDevices(int perKey, int burst, int total, Duration window, Duration warmUp, int warmUpBeats) {
        public static final NewDevices DEFAULTS = new NewDevices(20, 50, 100, Duration.ofMinutes(1), Duration.ofMinutes(10), 3);

        public NewDevices {
            if (perKey < 1 || burst < 1 || total < 1) {
                throw new ConfigException("HEARTWATCH_NEW_DEVICES_PER_KEY, _BURST and _TOTAL must be at least 1");
            }
            if (warmUpBeats < 1) {
                throw new ConfigException("HEARTWATCH_WARM_UP_BEATS must be at least 1");
            }
        }
    }

    /** SMTP settings; {@code host == null} means "write .eml files to the outbox instead". */
    public record Smtp(String host, int port, Security security, String user, String password,
                       String from, List<String> to) {
        public enum Security { NONE, STARTTLS, TLS }

        public boolean configured() {
            return host != null && !host.isBlank();
        }

        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", security=" + security + ", user=" + user
                    + ", password=" + (password == null ? "unset" : "set") + ", from=" + from + ", to=" + to + "]";
        }
    }

    public ServerConfig {
        pingKeys = List.copyOf(pingKeys);
        deviceKeys = List.copyOf(deviceKeys);
        adminKeys = List.copyOf(adminKeys);
        trustedProxies = Set.copyOf(trustedProxies);
        expectedDevices = Set.copyOf(expectedDevices);
        if (port < 0 || port > 65535) {
            throw new ConfigException("HEARTWATCH_PORT must be 0..65535: " + port);
        }
        if (httpThreads < 1) {
            throw new ConfigException("HEARTWATCH_HTTP_THREADS must be at least 1");
        }
        if (maxConnections < 1) {
            throw new ConfigException("HEARTWATCH_MAX_CONNECTIONS must be at least 1");
        }
        if (maxConnectionsPerAddress < 1 || maxConnectionsPerAddress > maxConnections) {
            throw new ConfigException("HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS must be from 1 to HEARTWATCH_MAX_CONNECTIONS");
        }
        if (readKey != null && !readKey.matches(READ_KEY_PATTERN)) {
            // It travels in a URL and a cookie (the dashboard), so it keeps to characters neither escapes.
            throw new ConfigException("HEARTWATCH_READ_KEY must be " + KeyRules.MIN_LENGTH
                    + "-256 characters of [A-Za-z0-9._~-] (e.g. openssl rand -hex 24)");
        }
        KeyRules.check(pingKeys, deviceKeys, adminKeys, readKey);
        rule(threshold, evaluationFrequency, lookback, heartbeatInterval, expectedDevices);
        if (!Set.of("FULL", "NORMAL", "EXTRA").contains(sqliteSynchronous)) {
            throw new ConfigException("HEARTWATCH_SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL");
        }
    }

    /** What {@code DashboardAccess.readKey} accepts. */
    static final String READ_KEY_PATTERN = "[A-Za-z0-9._~-]{" + KeyRules.MIN_LENGTH + ",256}";

    /** The silence rule these settings describe. */
    public SilenceRule rule() {
        return rule(threshold, evaluationFrequency, lookback, heartbeatInterval, expectedDevices);
    }

    private static SilenceRule rule(Duration threshold, Duration evaluationFrequency, Duration lookback,
                                    Duration heartbeatInterval, Set<String> expectedDevices) {
        try {
            return new SilenceRule(threshold, evaluationFrequency, lookback, heartbeatInterval, expectedDevices);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the silence rule refuses these settings (HEARTWATCH_THRESHOLD, "
                    + "HEARTWATCH_EVALUATION_FREQUENCY, HEARTWATCH_LOOKBACK, HEARTWATCH_HEARTBEAT_INTERVAL): " + e.getMessage());
        }
    }

    /**
     * Settings that work but detect an outage late or wrongly, beyond what docs/alerting.md
     * documents: said at start, not refused.
     */
    public List<String> warnings() {
        return RuleAdvice.warnings(rule());
    }

    /** The configuration file named by {@code HEARTWATCH_CONFIG}, else none. */
    public static ServerConfig load(Map<String, String> env) {
        String file = env.get("HEARTWATCH_CONFIG");
        return from(env, file == null || file.isBlank() ? null : Path.of(file));
    }

    /**
     * Reads {@code file} (may be null) and applies {@code env} over it. Every name in the file
     * must be a setting; in {@code env}, near misses of one are refused and the rest ignored.
     */
    public static ServerConfig from(Map<String, String> env, Path file) {
        Map<String, String> merged = new HashMap<>();
        SettingNames.checkEnvironment(env);
        if (file != null) {
            Map<String, String> values = readFile(file, env);
            SettingNames.checkFile(file, values);
            merged.putAll(values);
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("HEARTWATCH_")) {
                merged.put(e.getKey(), e.getValue());
            }
        }
        return fromMap(merged);
    }

    /**
     * The file in python-dotenv's {@code .env} dialect (common's {@link DotEnv}), the agent's and
     * the CLI's too: quotes removed, escapes decoded only in double quotes, {@code  # comment}
     * after a value dropped, {@code ${VAR}} expanded from {@code env} first. A statement that does
     * not parse is an error naming its line, not a silently different setting.
     */
    static Map<String, String> readFile(Path file, Map<String, String> env) {
        DotEnv parsed;
        try {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            parsed = DotEnv.read(file, env);
        } catch (IOException e) {
            throw new ConfigException("configuration file " + file + " " + FileProblem.text(e));
        }
        if (!parsed.unparsedLines().isEmpty()) {
            throw new ConfigException("configuration file " + file + ": line " + parsed.unparsedLines().get(0)
                    + " is not KEY=VALUE (quotes must close, nothing but a comment after them)");
        }
        return parsed.values();
    }

    public static ServerConfig fromMap(Map<String, String> m) {
        Settings r = new Settings(m);
        List<String> pingKeys = new ArrayList<>(r.list("HEARTWATCH_KEYS"));
        String keyFile = r.string("HEARTWATCH_KEY_FILE", null);
        if (keyFile != null) {
            pingKeys.addAll(readKeyFile(Path.of(keyFile)));
        }
        List<DeviceKey> deviceKeys = new ArrayList<>(DeviceKey.parseSetting(r.string("HEARTWATCH_DEVICE_KEYS", null)));
        String deviceKeyFile = r.string("HEARTWATCH_DEVICE_KEY_FILE", null);
        if (deviceKeyFile != null) {
            deviceKeys.addAll(DeviceKey.parseFile(readLines(Path.of(deviceKeyFile), "device key file"),
                    "HEARTWATCH_DEVICE_KEY_FILE"));
        }
        List<String> adminKeys = new ArrayList<>(r.list("HEARTWATCH_ADMIN_KEYS"));
        String adminKeyFile = r.string("HEARTWATCH_ADMIN_KEY_FILE", null);
        if (adminKeyFile != null) {
            adminKeys.addAll(readKeyFile(Path.of(adminKeyFile)));
        }
        String readKey = r.string("HEARTWATCH_READ_KEY", null);
        String readKeyPath = r.string("HEARTWATCH_READ_KEY_FILE", null);
        if (readKey == null && readKeyPath != null) {
            List<String> keys = readKeyFile(Path.of(readKeyPath));
            if (keys.size() != 1) {
                throw new ConfigException("HEARTWATCH_READ_KEY_FILE must hold exactly one key: " + readKeyPath);
            }
            readKey = keys.get(0);
        }
        String smtpHost = r.string("HEARTWATCH_SMTP_HOST", null);
        Smtp.Security security;
        try {
            security = Smtp.Security.valueOf(r.string("HEARTWATCH_SMTP_SECURITY", "STARTTLS").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HEARTWATCH_SMTP_SECURITY must be NONE, STARTTLS or TLS");
        }
        int defaultSmtpPort = security == Smtp.Security.TLS ? 465 : 587;
        Smtp smtp = new Smtp(smtpHost, r.integer("HEARTWATCH_SMTP_PORT", defaultSmtpPort), security,
                r.string("HEARTWATCH_SMTP_USER", null), r.string("HEARTWATCH_SMTP_PASSWORD", null),
                r.string("HEARTWATCH_MAIL_FROM", "heartwatch@localhost"), r.list("HEARTWATCH_MAIL_TO"));
        String tls = r.string("HEARTWATCH_TLS_KEYSTORE", null);
        int digestAfter = r.integer("HEARTWATCH_DIGEST_AFTER", AggregationPolicy.DEFAULT_DIGEST_AFTER);
        if (digestAfter < 1) {
            throw new ConfigException("HEARTWATCH_DIGEST_AFTER must be at least 1");
        }
        return new ServerConfig(
                r.string("HEARTWATCH_BIND", "127.0.0.1"),
                r.integer("HEARTWATCH_PORT", 7071),
                Path.of(r.string("HEARTWATCH_DB", ".heartwatch/heartwatch.db")),
                pingKeys,
                deviceKeys,
                adminKeys,
                readKey,
                r.bool("HEARTWATCH_DASHBOARD_ACTIONS", true),
                new LinkedHashSet<>(r.list("HEARTWATCH_TRUSTED_PROXIES")),
                tls == null ? null : Path.of(tls),
                r.string("HEARTWATCH_TLS_KEYSTORE_PASSWORD", ""),
                r.duration("HEARTWATCH_THRESHOLD", Duration.ofMinutes(5)),
                r.duration("HEARTWATCH_EVALUATION_FREQUENCY", Duration.ofMinutes(5)),
                r.duration("HEARTWATCH_LOOKBACK", Duration.ofDays(2)),
                r.duration("HEARTWATCH_HEARTBEAT_INTERVAL", Duration.ofMinutes(1)),
                new LinkedHashSet<>(r.list("HEARTWATCH_EXPECTED_DEVICES")),
                r.duration("HEARTWATCH_RETENTION", Duration.ofDays(400)),
                r.duration("HEARTWATCH_COOLDOWN", Duration.ofMinutes(15)),
                r.duration("HEARTWATCH_REQUEST_TIMEOUT", Duration.ofSeconds(10)),
                r.duration("HEARTWATCH_RESPONSE_TIMEOUT", Duration.ofMinutes(5)),
                r.integer("HEARTWATCH_HTTP_THREADS", 64),
                r.integer("HEARTWATCH_MAX_CONNECTIONS", 1024),
                r.integer("HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS", 32),
                r.string("HEARTWATCH_SQLITE_SYNCHRONOUS", "FULL").toUpperCase(),
                smtp,
                Path.of(r.string("HEARTWATCH_OUTBOX", ".heartwatch/outbox")),
                r.string("HEARTWATCH_WEBHOOK_URL", null),
                r.string("HEARTWATCH_ALERT_RULE", "heartwatch-silence"),
                digestAfter,
                new NewDevices(
                        r.integer("HEARTWATCH_NEW_DEVICES_PER_KEY", NewDevices.DEFAULTS.perKey()),
                        r.integer("HEARTWATCH_NEW_DEVICES_BURST", NewDevices.DEFAULTS.burst()),
                        r.integer("HEARTWATCH_NEW_DEVICES_TOTAL", NewDevices.DEFAULTS.total()),
                        r.duration("HEARTWATCH_NEW_DEVICES_WINDOW", NewDevices.DEFAULTS.window()),
                        r.duration("HEARTWATCH_WARM_UP", NewDevices.DEFAULTS.warmUp()),
                        r.integer("HEARTWATCH_WARM_UP_BEATS", NewDevices.DEFAULTS.warmUpBeats())),
                ChannelSettings.from(m),
                PairMode.read(r.string("HEARTWATCH_PAIR_ROLE", null), r.string("HEARTWATCH_STACK_NAME", null),
                        r.string("HEARTWATCH_PEER_NAME", null), r.string("HEARTWATCH_PEER_URL", null),
                        r.string("HEARTWATCH_PEER_KEY_FILE", null),
                        r.duration("HEARTWATCH_PEER_INTERVAL", Duration.ofMinutes(1))));
    }

    private static List<String> readKeyFile(Path file) {
        List<String> keys = new ArrayList<>();
        for (String line : readLines(file, "key file")) {
            String k = line.strip();
            if (!k.isEmpty() && !k.startsWith("#")) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static List<String> readLines(Path file, String what) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(what + " " + file + " " + FileProblem.text(e));
        }
    }

    public boolean tls() {
        return tlsKeystore != null;
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bindAddress + ":" + port + ", database=" + database
                + ", pingKeys=" + pingKeys.size() + ", deviceKeys=" + deviceKeys + ", adminKeys=" + adminKeys.size()
                + ", readKey=" + (readKey == null ? "unset (dashboard loopback-only)" : "set")
                + ", dashboardActions=" + dashboardActions
                + ", trustedProxies=" + trustedProxies + ", tls=" + tls()
                + ", threshold=" + threshold + ", evaluationFrequency=" + evaluationFrequency
                + ", lookback=" + lookback + ", heartbeatInterval=" + heartbeatInterval
                + ", expectedDevices=" + expectedDevices + ", retention=" + retention + ", cooldown=" + cooldown
                + ", requestTimeout=" + requestTimeout + ", responseTimeout=" + responseTimeout
                + ", maxConnections=" + maxConnections + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
                + ", synchronous=" + sqliteSynchronous
                + ", smtp=" + smtp + ", outbox=" + outbox + ", webhook=" + (webhookUrl == null ? "none" : "set")
                + ", digestAfter=" + digestAfter + ", newDevices=" + newDevices + ", channels=" + channels
                + ", pair=" + (pair == null ? "none" : pair) + "]";
    }

    /** Typed reads with messages that name the setting. */
    private record Settings(Map<String, String> m) {
        String string(String name, String def) {
            if (!SettingNames.SETTINGS.contains(name)) {
                // A setting read here but missing from the list would be refused as unknown.
                throw new IllegalStateException(name + " is read but not listed in SettingNames.SETTINGS");
            }
            String v = m.get(name);
            return v == null || v.isBlank() ? def : v.strip();
        }

        List<String> list(String name) {
            String v = string(name, null);
            List<String> out = new ArrayList<>();
            if (v != null) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.strip());
                    }
                }
            }
            return out;
        }

        boolean bool(String name, boolean def) {
            String v = string(name, null);
            if (v == null) {
                return def;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new ConfigException(name + " must be true or false");
        }

        int integer(String name, int def) {
            String v = string(name, null);
            if (v == null) {
                return def;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " must be an integer");
            }
        }

        Duration duration(String name, Duration def) {
            String v = string(name, null);
            if (v == null) {
                return def;
            }
            try {
                Duration d = Duration.parse(v);
                if (d.isNegative() || d.isZero()) {
                    throw new ConfigException(name + " must be positive: " + v);
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new ConfigException(name + " must be an ISO-8601 duration such as PT5M: " + v);
            }
        }
    }
}
