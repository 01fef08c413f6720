package dev.heartwatch.core.contract;

import java.util.Objects;

/**
 * A {@code [heartbeat]} line. Optional fields are null when absent; {@code outages} is the
 * number of {@code [outage]} lines the same request wrote. {@code parent}, {@code periodMs} and
 * {@code graceMs} come from a beat that names them (an agent's check, contract §1a): the device
 * the beat depends on, and the schedule it is to be judged on when nobody registered one.
 *
 * <p>Contract v2 (issue 16 §5): {@code state} is one of {@link #RUNNING} (a success),
 * {@link #STOPPING}, {@link #START} (a run begins) and {@link #FAIL} (a run failed);
 * {@code durationMs} and {@code exitStatus} come with a success or a fail only, and only in
 * range (else they are null: a receiver drops them, never refuses the beat).
 */
public record HeartbeatLine(long ts, String device, String state, String ip, Long seq, Long sentAt,
                            Long skewMs, String agentVersion, String parent, Long periodMs, Long graceMs,
                            Long durationMs, Integer exitStatus, int outages, String note) implements ContractLine {
    public static final String RUNNING = "running";
    public static final String STOPPING = "stopping";
    /** Contract v2: a run begins. */
    public static final String START = "start";
    /** Contract v2: a run failed. */
    public static final String FAIL = "fail";

    public HeartbeatLine {
        Objects.requireNonNull(device, "device");
        state = state(state);
        note = note == null || note.isEmpty() ? null : note;
        parent = parent == null || parent.isEmpty() ? null : parent;
        boolean measured = RUNNING.equals(state) || FAIL.equals(state);
        durationMs = measured && validDuration(durationMs) ? durationMs : null;
        exitStatus = measured && validExitStatus(exitStatus) ? exitStatus : null;
    }

    /** A v1 beat: no run duration, no exit status. */
    public HeartbeatLine(long ts, String device, String state, String ip, Long seq, Long sentAt,
                         Long skewMs, String agentVersion, String parent, Long periodMs, Long graceMs,
                         int outages, String note) {
        this(ts, device, state, ip, seq, sentAt, skewMs, agentVersion, parent, periodMs, graceMs, null, null, outages, note);
    }

    /** A beat that names no parent and no schedule (every beat before the batch form). */
    public HeartbeatLine(long ts, String device, String state, String ip, Long seq, Long sentAt,
                         Long skewMs, String agentVersion, int outages, String note) {
        this(ts, device, state, ip, seq, sentAt, skewMs, agentVersion, null, null, null, outages, note);
    }

    /**
     * The contract's reading of a sent {@code state}: exactly {@code stopping}, {@code start} or
     * {@code fail} (case-sensitive), else {@code running}.
     */
    public static String state(String sent) {
        if (STOPPING.equals(sent)) {
            return STOPPING;
        }
        if (START.equals(sent)) {
            return START;
        }
        if (FAIL.equals(sent)) {
            return FAIL;
        }
        return RUNNING;
    }

    static boolean validDuration(Long ms) {
        return ms != null && ms >= 0 && ms <= Limits.MAX_RUN_DURATION_MILLIS;
    }

    static boolean validExitStatus(Integer status) {
        return status != null && status >= 0 && status <= Limits.MAX_EXIT_STATUS;
    }

    public boolean stopping() {
        return STOPPING.equals(state);
    }

    /** A success ({@code running}): what closes a run and resolves a fail. */
    public boolean success() {
        return RUNNING.equals(state);
    }

    public boolean start() {
        return START.equals(state);
    }

    public boolean fail() {
        return FAIL.equals(state);
    }

    @Override
    public String kind() {
        return "heartbeat";
    }
}
