package dev.heartwatch.core.contract;

import java.util.List;

/**
 * One beat a request carries, sanitised: the single beat of §1, or one item of a batch (§1a).
 *
 * @param device     normalised, non-empty device id
 * @param state      {@code running}, {@code stopping}, {@code start} or {@code fail} (contract v2;
 *                   anything else was read as {@code running})
 * @param parent     the device this one depends on (an agent's check: the agent), or null
 * @param periodMs   the beat's own period, when it sent a valid one, else null
 * @param graceMs    the beat's own grace, when it sent a valid one, else null
 * @param durationMs the run's duration as the sender measured it, with a success or a fail, else null
 * @param exitStatus 0 to 255, with a success or a fail, else null
 */
public record BeatItem(String device, String note, Long seq, Long sentAt, String agentVersion, String state,
                       String parent, Long periodMs, Long graceMs, Long durationMs, Integer exitStatus,
                       List<OutageReport> outages) {
    public BeatItem {
        state = HeartbeatLine.state(state);
        outages = List.copyOf(outages);
    }

    public boolean stopping() {
        return HeartbeatLine.STOPPING.equals(state);
    }
}
