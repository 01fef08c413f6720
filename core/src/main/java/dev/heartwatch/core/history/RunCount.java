package dev.heartwatch.core.history;

import java.util.OptionalDouble;

/**
 * Runs of a cron device over some time (docs/history.md, "Runs on time"): how many were
 * expected, how many a success answered on time, how many a {@code fail} answered. The rest
 * were missed (no answer within grace).
 */
public record RunCount(int expected, int onTime, int failed) {

    public static final RunCount NONE = new RunCount(0, 0, 0);

    public RunCount {
        if (expected < 0 || onTime < 0 || failed < 0 || onTime + failed > expected) {
            throw new IllegalArgumentException("runs: " + onTime + " on time and " + failed + " failed of " + expected);
        }
    }

    /** Expected runs no beat answered within grace. */
    public int missed() {
        return expected - onTime - failed;
    }

    /** Runs on time out of runs expected, in percent; empty when no run was expected. */
    public OptionalDouble percent() {
        return expected == 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * onTime / expected);
    }

    RunCount plus(boolean onTimeRun, boolean failedRun) {
        return new RunCount(expected + 1, onTime + (onTimeRun ? 1 : 0), failed + (failedRun ? 1 : 0));
    }
}
