package dev.heartwatch.function.notify;

import dev.heartwatch.channels.AcsEmailChannel;
import dev.heartwatch.channels.ChannelConfig;
import dev.heartwatch.channels.ChannelConfigException;
import dev.heartwatch.channels.ChannelHttp;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.rule.SilenceRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * {@code NotifyDeliver}'s settings, from the function app's app settings (names fixed with the
 * infrastructure, {@code docs/notifications.md} "In Azure"). Secrets (webhook URLs, tokens) are
 * Key Vault references in Azure, resolved by the platform into the settings read here, so the
 * code reads no vault itself. Channels are read by the channels module's {@link ChannelConfig},
 * the very parsing the server uses.
 */
public final class NotifyConfig {
    public static final String WORKSPACE_ID = "HEARTWATCH_LOGS_WORKSPACE_ID";
    public static final String LOGS_ENDPOINT = "HEARTWATCH_LOGS_ENDPOINT";
    public static final String TABLE_ENDPOINT = "HEARTWATCH_STATE_TABLE_ENDPOINT";
    public static final String TABLE = "HEARTWATCH_STATE_TABLE";
    public static final String WORKBOOK_URL = "HEARTWATCH_WORKBOOK_URL";
    public static final String THRESHOLD = "HEARTWATCH_ALERT_THRESHOLD";
    public static final String HEARTBEAT_INTERVAL = "HEARTWATCH_HEARTBEAT_INTERVAL";
    public static final String LOGS_TIMEOUT = "HEARTWATCH_LOGS_TIMEOUT";
    /** The user-assigned identity the storage connection already uses. */
    public static final String ACS_ENDPOINT = "HEARTWATCH_ACS_ENDPOINT";
    public static final String EMAIL_SENDER = "HEARTWATCH_EMAIL_SENDER";
    public static final String EMAIL_TO = "HEARTWATCH_EMAIL_TO";
    public static final String IDENTITY_CLIENT_ID = "AzureWebJobsStorage__clientId";
    /** The server's name and meaning: more than this many devices flipping together make a digest. */
    public static final String DIGEST_AFTER = "HEARTWATCH_DIGEST_AFTER";
    /** How long after its minute a window waits for the rest of a storm; {@code PT0S}: no digests, each alert alone. */
    public static final String DIGEST_GATHER = "HEARTWATCH_DIGEST_GATHER";
    /** The queue service, for the windows' delayed messages; by default the table endpoint's account. */
    public static final String QUEUE_ENDPOINT = "HEARTWATCH_QUEUE_ENDPOINT";
    static final Duration DEFAULT_DIGEST_GATHER = Duration.ofSeconds(30);
    static final Duration DEFAULT_LOGS_TIMEOUT = Duration.ofSeconds(8);
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    /**
     * Every kind of channel, by name, in delivery order. {@code chat}: the chat, push and GitHub
     * channels of {@link ChannelConfig}, each on when its settings are there.
     */
    public static final Map<String, ChannelFactory> FACTORIES;

    static {
        Map<String, ChannelFactory> f = new LinkedHashMap<>();
        f.put("chat", (settings, threads, clock, tls) -> ChannelConfig.from(settings).channels(threads, clock, tls));
        FACTORIES = Collections.unmodifiableMap(f);
    }

    private NotifyConfig() {
    }

    /** The delivery, wired from {@code settings}; {@code tls} null trusts the JDK's CAs. */
    public static NotifyDelivery delivery(Map<String, String> settings, TokenSource tokens, SSLContext tls, Clock clock) {
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            hb.sslContext(tls);
        }
        HttpClient http = hb.build();
        Duration logsTimeout = duration(settings, LOGS_TIMEOUT, DEFAULT_LOGS_TIMEOUT);
        WorkspaceLines lines = new WorkspaceLines(https(settings, LOGS_ENDPOINT, WorkspaceLines.DEFAULT_ENDPOINT),
                required(settings, WORKSPACE_ID), tokens, http, logsTimeout);
        StateTable table = new StateTable(https(settings, TABLE_ENDPOINT, null), required(settings, TABLE), tokens, http,
                Duration.ofSeconds(10));
        Duration threshold = duration(settings, THRESHOLD, null);
        Duration interval = duration(settings, HEARTBEAT_INTERVAL, DEFAULT_INTERVAL);
        SilenceRule rule;
        try {
            rule = new SilenceRule(threshold, threshold, SilenceRule.MAX_LOOKBACK, interval, Set.of());
        } catch (IllegalArgumentException e) {
            throw new ChannelConfigException(THRESHOLD + " / " + HEARTBEAT_INTERVAL + ": " + e.getMessage());
        }
        String workbook = settings.get(WORKBOOK_URL);
        if (workbook != null && !workbook.isBlank()) {
            https(settings, WORKBOOK_URL, null);
        } else {
            workbook = null;
        }
        List<NotificationChannel> channels = new ArrayList<>();
        channels.addAll(email(settings, tokens, clock, tls));
        for (ChannelFactory factory : FACTORIES.values()) {
            channels.addAll(factory.create(settings, table, clock, tls));
        }
        return new NotifyDelivery(new NotifyMessages(lines, rule, workbook), channels, table, clock,
                new CheckFolding(lines, rule), windows(settings, table, tokens, http, clock));
    }

    /**
     * The storm windows ({@link DigestWindows}), unless {@value #DIGEST_GATHER} is {@code PT0S}:
     * {@value #DIGEST_AFTER} (default {@value AggregationPolicy#DEFAULT_DIGEST_AFTER}, as the
     * server), the windows' messages on {@link dev.heartwatch.function.Notify#QUEUE} of the
     * storage account whose table is used ({@code <account>.table.<suffix>} becomes
     * {@code <account>.queue.<suffix>}), or {@value #QUEUE_ENDPOINT}.
     */
    static DigestWindows windows(Map<String, String> settings, StateTable table, TokenSource tokens, HttpClient http,
                                 Clock clock) {
        Duration gather = DEFAULT_DIGEST_GATHER;
        String g = settings.get(DIGEST_GATHER);
        if (g != null && !g.isBlank()) {
            try {
                gather = Duration.parse(g.strip());
            } catch (DateTimeParseException e) {
                throw new ChannelConfigException(DIGEST_GATHER + " must be an ISO-8601 duration such as PT30S: " + g.strip());
            }
            if (gather.isNegative() || gather.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new ChannelConfigException(DIGEST_GATHER + " must be PT0S (no digests) to PT10M: " + g.strip());
            }
        }
        if (gather.isZero()) {
            return null;
        }
        int after = AggregationPolicy.DEFAULT_DIGEST_AFTER;
        String a = settings.get(DIGEST_AFTER);
        if (a != null && !a.isBlank()) {
            try {
                after = Integer.parseInt(a.strip());
            } catch (NumberFormatException e) {
                after = 0;
            }
            if (after < 1) {
                throw new ChannelConfigException(DIGEST_AFTER + " must be at least 1");
            }
        }
        URI queueEndpoint;
        String q = settings.get(QUEUE_ENDPOINT);
        if (q != null && !q.isBlank()) {
            queueEndpoint = https(settings, QUEUE_ENDPOINT, null);
        } else {
            URI t = https(settings, TABLE_ENDPOINT, null);
            String host = t.getHost();
            int dot = host.indexOf(".table.");
            if (dot < 1) {
                throw new ChannelConfigException(QUEUE_ENDPOINT + " is not set, and " + TABLE_ENDPOINT
                        + " is not https://<account>.table.<suffix> to derive it from");
            }
            queueEndpoint = URI.create("https://" + host.substring(0, dot) + ".queue." + host.substring(dot + ".table.".length()));
        }
        return new DigestWindows(table, new StorageQueue(queueEndpoint, dev.heartwatch.function.Notify.QUEUE, tokens, http,
                Duration.ofSeconds(10)), gather, after, clock);
    }

    /**
     * Email through Azure Communication Services, keyless: on when {@value #ACS_ENDPOINT} is set
     * (infra sets it with the resource), with the sender's Azure-managed address and the
     * recipients; the identity's token for {@link AcsEmailChannel#SCOPE}.
     */
    static List<NotificationChannel> email(Map<String, String> settings, TokenSource tokens, Clock clock, SSLContext tls) {
        String endpoint = settings.get(ACS_ENDPOINT);
        if (endpoint == null || endpoint.isBlank()) {
            return List.of();
        }
        URI uri = https(settings, ACS_ENDPOINT, null);
        String sender = required(settings, EMAIL_SENDER);
        if (!sender.matches("[^@\\s]+@[^@\\s]+")) {
            throw new ChannelConfigException(EMAIL_SENDER + " must be an address such as DoNotReply@<domain>");
        }
        List<String> to = new ArrayList<>();
        for (String a : required(settings, EMAIL_TO).split(",")) {
            if (!a.isBlank()) {
                to.add(a.strip());
            }
        }
        Duration timeout = ChannelHttp.DEFAULT_TIMEOUT;
        ChannelHttp http = tls == null ? ChannelHttp.platform(timeout, clock, List.of()) : new ChannelHttp(tls, timeout, clock, List.of());
        try {
            return List.of(new AcsEmailChannel(uri, sender, to, () -> tokens.token(AcsEmailChannel.SCOPE), http));
        } catch (IllegalArgumentException e) {
            throw new ChannelConfigException(EMAIL_TO + ": " + e.getMessage());
        }
    }

    private static String required(Map<String, String> s, String name) {
        String v = s.get(name);
        if (v == null || v.isBlank()) {
            throw new ChannelConfigException(name + " is not set");
        }
        return v.strip();
    }

    private static URI https(Map<String, String> s, String name, URI fallback) {
        String v = s.get(name);
        if (v == null || v.isBlank()) {
            if (fallback == null) {
                throw new ChannelConfigException(name + " is not set");
            }
            return fallback;
        }
        try {
            URI u = new URI(v.strip());
            if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new ChannelConfigException(name + " must be an https:// URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ChannelConfigException(name + " is not a URL");
        }
    }

    private static Duration duration(Map<String, String> s, String name, Duration fallback) {
        String v = s.get(name);
        if (v == null || v.isBlank()) {
            if (fallback == null) {
                throw new ChannelConfigException(name + " is not set (an ISO-8601 duration such as PT5M)");
            }
            return fallback;
        }
        try {
            Duration d = Duration.parse(v.strip());
            if (d.isNegative() || d.isZero()) {
                throw new ChannelConfigException(name + " must be positive: " + v.strip());
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new ChannelConfigException(name + " must be an ISO-8601 duration such as PT5M: " + v.strip());
        }
    }
}
