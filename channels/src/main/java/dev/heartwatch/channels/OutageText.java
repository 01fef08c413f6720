package dev.heartwatch.channels;

import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.ReportClip;
import dev.heartwatch.core.outage.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How a message states an outage, the same for the server's mails and channels and for Azure's
 * {@code NotifyDeliver}: which merged outage a RESOLVED is about, its subject, its figures
 * (start, end, duration, cause, who measured them) and durations in words. The outage itself is
 * always core's merged model ({@code OutageMerge}); nothing here computes one.
 */
public final class OutageText {
    private OutageText() {
    }

    /**
     * The merged outage a RESOLVED at {@code back} is about: the latest one that began by the
     * alert's DOWN ({@code firedAt}, when known) and ended by {@code back} (plus one beat
     * interval of slack: the agent's end is its first beat that got through).
     */
    public static Outage endingAt(List<Outage> merged, Instant firedAt, Instant back, Duration heartbeatInterval) {
        if (back == null) {
            return null;
        }
        Outage best = null;
        for (Outage o : merged) {
            boolean coversDown = firedAt == null || !o.start().isAfter(firedAt);
            boolean endsByBack = o.end() != null && !o.end().isAfter(back.plus(heartbeatInterval));
            if (coversDown && endsByBack && (best == null || o.start().isAfter(best.start()))) {
                best = o;
            }
        }
        return best;
    }

    /** "[Heartwatch] RESOLVED: pi was down 41 min 20 s (dns)". */
    public static String resolvedSubject(String device, Outage outage, Instant back) {
        return "[Heartwatch] RESOLVED: " + device + " was down " + human(outage.duration(back)) + " (" + outage.cause() + ")";
    }

    /** The outage's figures, one per line: start, end, duration, cause, detail, source, clipping. */
    public static void appendFigures(StringBuilder t, Outage outage, Instant back, ReportClip clip) {
        Duration d = outage.duration(back);
        t.append("Outage start: ").append(outage.start()).append('\n');
        t.append("Outage end:   ").append(outage.end() == null ? back : outage.end()).append('\n');
        t.append("Duration:     ").append(human(d)).append(" (").append(d).append(")\n");
        t.append("Cause:        ").append(outage.cause()).append('\n');
        if (!outage.detail().isEmpty()) {
            t.append("Detail:       ").append(outage.detail()).append('\n');
        }
        t.append("Source:       ").append(sourceText(outage, clip)).append('\n');
        if (clip != null) {
            t.append("Clipped:      ").append(clippedText(clip)).append('\n');
        }
    }

    /**
     * The source line. BOTH is said only when the agent's report, as sent, agrees with the gap: a
     * report the receiver had to clip did not agree, whatever is left of it.
     */
    public static String sourceText(Outage o, ReportClip clip) {
        if (clip != null) {
            return o.source() == Source.BOTH
                    ? "CLOUD, with the agent's report clipped (the heartbeat gap; the report agreed with it only once clipped)"
                    : "AGENT, clipped (the agent's cause, its times clipped to what the server heard)";
        }
        switch (o.source()) {
            case AGENT:
                return "AGENT (times and cause as the agent reported them)";
            case BOTH:
                return "BOTH (agent's report and the heartbeat gap agree; the agent's exact times and cause are used)";
            default:
                return "CLOUD (the server's view: last heartbeat + interval to the first heartbeat back; the agent reported nothing)";
        }
    }

    /**
     * What the receiver would not believe of the agent's report (docs/alerting.md, "Reports
     * checked against the record"), e.g. "the agent reported 400 d 0 h; clipped to 14 s: this
     * device was first heard at ..., 14 s before it ended". The record is the server's store or, on
     * Azure, Application Insights, so the wording names neither.
     */
    public static String clippedText(ReportClip clip) {
        String head = "the agent reported " + human(clip.reportedDuration()) + "; clipped to " + human(clip.duration()) + ": ";
        return head + switch (clip.reason()) {
            case FIRST_BEAT -> "this device was first heard at " + clip.heardAt() + ", "
                    + human(Duration.between(clip.heardAt(), clip.end())) + " before it ended";
            case HEARD_DURING -> "a heartbeat from this device was received at " + clip.heardAt()
                    + ", during the reported outage";
            case AFTER_ARRIVAL -> "it cannot have ended after the report arrived at " + clip.end();
            default -> clip.reason().code();
        };
    }

    /** "41 s", "41 min 20 s", "3 h 5 min", "2 d 4 h". */
    public static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        if (s < 86_400) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
        return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
    }
}
