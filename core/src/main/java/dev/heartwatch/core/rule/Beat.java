package dev.heartwatch.core.rule;

import java.time.Instant;
import java.util.Objects;

/**
 * One {@code [heartbeat]} line as the rule sees it.
 *
 * @param device     sanitised device id
 * @param at         the receiver's clock ({@code ts} of the line): when the beat arrived
 * @param ingestedAt when the line became queryable (Application Insights {@code ingestion_time()});
 *                   equal to {@code at} for the self-hosted server, later in Azure
 * @param stopping   the line's {@code state} was {@code stopping}: a clean shutdown, not an outage
 */
public record Beat(String device, Instant at, Instant ingestedAt, boolean stopping) {

    public Beat {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(ingestedAt, "ingestedAt");
    }

    /** A beat that was queryable the moment it arrived (the embedded server's store). */
    public static Beat of(String device, Instant at) {
        return new Beat(device, at, at, false);
    }

    /** A clean-shutdown beat ({@code state: stopping}), queryable at once. */
    public static Beat stopping(String device, Instant at) {
        return new Beat(device, at, at, true);
    }

    /**
     * The first instant a query can see this beat: its ingestion, but never before it
     * arrived (clocks of the receiver and the ingestion pipeline may disagree by a few ms).
     */
    public Instant visibleFrom() {
        return ingestedAt.isAfter(at) ? ingestedAt : at;
    }
}
