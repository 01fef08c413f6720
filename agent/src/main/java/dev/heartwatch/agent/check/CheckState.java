package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;

/**
 * What one check knows between its runs: its streak of consecutive failures (the first one's
 * time and cause, since the outage starts there) and the beat waiting for the next batch.
 * Guarded by the runner: one run of a check at a time.
 */
final class CheckState {
    final Check check;
    boolean running;
    int failures;
    long firstFailureAt;
    Cause firstCause;
    String firstDetail;
    /** The note of the beat the next batch carries for this check, or null: nothing to send. */
    String pendingNote;
    long skippedRuns;

    CheckState(Check check) {
        this.check = check;
    }
}
