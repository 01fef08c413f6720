package dev.heartwatch.core.schedule;

/** Where a device stands against its schedule at one instant ({@link DueRule#decide}). */
public enum DueStatus {
    /** Its last beat answers every due time up to now. */
    UP,
    /** A due time passed with no beat, and its grace has not ended. */
    LATE,
    /** A due time's grace ended with no beat (inclusive: at exactly {@code downAt} it is DOWN). */
    DOWN,
    /** Its last beat said {@code stopping}: paused on purpose until it beats again. */
    STOPPED,
    /**
     * Never heard: nothing to measure a due time from. The caller decides as
     * {@code SilenceRule} does today: DOWN for an expected device, else not watched.
     */
    NEVER_HEARD
}
