package dev.heartwatch.core.contract;

import java.util.List;

/**
 * One beat a request carries, sanitised: the single beat of §1, or one item of a batch (§1a).
 *
 * @param device   normalised, non-empty device id
 * @param parent   the device this one depends on (an agent's check: the agent), or null
 * @param periodMs the beat's own period, when it sent a valid one, else null
 * @param graceMs  the beat's own grace, when it sent a valid one, else null
 */
public record BeatItem(String device, String note, Long seq, Long sentAt, String agentVersion, boolean stopping,
                       String parent, Long periodMs, Long graceMs, List<OutageReport> outages) {
    public BeatItem {
        outages = List.copyOf(outages);
    }
}
