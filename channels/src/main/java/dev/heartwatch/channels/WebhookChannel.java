package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Posts each alert in Azure Monitor's common alert schema, as an Action Group webhook with the
 * common schema enabled would (learn.microsoft.com azure-monitor/alerts/alerts-common-schema and
 * alerts-payload-samples: {@code schemaId}, {@code data.essentials} with monitorCondition
 * Fired/Resolved, {@code data.alertContext} of a Log Alerts V2 rule with its dimensions), so a
 * receiver written for the Azure deployment works unchanged with the server.
 *
 * <p>One attempt per call ({@link ChannelHttp}: bounded by the timeout from connect to the last
 * byte of the answer, redirects not followed); the status decides the result
 * ({@link ChannelHttp#byStatus}), with the receiver's {@code Retry-After}.
 */
public final class WebhookChannel implements NotificationChannel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final ChannelHttp http;
    private final Duration threshold;
    private final Duration frequency;

    /** How long one attempt may take, connect to answer. */
    public static final Duration DEFAULT_TIMEOUT = ChannelHttp.DEFAULT_TIMEOUT;

    public WebhookChannel(URI url, Duration threshold, Duration frequency, Duration timeout, Clock clock) {
        this(url, threshold, frequency, ChannelHttp.platform(timeout, clock, List.of(url.toString())));
    }

    /** @param http the exchange, with the URL among its secrets (it may carry a key) */
    public WebhookChannel(URI url, Duration threshold, Duration frequency, ChannelHttp http) {
        this.url = url;
        this.threshold = threshold;
        this.frequency = frequency;
        this.http = http;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        HttpRequest req = http.request(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload(m, threshold, frequency), StandardCharsets.UTF_8))
                .build();
        return http.exchange(req, ChannelHttp::byStatus);
    }

    /** The common-alert-schema body for {@code m} (also what Azure's deployment documents). */
    public static String payload(AlertMessage m, Duration threshold, Duration frequency) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaId", "azureMonitorCommonAlertSchema");
        ObjectNode data = root.putObject("data");
        ObjectNode e = data.putObject("essentials");
        // One alert instance per outage: the FIRED and RESOLVED payloads share the alertId (its thread).
        e.put("alertId", "/heartwatch/alerts/" + hash(m.threadKey()));
        List<String> devices = m.digest() ? m.digestOf().shown() : List.of(m.device());
        e.put("alertRule", m.ruleName());
        e.put("severity", "Sev1");
        e.put("signalType", "Log");
        e.put("monitorCondition", m.fired() ? "Fired" : "Resolved");
        e.put("monitoringService", "Log Alerts V2");
        ArrayNode targets = e.putArray("alertTargetIDs");
        ArrayNode items = e.putArray("configurationItems");
        for (String d : devices) {
            targets.add("/heartwatch/devices/" + d);
            items.add(d);
        }
        e.put("originAlertId", m.idemKey());
        if (m.firedAt() == null) {
            e.putNull("firedDateTime");
        } else {
            e.put("firedDateTime", m.firedAt().toString());
        }
        if (m.fired() || m.resolvedAt() == null) {
            e.putNull("resolvedDateTime");
        } else {
            e.put("resolvedDateTime", m.resolvedAt().toString());
        }
        e.put("description", m.subject());
        e.put("essentialsVersion", "1.0");
        e.put("alertContextVersion", "1.0");
        ObjectNode ctx = data.putObject("alertContext");
        ctx.putNull("properties");
        ctx.put("conditionType", "LogQueryCriteria");
        ObjectNode cond = ctx.putObject("condition");
        cond.put("windowSize", threshold.toString());
        ArrayNode allOf = cond.putArray("allOf");
        ObjectNode c = allOf.addObject();
        c.put("searchQuery", "heartwatch silence rule (threshold " + threshold + ")");
        c.putNull("metricMeasureColumn");
        c.put("targetResourceTypes", "['heartwatch/devices']");
        c.put("operator", "GreaterThan");
        c.put("threshold", "0");
        c.put("timeAggregation", "Count");
        ArrayNode dims = c.putArray("dimensions");
        for (String d : devices) {
            ObjectNode dim = dims.addObject();
            dim.put("name", "device");
            dim.put("value", d);
        }
        c.put("metricValue", m.fired() ? 1 : 0);
        ObjectNode failing = c.putObject("failingPeriods");
        failing.put("numberOfEvaluationPeriods", 1);
        failing.put("minFailingPeriodsToAlert", 1);
        cond.put("windowStartTime", (m.lastSeen() != null ? m.lastSeen() : m.firedAt() != null ? m.firedAt() : m.resolvedAt()).toString());
        cond.put("windowEndTime", (m.fired() ? m.firedAt() : m.resolvedAt()).toString());
        ObjectNode custom = data.putObject("customProperties");
        custom.put("threadKey", m.threadKey());
        if (m.digest()) {
            custom.put("digest", true);
            custom.put("deviceCount", m.digestOf().total());
            ArrayNode named = custom.putArray("devices");
            m.digestOf().shown().forEach(named::add);
        } else {
            custom.put("device", m.device());
        }
        if (m.behind().total() > 0) {
            custom.put("checksBehindCount", m.behind().total());
            ArrayNode behind = custom.putArray("checksBehind");
            m.behind().shown().forEach(behind::add);
        }
        custom.put("evaluationFrequency", frequency.toString());
        if (m.outage() != null) {
            custom.put("outageStart", m.outage().start().toString());
            custom.put("outageEnd", m.outage().end() == null ? null : m.outage().end().toString());
            if (m.outage().end() != null) {
                custom.put("outageDuration", java.time.Duration.between(m.outage().start(), m.outage().end()).toString());
            }
            custom.put("outageCause", m.outage().cause());
            custom.put("outageSource", m.outage().source().name());
        }
        if (m.suppressedBefore() > 0) {
            custom.put("suppressedNotifications", m.suppressedBefore());
        }
        return root.toString();
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
