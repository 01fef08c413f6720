package dev.heartwatch.core.contract;

/** One line {@code Ping} writes: {@code [tag] {json}} (contract §2). */
public sealed interface ContractLine permits HeartbeatLine, OutageLine, ProbeLine {
    /** Contract version written in every line's {@code v} field. */
    int VERSION = 1;

    /** The receiver's clock when the line was written, epoch milliseconds. */
    long ts();

    /** {@code heartbeat}, {@code outage} or {@code probe}. */
    String kind();
}
