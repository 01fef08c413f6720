package dev.heartwatch.server.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Posts each alert in Azure Monitor's common alert schema, as an Action Group webhook with the
 * common schema enabled would (learn.microsoft.com azure-monitor/alerts/alerts-common-schema and
 * alerts-payload-samples: {@code schemaId}, {@code data.essentials} with monitorCondition
 * Fired/Resolved, {@code data.alertContext} of a Log Alerts V2 rule with its dimensions), so a
 * receiver written for the Azure deployment works unchanged with the server.
 */
public final class WebhookChannel implements NotificationChannel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final HttpClient client;
    private final Duration threshold;
    private final Duration frequency;

    public WebhookChannel(URI url, Duration threshold, Duration frequency) {
        this.url = url;
        this.threshold = threshold;
        this.frequency = frequency;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void deliver(AlertMessage m) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload(m, threshold, frequency), StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> res = client.send(req, HttpResponse.BodyHandlers.discarding());
        if (res.statusCode() / 100 != 2) {
            throw new IOException("webhook answered HTTP " + res.statusCode());
        }
    }

    static String payload(AlertMessage m, Duration threshold, Duration frequency) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaId", "azureMonitorCommonAlertSchema");
        ObjectNode data = root.putObject("data");
        ObjectNode e = data.putObject("essentials");
        // One alert instance per outage: the FIRED and RESOLVED payloads share the alertId.
        String instance = m.device() + ":" + (m.firedAt() == null ? m.idemKey() : m.firedAt().toEpochMilli());
        e.put("alertId", "/heartwatch/alerts/" + hash(instance));
        e.put("alertRule", m.ruleName());
        e.put("severity", "Sev1");
        e.put("signalType", "Log");
        e.put("monitorCondition", m.fired() ? "Fired" : "Resolved");
        e.put("monitoringService", "Log Alerts V2");
        e.putArray("alertTargetIDs").add("/heartwatch/devices/" + m.device());
        e.putArray("configurationItems").add(m.device());
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
        ObjectNode dim = dims.addObject();
        dim.put("name", "device");
        dim.put("value", m.device());
        c.put("metricValue", m.fired() ? 1 : 0);
        ObjectNode failing = c.putObject("failingPeriods");
        failing.put("numberOfEvaluationPeriods", 1);
        failing.put("minFailingPeriodsToAlert", 1);
        cond.put("windowStartTime", (m.lastSeen() != null ? m.lastSeen() : m.firedAt() != null ? m.firedAt() : m.resolvedAt()).toString());
        cond.put("windowEndTime", (m.fired() ? m.firedAt() : m.resolvedAt()).toString());
        ObjectNode custom = data.putObject("customProperties");
        custom.put("device", m.device());
        custom.put("evaluationFrequency", frequency.toString());
        if (m.outage() != null) {
            custom.put("outageStart", m.outage().start().toString());
            custom.put("outageEnd", m.outage().end() == null ? null : m.outage().end().toString());
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
