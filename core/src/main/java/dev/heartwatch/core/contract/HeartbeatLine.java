package dev.heartwatch.core.contract;

import java.util.Objects;

/**
 * A {@code [heartbeat]} line. Optional fields are null when absent; {@code outages} is the
 * number of {@code [outage]} lines the same request wrote.
 */
public record HeartbeatLine(long ts, String device, String state, String ip, Long seq, Long sentAt,
                            Long skewMs, String agentVersion, int outages, String note) implements ContractLine {
    public static final String RUNNING = "running";
    public static final String STOPPING = "stopping";

    public HeartbeatLine {
        Objects.requireNonNull(device, "device");
        state = STOPPING.equals(state) ? STOPPING : RUNNING;
        note = note == null || note.isEmpty() ? null : note;
    }

    public boolean stopping() {
        return STOPPING.equals(state);
    }

    @Override
    public String kind() {
        return "heartbeat";
    }
}
