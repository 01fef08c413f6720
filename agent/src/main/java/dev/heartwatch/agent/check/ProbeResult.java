package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;

/**
 * One run of a check's probe: passed (no cause) with a short result for the beat's note, or
 * failed with a cause code and a detail for the ledger. Details are free of credentials.
 */
public record ProbeResult(Cause cause, String text) {
    public static ProbeResult pass(String result) {
        return new ProbeResult(null, result);
    }

    public static ProbeResult fail(Cause cause, String detail) {
        return new ProbeResult(cause, detail);
    }

    public boolean passed() {
        return cause == null;
    }
}
