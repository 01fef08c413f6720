package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import java.util.Objects;

/**
 * One line exactly as {@code Ping} logged it (what the Functions host sends to {@code traces}),
 * with the columns the store indexes it by.
 *
 * @param text     the logged message, unchanged
 * @param ts       receiver time, epoch ms ({@code ts} of the line, else when it was captured)
 * @param kind     {@code heartbeat}, {@code outage}, {@code probe}, or {@code log} for anything else
 * @param device   the line's device, null for probes and other messages
 * @param stopping a heartbeat that said {@code stopping}
 */
public record StoredLine(String text, long ts, String kind, String device, boolean stopping) {

    public StoredLine {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
    }

    private static final String HEARTBEAT_PREFIX = "[heartbeat] {\"v\":1,\"ts\":";
    private static final String DEVICE_FIELD = ",\"device\":\"";
    private static final String STATE_FIELD = ",\"state\":\"";

    /**
     * Classifies a captured message. A heartbeat line, the hot path, is read by its fixed
     * prefix (the contract fixes the field order, and a device id never holds a quote or a
     * backslash); everything else is decoded with the contract's codec.
     */
    public static StoredLine of(String text, long capturedAtMillis) {
        StoredLine fast = heartbeatPrefix(text);
        if (fast != null) {
            return fast;
        }
        try {
            ContractLine line = LineCodec.decode(text);
            if (line instanceof HeartbeatLine h) {
                return new StoredLine(text, h.ts(), "heartbeat", h.device(), h.stopping());
            }
            if (line instanceof OutageLine o) {
                return new StoredLine(text, o.ts(), "outage", o.device(), false);
            }
            if (line instanceof ProbeLine p) {
                return new StoredLine(text, p.ts(), "probe", null, false);
            }
        } catch (MalformedLineException | RuntimeException e) {
            // Not a contract line (e.g. Ping's own warning): kept as a plain log message.
        }
        return new StoredLine(text, capturedAtMillis, "log", null, false);
    }

    /** {@code [heartbeat] {"v":1,"ts":N,"device":"D","state":"S"...}, or null if the line is not that. */
    static StoredLine heartbeatPrefix(String text) {
        if (!text.startsWith(HEARTBEAT_PREFIX)) {
            return null;
        }
        int i = HEARTBEAT_PREFIX.length();
        long ts = 0;
        int digits = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i)) && digits < 18) {
            ts = ts * 10 + (text.charAt(i++) - '0');
            digits++;
        }
        if (digits == 0 || !text.startsWith(DEVICE_FIELD, i)) {
            return null;
        }
        int deviceStart = i + DEVICE_FIELD.length();
        int deviceEnd = text.indexOf('"', deviceStart);
        if (deviceEnd <= deviceStart || text.lastIndexOf('\\', deviceEnd) >= deviceStart
                || !text.startsWith(STATE_FIELD, deviceEnd + 1)) {
            return null;
        }
        String device = text.substring(deviceStart, deviceEnd);
        boolean stopping = text.startsWith("stopping\"", deviceEnd + 1 + STATE_FIELD.length());
        return new StoredLine(text, ts, "heartbeat", device, stopping);
    }
}
