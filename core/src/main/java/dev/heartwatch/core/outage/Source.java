package dev.heartwatch.core.outage;

/** Who saw an outage. */
public enum Source {
    /** Only the agent's {@code [outage]} report (e.g. shorter than the threshold). */
    AGENT,
    /** Only a gap in the heartbeat lines (e.g. the agent lost power and reported nothing). */
    CLOUD,
    /** Both. */
    BOTH
}
