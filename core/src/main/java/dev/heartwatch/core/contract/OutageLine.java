package dev.heartwatch.core.contract;

import java.util.Objects;

/**
 * An {@code [outage]} line: one outage the agent lived through, in the agent's clock, carried by
 * a heartbeat whose receiver time is {@code ts}. Consumers drop duplicates on (device, id).
 */
public record OutageLine(long ts, String device, String id, long start, long end, String cause,
                         Long skewMs, String detail) implements ContractLine {
    public OutageLine {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(id, "id");
        cause = cause == null || cause.isEmpty() ? "unknown" : cause;
        detail = detail == null || detail.isEmpty() ? null : detail;
    }

    public long durationMs() {
        return end - start;
    }

    @Override
    public String kind() {
        return "outage";
    }
}
