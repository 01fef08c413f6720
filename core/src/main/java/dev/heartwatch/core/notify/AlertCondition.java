package dev.heartwatch.core.notify;

/** What a notification says about its device, in Azure's words (the common alert schema's {@code monitorCondition}). */
public enum AlertCondition {
    /** The device went down. */
    FIRED,
    /** The device is back (or no longer down). */
    RESOLVED
}
