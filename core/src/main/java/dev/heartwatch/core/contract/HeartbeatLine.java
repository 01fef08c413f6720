package dev.heartwatch.core.contract;

import java.util.Objects;

/**
 * A {@code [heartbeat]} line. Optional fields are null when absent; {@code outages} is the
 * number of {@code [outage]} lines the same request wrote. {@code parent}, {@code periodMs} and
 * {@code graceMs} come from a beat that names them (an agent's check, contract §1a): the device
 * the beat depends on, and the schedule it is to be judged on when nobody registered one.
 */
public record HeartbeatLine(long ts, String device, String state, String ip, Long seq, Long sentAt,
                            Long skewMs, String agentVersion, String parent, Long periodMs, Long graceMs,
                            int outages, String note) implements ContractLine {
    public static final String RUNNING = "running";
    public static final String STOPPING = "stopping";

    public HeartbeatLine {
        Objects.requireNonNull(device, "device");
        state = STOPPING.equals(state) ? STOPPING : RUNNING;
        note = note == null || note.isEmpty() ? null : note;
        parent = parent == null || parent.isEmpty() ? null : parent;
    }

    /** A beat that names no parent and no schedule (every beat before the batch form). */
    public HeartbeatLine(long ts, String device, String state, String ip, Long seq, Long sentAt,
                         Long skewMs, String agentVersion, int outages, String note) {
        this(ts, device, state, ip, seq, sentAt, skewMs, agentVersion, null, null, null, outages, note);
    }

    public boolean stopping() {
        return STOPPING.equals(state);
    }

    @Override
    public String kind() {
        return "heartbeat";
    }
}
