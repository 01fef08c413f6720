package dev.heartwatch.core.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the server's own record allows of one agent report ({@link ReportCheck}): the interval it
 * counts, on the receiver's clock, and why it differs from the one reported.
 *
 * @param reportedStart the report's start on the receiver's clock (agent time plus skew)
 * @param reportedEnd   the report's end on the receiver's clock
 * @param start         the start counted; {@code null} when the report is rejected
 * @param end           the end counted; {@code null} when the report is rejected
 * @param reason        why it was clipped or rejected ({@link Reason#NONE}: taken as reported)
 * @param heardAt       the beat that clipped it: the device's first beat ({@link Reason#FIRST_BEAT},
 *                      {@link Reason#BEFORE_FIRST_BEAT}), the beat heard during it
 *                      ({@link Reason#HEARD_DURING}); else {@code null}
 */
public record ReportClip(Instant reportedStart, Instant reportedEnd, Instant start, Instant end, Reason reason,
                         Instant heardAt) {

    /** Why a report was clipped; the {@code code} is what a store keeps. */
    public enum Reason {
        /** Taken as reported: nothing in the record contradicts it. */
        NONE("none", false),
        /** It began before the device's first beat: it starts at that beat. */
        FIRST_BEAT("first-beat", false),
        /** The server received a beat during it: it starts at the last such beat. */
        HEARD_DURING("heard-during", false),
        /** It ended after the report arrived: it ends at the arrival. */
        AFTER_ARRIVAL("after-arrival", false),
        /** Rejected: it ended before the device's first beat, when nobody watched it. */
        BEFORE_FIRST_BEAT("before-first-beat", true),
        /** Rejected: the server has never heard a beat of this device. */
        NEVER_HEARD("never-heard", true),
        /** Rejected: it lies wholly after the report arrived. */
        IN_THE_FUTURE("in-the-future", true);

        private final String code;
        private final boolean rejects;

        Reason(String code, boolean rejects) {
            this.code = code;
            this.rejects = rejects;
        }

        public String code() {
            return code;
        }

        public boolean rejects() {
            return rejects;
        }

        /** The reason a store wrote as {@link #code()}. */
        public static Reason ofCode(String code) {
            for (Reason r : values()) {
                if (r.code.equals(code)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("no such clip reason: " + code);
        }
    }

    public ReportClip {
        Objects.requireNonNull(reportedStart, "reportedStart");
        Objects.requireNonNull(reportedEnd, "reportedEnd");
        Objects.requireNonNull(reason, "reason");
        if (reason.rejects() != (start == null) || (start == null) != (end == null)) {
            throw new IllegalArgumentException("a rejected report has no interval, any other has one: " + reason);
        }
        if (start != null && end.isBefore(start)) {
            throw new IllegalArgumentException("clipped interval ends before it starts");
        }
    }

    /**
     * The verdict as a store keeps it (intervals and reason; the beat that clipped a start is
     * that start, so it is not kept twice).
     */
    public static ReportClip stored(Instant reportedStart, Instant reportedEnd, Instant start, Instant end, Reason reason) {
        boolean movedStart = reason == Reason.FIRST_BEAT || reason == Reason.HEARD_DURING;
        return new ReportClip(reportedStart, reportedEnd, start, end, reason, movedStart ? start : null);
    }

    /** A report taken as reported. */
    public static ReportClip asReported(Instant start, Instant end) {
        return new ReportClip(start, end, start, end, Reason.NONE, null);
    }

    public boolean rejected() {
        return reason.rejects();
    }

    public boolean clipped() {
        return reason != Reason.NONE;
    }

    public Duration reportedDuration() {
        return Duration.between(reportedStart, reportedEnd);
    }

    /** The duration counted; zero for a rejected report. */
    public Duration duration() {
        return start == null ? Duration.ZERO : Duration.between(start, end);
    }
}
