package dev.heartwatch.agent.check;

/** What one check kind does against its target, once. */
public interface Probe {
    /**
     * Probes the target once, returning by the deadline (a target that hangs is cut there).
     * Never throws: every fault is a failed result with its cause.
     */
    ProbeResult run(Deadline deadline);

    /** The target as the configuration named it, credentials redacted (for logs). */
    String target();

    /** Releases what the probe keeps between runs (an icmp check's {@code ping}); most keep nothing. */
    default void close() {
    }
}
