package dev.heartwatch.server.store;

import java.time.Instant;

/**
 * A client address that sent probes (requests without a device) in a window and no heartbeat.
 *
 * @param ip     the address as stored (the contract's sanitised client address)
 * @param probes probes from it in the window
 * @param last   its last probe's receiver time
 */
public record ProbeSender(String ip, long probes, Instant last) {
}
