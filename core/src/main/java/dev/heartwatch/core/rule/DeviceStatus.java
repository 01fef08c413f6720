package dev.heartwatch.core.rule;

/** What {@link SilenceRule#status} says about one device at one instant. */
public enum DeviceStatus {
    /** Heard within the threshold. */
    UP,
    /** Silent for at least the threshold (or expected and never heard). */
    DOWN,
    /** Its last beat said {@code stopping}: paused on purpose until it beats again. */
    STOPPED,
    /**
     * Not watched: never heard and not expected, or silent longer than the lookback and not
     * expected (Azure's query no longer returns it, so Azure resolves its alert by itself).
     */
    UNKNOWN
}
