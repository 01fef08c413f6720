package dev.heartwatch.core.contract;

import java.util.function.Function;

/**
 * Which form of the ping request a client sent (contract §1 and §1a), told by one header before
 * the body is read, so a receiver knows the body cap to apply: a single beat (8 KiB), or a batch
 * of beats (64 KiB), {@code X-Heartwatch-Batch: 1}. A batch version this receiver does not read
 * is refused ({@code 400}) rather than taken for a single beat, which would acknowledge its
 * items' outages without writing them.
 */
public enum RequestForm {
    SINGLE(Limits.MAX_BODY_BYTES),
    BATCH(Limits.MAX_BATCH_BODY_BYTES),
    UNSUPPORTED(0);

    public static final String HEADER = "X-Heartwatch-Batch";
    /** The batch version this receiver reads. */
    public static final String BATCH_VERSION = "1";
    /** The answer to a batch: a receiver that does not know the form answers a plain {@code ok}. */
    public static final String BATCH_ANSWER = "ok batch " + BATCH_VERSION;
    public static final String SINGLE_ANSWER = "ok";

    private final int maxBodyBytes;

    RequestForm(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** @param header header lookup, case-insensitive, null when absent */
    public static RequestForm of(Function<String, String> header) {
        String v = header.apply(HEADER);
        if (v == null) {
            return SINGLE;
        }
        return BATCH_VERSION.equals(v.strip()) ? BATCH : UNSUPPORTED;
    }

    /** Largest body of this form, in UTF-8 bytes. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The {@code 200} answer's text for this form. */
    public String answer() {
        return this == BATCH ? BATCH_ANSWER : SINGLE_ANSWER;
    }

    /** The {@code 400} answer's text for an unsupported form. */
    public static String unsupportedAnswer() {
        return "unsupported " + HEADER + " (this receiver reads version " + BATCH_VERSION + ")";
    }

    /** The {@code 413} answer's text for this form. */
    public String tooLargeAnswer() {
        return "request body too large (at most " + maxBodyBytes + " bytes)";
    }
}
