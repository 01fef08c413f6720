package dev.heartwatch.server.config;

import dev.heartwatch.common.EditDistance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names {@code heartwatch-server} reads, and the refusal of a name that is meant to be one
 * of them but is not: a typo must stop the start, not leave a default silently in force
 * ({@code HEARTWATCH_TRESHOLD=PT5S} used to run with the five-minute default).
 *
 * <ul>
 *   <li>In the configuration file every name must be a setting: the file is the server's own.
 *   <li>In the environment, only a near miss of a setting (at most {@link #NEAR_MISS} edits,
 *       any case) is refused. Other variables, {@code HEARTWATCH_*} ones included, belong to
 *       someone else: the scripts' own ({@link #SCRIPT_VARIABLES}) are named so that one of
 *       them is never mistaken for a typo, whatever settings are added later.
 * </ul>
 */
final class SettingNames {
    private SettingNames() {
    }

    /** Every setting (docs/server.md, "Configuration"). */
    static final Set<String> SETTINGS = withChannels(Set.of(
            "HEARTWATCH_CONFIG",
            "HEARTWATCH_BIND", "HEARTWATCH_PORT",
            "HEARTWATCH_KEYS", "HEARTWATCH_KEY_FILE",
            "HEARTWATCH_DEVICE_KEYS", "HEARTWATCH_DEVICE_KEY_FILE",
            "HEARTWATCH_ADMIN_KEYS", "HEARTWATCH_ADMIN_KEY_FILE",
            "HEARTWATCH_READ_KEY", "HEARTWATCH_READ_KEY_FILE",
            "HEARTWATCH_DASHBOARD_ACTIONS", "HEARTWATCH_TRUSTED_PROXIES",
            "HEARTWATCH_TLS_KEYSTORE", "HEARTWATCH_TLS_KEYSTORE_PASSWORD",
            "HEARTWATCH_REQUEST_TIMEOUT", "HEARTWATCH_RESPONSE_TIMEOUT", "HEARTWATCH_HTTP_THREADS",
            "HEARTWATCH_MAX_CONNECTIONS", "HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS",
            "HEARTWATCH_DB", "HEARTWATCH_RETENTION", "HEARTWATCH_SQLITE_SYNCHRONOUS",
            "HEARTWATCH_THRESHOLD", "HEARTWATCH_EVALUATION_FREQUENCY", "HEARTWATCH_LOOKBACK",
            "HEARTWATCH_HEARTBEAT_INTERVAL", "HEARTWATCH_EXPECTED_DEVICES", "HEARTWATCH_COOLDOWN", "HEARTWATCH_DIGEST_AFTER",
            "HEARTWATCH_NEW_DEVICES_PER_KEY", "HEARTWATCH_NEW_DEVICES_BURST", "HEARTWATCH_NEW_DEVICES_TOTAL",
            "HEARTWATCH_NEW_DEVICES_WINDOW", "HEARTWATCH_WARM_UP", "HEARTWATCH_WARM_UP_BEATS",
            "HEARTWATCH_SMTP_HOST", "HEARTWATCH_SMTP_PORT", "HEARTWATCH_SMTP_SECURITY",
            "HEARTWATCH_SMTP_USER", "HEARTWATCH_SMTP_PASSWORD",
            "HEARTWATCH_MAIL_FROM", "HEARTWATCH_MAIL_TO", "HEARTWATCH_OUTBOX",
            "HEARTWATCH_WEBHOOK_URL", "HEARTWATCH_ALERT_RULE",
            // Pair mode (issue 18 section 5, PairMode).
            "HEARTWATCH_STACK_NAME", "HEARTWATCH_PAIR_ROLE", "HEARTWATCH_PEER_NAME", "HEARTWATCH_PEER_URL",
            "HEARTWATCH_PEER_KEY_FILE", "HEARTWATCH_PEER_INTERVAL"));

    /** The channels' settings are listed where they are read ({@link ChannelSettings#NAMES}). */
    private static Set<String> withChannels(Set<String> server) {
        Set<String> all = new java.util.HashSet<>(server);
        all.addAll(ChannelSettings.NAMES);
        return Set.copyOf(all);
    }

    /**
     * {@code HEARTWATCH_*} variables of the repository's scripts, workflows and tests, not of the
     * server: never refused, even if a future setting comes within a near miss of one
     * ({@code SettingNamesTest} finds every such name in the repository and holds this list to it).
     * The last line: the function app's own app settings ({@code NotifyDeliver}'s, read by
     * function-app's {@code NotifyConfig}), which the server never reads.
     */
    static final Set<String> SCRIPT_VARIABLES = Set.of(
            "HEARTWATCH_SESSION", "HEARTWATCH_PYTHON", "HEARTWATCH_BENCH_KEY", "HEARTWATCH_CHROMIUM",
            "HEARTWATCH_SEEDS_DIR", "HEARTWATCH_AGENT_JAR", "HEARTWATCH_AGENT_ARCHIVE", "HEARTWATCH_CLI",
            "HEARTWATCH_ALERT_EMAIL", "HEARTWATCH_ALERT_EMAILS", "HEARTWATCH_HOSTING_PLAN",
            "HEARTWATCH_PACKAGE_URL", "HEARTWATCH_NAME_PREFIX",
            "HEARTWATCH_LOGS_WORKSPACE_ID", "HEARTWATCH_LOGS_ENDPOINT", "HEARTWATCH_LOGS_TIMEOUT", "HEARTWATCH_STATE_TABLE_ENDPOINT",
            "HEARTWATCH_STATE_TABLE", "HEARTWATCH_WORKBOOK_URL", "HEARTWATCH_ALERT_THRESHOLD",
            "HEARTWATCH_ACS_ENDPOINT", "HEARTWATCH_EMAIL_SENDER", "HEARTWATCH_EMAIL_TO",
            "HEARTWATCH_ACTION_GROUP_EMAIL", "HEARTWATCH_CHANNEL_SECRETS",
            // NotifyDeliver's storm windows (HEARTWATCH_DIGEST_AFTER is the server's setting too).
            "HEARTWATCH_DIGEST_GATHER", "HEARTWATCH_QUEUE_ENDPOINT",
            // The function app's StackBeat timer (issue 18): the peer stack's StackPing and its key.
            "HEARTWATCH_PEER_PING_URL", "HEARTWATCH_PEER_KEY",
            // The secondary stack's region for azd (main.parameters.json, azure.yaml's hooks) and
            // the deploy workflow's repository variable (issue 18, docs/regions.md).
            "HEARTWATCH_SECONDARY_LOCATION",
            // scripts/heartwatch-run.sh's own (docs/cron.md).
            "HEARTWATCH_ENV_FILE", "HEARTWATCH_RUN_DEVICE", "HEARTWATCH_RUN_SEND_LIMIT",
            // The CLI's admin key for `heartwatch devices --server` (never the server's own setting).
            "HEARTWATCH_ADMIN_KEY");

    /** Edits within which an environment variable is taken for a mistyped setting. */
    static final int NEAR_MISS = 2;

    /** Edits within which a wrong name in the file gets a suggestion. */
    private static final int SUGGESTION = 4;

    /** Refuses every name in the configuration file that is not a setting. */
    static void checkFile(Path file, Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        for (String name : values.keySet()) {
            if (name.equals("HEARTWATCH_CONFIG")) {
                problems.add("HEARTWATCH_CONFIG names this file; set it in the environment");
            } else if (!SETTINGS.contains(name)) {
                problems.add(unknown(name, SUGGESTION));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("configuration file " + file + ": " + String.join("; ", problems)
                    + " (every setting: server/heartwatch-server.example.properties, docs/server.md)");
        }
    }

    /** Refuses the environment's near misses of a setting; anything else there is left alone. */
    static void checkEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        for (String name : env.keySet()) {
            if (SETTINGS.contains(name) || SCRIPT_VARIABLES.contains(name)) {
                continue;
            }
            if (nearest(name, NEAR_MISS).isPresent()) {
                problems.add(unknown(name, NEAR_MISS));
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(null); // the environment has no order of its own; the message should
            throw new ConfigException("environment: " + String.join("; ", problems));
        }
    }

    private static String unknown(String name, int within) {
        String shown = printable(name);
        Optional<String> suggestion = nearest(name, within);
        if (suggestion.isEmpty()) {
            return shown + " is not a setting";
        }
        String upper = name.toUpperCase(Locale.ROOT);
        return shown + " is not a setting; did you mean " + suggestion.get() + "?"
                + (upper.equals(suggestion.get()) ? " (names are upper case)" : "");
    }

    /** Case-blind: {@code heartwatch_port} is as much a slip as {@code HEARTWATCH_PROT}. */
    private static Optional<String> nearest(String name, int within) {
        String upper = name.toUpperCase(Locale.ROOT);
        // The longest setting is 36 characters: a far longer name cannot be near, and is not
        // worth a quadratic comparison.
        if (upper.length() > 64) {
            return Optional.empty();
        }
        return EditDistance.closest(upper, SETTINGS.stream().sorted().toList(), within);
    }

    /** A name from a file or the environment, safe to print: no control characters, bounded. */
    static String printable(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && b.length() < 64; i++) {
            char c = name.charAt(i);
            b.append(c >= 0x21 && c <= 0x7e ? c : '?');
        }
        return name.length() > 64 ? b + "..." : b.toString();
    }
}
