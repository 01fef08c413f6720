package dev.heartwatch.core.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A ping request read and sanitised as contract §1, §1a and §3 define: a single beat, or a batch
 * of beats (an agent's checks). Reading never fails: a body that is not a JSON object is an empty
 * body, a field that breaks its rule is dropped, an item that names no device is skipped. Only
 * the form ({@link RequestForm#of}) and the body size ({@link #isOversized}) are the caller's to
 * check, before reading.
 *
 * @param beats the beats, in the order sent; empty for a probe
 * @param note  the probe's note, when there is no beat
 * @param ip    canonical client address, or null
 */
public record PingRequest(RequestForm form, List<BeatItem> beats, String note, String ip) {

    private static final Pattern AGENT_VERSION = Pattern.compile("[0-9A-Za-z._+-]{1,32}");
    private static final Pattern OUTAGE_ID = Pattern.compile("[0-9A-Za-z._:-]{1,64}");
    private static final Pattern CAUSE = Pattern.compile("[a-z0-9_-]{1,32}");
    // Deep or huge JSON is rejected by the parser's own limits, and then read as an empty body.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxStringLength(Limits.MAX_BATCH_BODY_BYTES)
                    .maxNumberLength(32)
                    .build())
            .build());

    public PingRequest {
        beats = List.copyOf(beats);
    }

    /** True when a single beat's body is larger than the contract allows: answer 413, write nothing. */
    public static boolean isOversized(String body) {
        return isOversized(body, RequestForm.SINGLE);
    }

    /** True when the body is larger than {@code form} allows: answer 413, write nothing. */
    public static boolean isOversized(String body, RequestForm form) {
        if (body == null) {
            return false;
        }
        int max = form.maxBodyBytes();
        // Cheap bounds first: a UTF-8 char takes 1 to 3 bytes per UTF-16 unit.
        if (body.length() > max) {
            return true;
        }
        if ((long) body.length() * 3 <= max) {
            return false;
        }
        return body.getBytes(StandardCharsets.UTF_8).length > max;
    }

    /**
     * Reads a request. The form comes from {@code header} ({@link RequestForm#of}); the caller
     * has refused an unsupported one, which reads here as an empty probe.
     *
     * @param body   the body, or null
     * @param header header lookup, case-insensitive, null when absent
     * @param query  query parameter lookup, null when absent
     * @param key    the request's key (for redaction), or null
     */
    public static PingRequest read(String body, Function<String, String> header,
                                   Function<String, String> query, String key) {
        KeyRedactor redactor = new KeyRedactor(key);
        RequestForm form = RequestForm.of(header);
        JsonNode json = form == RequestForm.UNSUPPORTED ? NullNode.getInstance() : parseObject(body);
        String ip = ClientAddress.fromHeaders(header.apply("X-Client-IP"), header.apply("X-Forwarded-For"))
                .orElse(null);
        String note = freeText(text(json.get("note")), Limits.MAX_NOTE_CODE_POINTS, redactor);
        List<BeatItem> beats = new ArrayList<>();
        if (form == RequestForm.BATCH) {
            Long sentAt = instantMillis(json.get("sentAt"));
            String agentVersion = agentVersion(json.get("agentVersion"), redactor);
            JsonNode items = json.get("items");
            for (int i = 0; items != null && items.isArray() && i < items.size() && i < Limits.MAX_BATCH_ITEMS; i++) {
                JsonNode item = items.get(i);
                if (item != null && item.isObject()) {
                    beat(item, text(item.get("device")), sentAt, agentVersion, redactor).ifPresent(beats::add);
                }
            }
        } else {
            String rawDevice = text(json.get("device"));
            if (rawDevice == null || rawDevice.isBlank()) {
                rawDevice = header.apply("X-Device");
            }
            if (rawDevice == null || rawDevice.isBlank()) {
                rawDevice = query.apply("device");
            }
            beat(json, rawDevice, null, null, redactor).ifPresent(beats::add);
        }
        return new PingRequest(form, beats, beats.isEmpty() ? note : null, ip);
    }

    /** One beat's fields, the same for a single beat and a batch's item; empty when it names no device. */
    private static Optional<BeatItem> beat(JsonNode json, String rawDevice, Long defaultSentAt, String defaultVersion,
                                           KeyRedactor redactor) {
        String device = deviceId(rawDevice, redactor);
        if (device.isEmpty()) {
            return Optional.empty();
        }
        String note = freeText(text(json.get("note")), Limits.MAX_NOTE_CODE_POINTS, redactor);
        Long seq = nonNegativeLong(json.get("seq"));
        Long sentAt = instantMillis(json.get("sentAt"));
        String agentVersion = agentVersion(json.get("agentVersion"), redactor);
        String state = HeartbeatLine.state(text(json.get("state")));
        String parent = deviceId(text(json.get("parent")), redactor);
        Long period = durationMillis(json.get("period"), Limits.MIN_PERIOD_MILLIS);
        Long grace = durationMillis(json.get("grace"), 0);
        // Contract v2: an exit status or a duration that is not an integer in range is dropped,
        // never an error (HeartbeatLine drops both with a state they do not go with).
        Long exit = boundedLong(json.get("exitStatus"), Limits.MAX_EXIT_STATUS);
        Long durationMs = boundedLong(json.get("durationMs"), Limits.MAX_RUN_DURATION_MILLIS);
        return Optional.of(new BeatItem(device, note, seq, sentAt != null ? sentAt : defaultSentAt,
                agentVersion != null ? agentVersion : defaultVersion, state,
                parent.equals(device) ? null : parent, period, grace, durationMs, exit == null ? null : exit.intValue(),
                outages(json.get("outages"), redactor)));
    }

    public boolean isProbe() {
        return beats.isEmpty();
    }

    /** The {@code 200} answer's text: {@code ok}, or {@code ok batch 1} for a batch. */
    public String answer() {
        return form.answer();
    }

    /** The lines this request writes, stamped with the receiver's clock {@code nowMillis}. */
    public List<ContractLine> lines(long nowMillis) {
        if (isProbe()) {
            return List.of(new ProbeLine(nowMillis, ip, note));
        }
        List<ContractLine> lines = new ArrayList<>();
        for (BeatItem b : beats) {
            Long skew = b.sentAt() == null ? null : nowMillis - b.sentAt();
            lines.add(new HeartbeatLine(nowMillis, b.device(), b.state(),
                    ip, b.seq(), b.sentAt(), skew, b.agentVersion(), b.parent(), b.periodMs(), b.graceMs(),
                    b.durationMs(), b.exitStatus(), b.outages().size(), b.note()));
            for (OutageReport o : b.outages()) {
                lines.add(new OutageLine(nowMillis, b.device(), o.id(), o.start(), o.end(), o.cause(), skew, o.detail()));
            }
        }
        return lines;
    }

    private static String agentVersion(JsonNode node, KeyRedactor redactor) {
        String v = text(node);
        return v == null || !AGENT_VERSION.matcher(v).matches() || redactor.contains(v) ? null : v;
    }

    /** An ISO-8601 duration ({@code PT1M}) within [min, 400 days], in milliseconds; else null. */
    static Long durationMillis(JsonNode node, long min) {
        String t = text(node);
        if (t == null || t.length() > 40) {
            return null;
        }
        try {
            long ms = Duration.parse(t).toMillis();
            return ms >= min && ms <= Limits.MAX_SCHEDULE_MILLIS ? ms : null;
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    private static JsonNode parseObject(String body) {
        if (body == null || body.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : NullNode.getInstance();
        } catch (Exception e) {
            // The original agent's behaviour: malformed JSON is an empty body, not an error.
            return NullNode.getInstance();
        }
    }

    private static String deviceId(String raw, KeyRedactor redactor) {
        if (raw == null) {
            return "";
        }
        String id = DeviceId.normalize(redactor.redact(raw));
        if (redactor.contains(id)) {
            return "";
        }
        String key = redactor.key();
        if (key != null) {
            String normalisedKey = DeviceId.normalize(key);
            if (normalisedKey.length() >= Limits.MIN_REDACTABLE_KEY_CHARS && id.contains(normalisedKey)) {
                return "";
            }
        }
        return id;
    }

    private static String freeText(String raw, int max, KeyRedactor redactor) {
        if (raw == null) {
            return null;
        }
        String text = FreeText.clean(redactor.redact(raw), max);
        // Cleaning can join text across removed characters; check once more.
        return redactor.contains(text) ? FreeText.clean(redactor.redact(text), max) : text;
    }

    private static List<OutageReport> outages(JsonNode array, KeyRedactor redactor) {
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<OutageReport> out = new ArrayList<>();
        for (int i = 0; i < array.size() && i < Limits.MAX_OUTAGES_PER_REQUEST; i++) {
            outage(array.get(i), redactor).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<OutageReport> outage(JsonNode node, KeyRedactor redactor) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        String id = text(node.get("id"));
        Long start = instantMillis(node.get("start"));
        Long end = instantMillis(node.get("end"));
        if (id == null || !OUTAGE_ID.matcher(id).matches() || redactor.contains(id)
                || start == null || end == null || end < start || end - start > Limits.MAX_OUTAGE_MILLIS) {
            return Optional.empty();
        }
        String cause = text(node.get("cause"));
        cause = cause == null ? "" : cause.toLowerCase(Locale.ROOT);
        if (!CAUSE.matcher(cause).matches() || redactor.contains(cause)) {
            cause = "unknown";
        }
        String detail = freeText(text(node.get("detail")), Limits.MAX_DETAIL_CODE_POINTS, redactor);
        return Optional.of(new OutageReport(id, start, end, cause, detail));
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static Long nonNegativeLong(JsonNode node) {
        if (node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return node.longValue();
        }
        return null;
    }

    /** A JSON integer (not a float, not a string) from 0 to {@code max}; else null. */
    private static Long boundedLong(JsonNode node, long max) {
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
            long v = node.longValue();
            return v >= 0 && v <= max ? v : null;
        }
        return null;
    }

    /** Epoch milliseconds or an ISO-8601 instant, within the plausible range; else null. */
    static Long instantMillis(JsonNode node) {
        Long millis = null;
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
            millis = node.longValue();
        } else if (node != null && node.isTextual() && node.textValue().length() <= 40) {
            try {
                millis = Instant.parse(node.textValue()).toEpochMilli();
            } catch (DateTimeException e) {
                try {
                    millis = OffsetDateTime.parse(node.textValue()).toInstant().toEpochMilli();
                } catch (DateTimeException | ArithmeticException e2) {
                    millis = null;
                }
            } catch (ArithmeticException e) {
                millis = null;
            }
        }
        if (millis == null || millis < Limits.MIN_EPOCH_MILLIS || millis >= Limits.MAX_EPOCH_MILLIS) {
            return null;
        }
        return millis;
    }
}
