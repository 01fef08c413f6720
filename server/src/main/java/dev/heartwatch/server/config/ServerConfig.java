package dev.heartwatch.server.config;

import dev.heartwatch.common.DotEnv;
import dev.heartwatch.core.notify.AggregationPolicy;
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
 */
public record ServerConfig(
        String bindAddress,
        int port,
        Path database,
        List<String> pingKeys,
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
        String sqliteSynchronous,
        Smtp smtp,
        Path outbox,
        String webhookUrl,
        String alertRuleName,
        int digestAfter,
        ChannelSettings channels) {

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
        adminKeys = List.copyOf(adminKeys);
        trustedProxies = Set.copyOf(trustedProxies);
        expectedDevices = Set.copyOf(expectedDevices);
        if (port < 0 || port > 65535) {
            throw new ConfigException("HEARTWATCH_PORT must be 0..65535: " + port);
        }
        if (httpThreads < 1) {
            throw new ConfigException("HEARTWATCH_HTTP_THREADS must be at least 1");
        }
        if (readKey != null && !readKey.matches(READ_KEY_PATTERN)) {
            // It travels in a URL and a cookie (the dashboard), so it keeps to characters neither escapes.
            throw new ConfigException("HEARTWATCH_READ_KEY must be 16-256 characters of [A-Za-z0-9._~-] "
                    + "(e.g. openssl rand -hex 24)");
        }
        if (readKey != null && (pingKeys.contains(readKey) || adminKeys.contains(readKey))) {
            // A read key goes to browsers and report scripts; it must not also send beats or retire devices.
            throw new ConfigException("HEARTWATCH_READ_KEY must differ from every ping and admin key");
        }
        if (!Set.of("FULL", "NORMAL", "EXTRA").contains(sqliteSynchronous)) {
            throw new ConfigException("HEARTWATCH_SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL");
        }
    }

    /** What {@code DashboardAccess.readKey} accepts. */
    static final String READ_KEY_PATTERN = "[A-Za-z0-9._~-]{16,256}";

    /** The configuration file named by {@code HEARTWATCH_CONFIG}, else none. */
    public static ServerConfig load(Map<String, String> env) {
        String file = env.get("HEARTWATCH_CONFIG");
        return from(env, file == null || file.isBlank() ? null : Path.of(file));
    }

    /** Reads {@code file} (may be null or absent only when not named explicitly) and applies {@code env} over it. */
    public static ServerConfig from(Map<String, String> env, Path file) {
        Map<String, String> merged = new HashMap<>();
        if (file != null) {
            merged.putAll(readFile(file, env));
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
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getClass().getSimpleName());
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
                r.string("HEARTWATCH_SQLITE_SYNCHRONOUS", "FULL").toUpperCase(),
                smtp,
                Path.of(r.string("HEARTWATCH_OUTBOX", ".heartwatch/outbox")),
                r.string("HEARTWATCH_WEBHOOK_URL", null),
                r.string("HEARTWATCH_ALERT_RULE", "heartwatch-silence"),
                digestAfter,
                ChannelSettings.from(m));
    }

    private static List<String> readKeyFile(Path file) {
        try {
            List<String> keys = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String k = line.strip();
                if (!k.isEmpty() && !k.startsWith("#")) {
                    keys.add(k);
                }
            }
            return keys;
        } catch (IOException e) {
            throw new ConfigException("cannot read key file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    public boolean tls() {
        return tlsKeystore != null;
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bindAddress + ":" + port + ", database=" + database
                + ", pingKeys=" + pingKeys.size() + ", adminKeys=" + adminKeys.size()
                + ", readKey=" + (readKey == null ? "unset (dashboard loopback-only)" : "set")
                + ", dashboardActions=" + dashboardActions
                + ", trustedProxies=" + trustedProxies + ", tls=" + tls()
                + ", threshold=" + threshold + ", evaluationFrequency=" + evaluationFrequency
                + ", lookback=" + lookback + ", heartbeatInterval=" + heartbeatInterval
                + ", expectedDevices=" + expectedDevices + ", retention=" + retention + ", cooldown=" + cooldown
                + ", requestTimeout=" + requestTimeout + ", responseTimeout=" + responseTimeout + ", synchronous=" + sqliteSynchronous
                + ", smtp=" + smtp + ", outbox=" + outbox + ", webhook=" + (webhookUrl == null ? "none" : "set")
                + ", digestAfter=" + digestAfter + ", channels=" + channels + "]";
    }

    /** Typed reads with messages that name the setting. */
    private record Settings(Map<String, String> m) {
        String string(String name, String def) {
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
