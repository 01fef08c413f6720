package dev.heartwatch.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;

/**
 * A device's operator decisions after a mute, unmute, retire or unretire: the one answer of the
 * admin API and the dashboard's routes alike (docs/dashboard.md, "API"), rendered here once.
 *
 * @param mutedUntil when its mute ends; {@code null} when it is not muted now
 * @param retiredAt  when it was retired; {@code null} when it is not retired
 */
public record AdminState(String device, Instant mutedUntil, Instant retiredAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public AdminState {
        Objects.requireNonNull(device, "device");
    }

    /** The state the store holds for {@code device} at {@code now} (a mute that ended is none). */
    static AdminState of(String device, DeviceRecord r, Instant now) {
        return r == null ? new AdminState(device, null, null)
                : new AdminState(device, r.mutedAt(now) ? r.mutedUntil() : null, r.retiredAt());
    }

    /**
     * {@code {"device":"home-pi","mutedUntil":"2026-11-01T01:00:00Z","retiredAt":null}}: ISO-8601
     * instants or {@code null}, in this order.
     */
    public byte[] json() {
        ObjectNode n = JSON.createObjectNode();
        n.put("device", device);
        n.put("mutedUntil", mutedUntil == null ? null : mutedUntil.toString());
        n.put("retiredAt", retiredAt == null ? null : retiredAt.toString());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always serialises
        }
    }
}
