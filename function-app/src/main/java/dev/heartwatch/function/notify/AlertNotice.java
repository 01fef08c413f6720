package dev.heartwatch.function.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.contract.DeviceId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What Heartwatch takes from one alert notification in Azure Monitor's common alert schema, and
 * the compact queue message {@code Notify} hands to {@code NotifyDeliver} (its own little
 * contract: {@code docs/contract.md}, "The alert queue message").
 *
 * <p>The fields read, as learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 * and alerts-payload-samples ("Log search alerts V2") document them: {@code schemaId}
 * {@value #SCHEMA_ID}; {@code data.essentials.alertId}, {@code alertRule},
 * {@code monitorCondition} ({@code Fired} or {@code Resolved}), {@code firedDateTime},
 * {@code resolvedDateTime} (a Resolved only); and for a log search alert (V2), whose payload
 * carries no rows, only the dimensions: {@code data.alertContext.condition.allOf[].dimensions[]}
 * as {@code {name, value}}, of which Heartwatch's rule splits by {@value #DEVICE_DIMENSION}.
 *
 * @param alertId    Azure's alert instance id: the same for an alert's Fired and its Resolved
 * @param fired      Fired (true) or Resolved
 * @param resolvedAt null for a Fired
 */
public record AlertNotice(String alertId, String rule, String device, boolean fired, Instant firedAt, Instant resolvedAt) {
    public static final String SCHEMA_ID = "azureMonitorCommonAlertSchema";
    public static final String DEVICE_DIMENSION = "device";
    /** The queue message's version. */
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Azure's alert ids are resource ids: letters, digits and {@code / - _ . :}. */
    private static final Pattern ALERT_ID = Pattern.compile("[A-Za-z0-9/_.:-]{1,512}");
    private static final Pattern RULE = Pattern.compile("[^\\p{Cntrl}]{1,260}");

    public AlertNotice {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(firedAt, "firedAt");
        if (!fired) {
            Objects.requireNonNull(resolvedAt, "resolvedAt");
        }
        rule = rule == null ? "" : rule;
    }

    /** {@code Fired} or {@code Resolved}: the state in the dedupe key. */
    public String state() {
        return fired ? "Fired" : "Resolved";
    }

    /**
     * Reads a webhook body. Every refusal is a {@link BadAlert} whose message is ours (which field
     * is wrong), never the payload's text, so it can be logged as it is.
     */
    public static AlertNotice parse(String body) {
        if (body == null || body.isBlank()) {
            throw new BadAlert("empty body");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadAlert("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new BadAlert("not a JSON object");
        }
        if (!SCHEMA_ID.equals(root.path("schemaId").asText(null))) {
            throw new BadAlert("schemaId is not " + SCHEMA_ID + " (turn on useCommonAlertSchema for the webhook receiver)");
        }
        JsonNode essentials = root.path("data").path("essentials");
        if (!essentials.isObject()) {
            throw new BadAlert("no data.essentials");
        }
        String alertId = text(essentials, "alertId");
        if (alertId == null || !ALERT_ID.matcher(alertId).matches()) {
            throw new BadAlert("data.essentials.alertId missing or not an alert id");
        }
        String condition = text(essentials, "monitorCondition");
        boolean fired;
        if ("Fired".equals(condition)) {
            fired = true;
        } else if ("Resolved".equals(condition)) {
            fired = false;
        } else {
            throw new BadAlert("data.essentials.monitorCondition is neither Fired nor Resolved");
        }
        Instant firedAt = instant(essentials, "firedDateTime");
        if (firedAt == null) {
            throw new BadAlert("data.essentials.firedDateTime missing");
        }
        Instant resolvedAt = fired ? null : instant(essentials, "resolvedDateTime");
        if (!fired && resolvedAt == null) {
            throw new BadAlert("data.essentials.resolvedDateTime missing from a Resolved");
        }
        String rule = text(essentials, "alertRule");
        if (rule != null && !RULE.matcher(rule).matches()) {
            rule = null;
        }
        String device = device(root.path("data").path("alertContext").path("condition").path("allOf"));
        return new AlertNotice(alertId, rule, device, fired, firedAt, resolvedAt);
    }

    /** The {@value #DEVICE_DIMENSION} dimension of the (first) condition that has one. */
    private static String device(JsonNode allOf) {
        if (!allOf.isArray() || allOf.isEmpty()) {
            throw new BadAlert("data.alertContext.condition.allOf missing (not a log search alert V2?)");
        }
        for (JsonNode c : allOf) {
            for (JsonNode d : c.path("dimensions")) {
                if (DEVICE_DIMENSION.equals(d.path("name").asText(null))) {
                    String device = d.path("value").asText("");
                    if (!DeviceId.isValid(device)) {
                        throw new BadAlert("the device dimension is not a device name ([a-z0-9._-])");
                    }
                    return device;
                }
            }
        }
        throw new BadAlert("no '" + DEVICE_DIMENSION + "' dimension in data.alertContext.condition.allOf[].dimensions");
    }

    /** The compact queue message: only what {@code NotifyDeliver} needs. */
    public String toQueueMessage() {
        ObjectNode m = JSON.createObjectNode();
        m.put("v", VERSION);
        m.put("alertId", alertId);
        m.put("rule", rule);
        m.put("device", device);
        m.put("condition", state());
        m.put("firedAt", firedAt.toString());
        if (resolvedAt != null) {
            m.put("resolvedAt", resolvedAt.toString());
        }
        return m.toString();
    }

    /** Reads a queue message {@link #toQueueMessage()} wrote; a {@link BadAlert} otherwise. */
    public static AlertNotice fromQueueMessage(String message) {
        try {
            JsonNode m = JSON.readTree(message == null ? "" : message);
            if (m == null || m.path("v").asInt(-1) != VERSION) {
                throw new BadAlert("queue message of an unknown version");
            }
            String alertId = text(m, "alertId");
            String device = text(m, "device");
            String condition = text(m, "condition");
            Instant firedAt = instant(m, "firedAt");
            if (alertId == null || !ALERT_ID.matcher(alertId).matches() || device == null || !DeviceId.isValid(device)
                    || firedAt == null || !("Fired".equals(condition) || "Resolved".equals(condition))) {
                throw new BadAlert("queue message without a valid alertId, device, condition or firedAt");
            }
            boolean fired = "Fired".equals(condition);
            Instant resolvedAt = instant(m, "resolvedAt");
            if (!fired && resolvedAt == null) {
                throw new BadAlert("queue message: a Resolved without resolvedAt");
            }
            return new AlertNotice(alertId, text(m, "rule"), device, fired, firedAt, resolvedAt);
        } catch (JsonProcessingException e) {
            throw new BadAlert("queue message is not JSON");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText().strip() : null;
    }

    /** An ISO-8601 instant; Azure writes seven fractional digits and a Z. */
    private static Instant instant(JsonNode n, String field) {
        String v = text(n, field);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadAlert(field + " is not an ISO-8601 date and time");
        }
    }

    /** A payload Heartwatch cannot use; the message names the field, never quotes the payload. */
    public static final class BadAlert extends RuntimeException {
        public BadAlert(String message) {
            super(message, null, false, false);
        }
    }
}
