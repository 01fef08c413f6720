package dev.heartwatch.core.contract;

/** The size limits of docs/contract.md, in one place. */
public final class Limits {
    /** Largest request body accepted, in UTF-8 bytes; larger gets 413 and writes nothing. */
    public static final int MAX_BODY_BYTES = 8192;
    /** Largest batch body (contract §1a), in UTF-8 bytes: 100 items of an agent's checks fit. */
    public static final int MAX_BATCH_BODY_BYTES = 64 * 1024;
    /** Items read from one batch; the rest are ignored (the agent refuses more checks at start). */
    public static final int MAX_BATCH_ITEMS = 100;
    /** Longest {@code period} or {@code grace} a beat may carry. */
    public static final long MAX_SCHEDULE_MILLIS = 400L * 24 * 3600 * 1000;
    /** Longest {@code durationMs} a beat may carry (contract v2): 400 days, as a schedule. */
    public static final long MAX_RUN_DURATION_MILLIS = MAX_SCHEDULE_MILLIS;
    /** Largest {@code exitStatus} (contract v2): a POSIX exit status is 0 to 255. */
    public static final int MAX_EXIT_STATUS = 255;
    /** Shortest {@code period} a beat may carry. */
    public static final long MIN_PERIOD_MILLIS = 1000;
    public static final int MAX_DEVICE_CHARS = dev.heartwatch.common.DeviceIdRule.MAX_CHARS;
    public static final int MAX_NOTE_CODE_POINTS = 200;
    public static final int MAX_DETAIL_CODE_POINTS = 200;
    public static final int MAX_AGENT_VERSION_CHARS = 32;
    public static final int MAX_OUTAGE_ID_CHARS = 64;
    public static final int MAX_CAUSE_CHARS = 32;
    /** Outages read from one request; the rest are ignored (the agent sends fewer). */
    public static final int MAX_OUTAGES_PER_REQUEST = 32;
    /** Longest outage accepted: longer reports are treated as bogus. */
    public static final long MAX_OUTAGE_MILLIS = 400L * 24 * 3600 * 1000;
    /** Every encoded line is at most this many UTF-8 bytes. */
    public static final int MAX_LINE_BYTES = 2048;
    /** Instants outside [2000-01-01, 2200-01-01) are not plausible agent clocks. */
    public static final long MIN_EPOCH_MILLIS = 946_684_800_000L;
    public static final long MAX_EPOCH_MILLIS = 7_258_118_400_000L;
    /** A key shorter than this is not matched as free text (it would redact ordinary words). */
    public static final int MIN_REDACTABLE_KEY_CHARS = 6;

    private Limits() {
    }
}
