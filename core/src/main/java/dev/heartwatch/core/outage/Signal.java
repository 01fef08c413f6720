package dev.heartwatch.core.outage;

/**
 * What one {@code [heartbeat]} line said of its run, from its {@code state} text: contract v1
 * knows {@code running} and {@code stopping}; contract v2 (issue 16 §5) adds {@code start} and
 * {@code fail}. Anything else, or none, is a success, as both versions read it.
 */
public enum Signal {
    /** {@code running} (or absent, or unknown): a run succeeded; the device is heard and well. */
    SUCCESS,
    /** {@code fail}: a run failed; heard, but the run it answers is not on time. */
    FAIL,
    /** {@code start}: a run began; heard, answers no run. */
    START,
    /** {@code stopping}: a clean stop; heard, answers no run. */
    STOPPING;

    /** The signal of a line's {@code state} (case-sensitive, exactly as the contract spells it). */
    public static Signal ofState(String state) {
        if (state == null) {
            return SUCCESS;
        }
        return switch (state) {
            case "stopping" -> STOPPING;
            case "start" -> START;
            case "fail" -> FAIL;
            default -> SUCCESS;
        };
    }

    /** Whether it answers a cron run (a success or a fail does; a start or a stop does not). */
    public boolean answers() {
        return this == SUCCESS || this == FAIL;
    }
}
