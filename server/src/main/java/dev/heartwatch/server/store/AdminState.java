package dev.heartwatch.server.store;

import java.nio.charset.StandardCharsets;
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
     * instants or {@code null}. A device id is {@code [a-z0-9._-]} (checked before any write), so
     * nothing in it needs escaping.
     */
    public byte[] json() {
        return ("{\"device\":\"" + device + "\",\"mutedUntil\":" + quoted(mutedUntil) + ",\"retiredAt\":" + quoted(retiredAt) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String quoted(Instant at) {
        return at == null ? "null" : "\"" + at + "\"";
    }
}
