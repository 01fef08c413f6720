package dev.heartwatch.server.dashboard;

import java.time.Instant;
import java.util.Objects;

/**
 * One client address that sent probes (pings without a device name) and no heartbeat in a
 * window: what the dashboard's banner "did the agent forget HEARTBEAT_DEVICE?" shows.
 *
 * @param ip     the client address, as the contract stores it
 * @param probes how many probes it sent in the window
 * @param last   when the last one arrived
 */
public record ProbeWarning(String ip, long probes, Instant last) {
    public ProbeWarning {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(last, "last");
    }
}
