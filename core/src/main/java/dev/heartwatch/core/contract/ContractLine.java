package dev.heartwatch.core.contract;

/** One line {@code Ping} writes: {@code [tag] {json}} (contract §2). */
public sealed interface ContractLine permits HeartbeatLine, OutageLine, ProbeLine {
    /**
     * Contract version written in every line's {@code v} field: 2 since issue 16 §5 (the
     * {@code start} and {@code fail} states, {@code durationMs}, {@code exitStatus}).
     */
    int VERSION = 2;

    /** The oldest version a reader still accepts: every reader takes v1 and v2 lines. */
    int OLDEST_READ_VERSION = 1;

    /** The receiver's clock when the line was written, epoch milliseconds. */
    long ts();

    /** {@code heartbeat}, {@code outage} or {@code probe}. */
    String kind();
}
