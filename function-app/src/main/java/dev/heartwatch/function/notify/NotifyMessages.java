package dev.heartwatch.function.notify;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.OutageText;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.OutgoingAlert;
import dev.heartwatch.core.notify.DeviceList;
import dev.heartwatch.core.outage.CheckedReports;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.OutageMerge;
import dev.heartwatch.core.outage.ReportClip;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The message of one Azure alert, the same facts the server's mails give (its
 * {@code AlertMessageFactory}; the wording of an outage's figures is shared through the channels
 * module's {@link OutageText}). A log search alert's payload names only the device, so the
 * device's lines are read from the workspace:
 * <ul>
 *   <li>Fired: the last heartbeat, when the device was declared down (last beat + threshold, or
 *       for a check whose last line carried a period and grace, + their sum as the alert query
 *       judged it: {@link DeviceLines#ruleFor}),
 *       the estimated start, and links to the workbook and to {@code heartwatch history};</li>
 *   <li>Resolved: core's merged outage ({@link OutageMerge}) over the device's beats and
 *       {@code [outage]} reports: start, end, duration, cause, and whether the agent or the gap
 *       measured them. The reports are first judged against the beats read, as the server
 *       judges those it stores ({@link DeviceLines#checkedReports()}), and a clipped one is said
 *       so; the device's first beat is not known from a window of its lines, so that rule is
 *       not applied here.</li>
 * </ul>
 * When the lines cannot be read in time the message still goes, with what the payload says, and
 * names what is missing and why.
 */
public final class NotifyMessages {
    private static final String NOT_READ = "Application Insights not read for this device: ";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private final DeviceLines.Source lines;
    private final SilenceRule rule;
    private final String workbookUrl;

    /**
     * @param rule        the alert's threshold and the agents' heartbeat interval; its lookback
     *                    bounds how far back the lines are read
     * @param workbookUrl the portal link to the workbook, or null
     */
    public NotifyMessages(DeviceLines.Source lines, SilenceRule rule, String workbookUrl) {
        this.lines = lines;
        this.rule = rule;
        this.workbookUrl = workbookUrl;
    }

    /** The thread of an outage: {@code device@firedAt}, the same in the alert's Fired and its Resolved. */
    public static String threadKey(AlertNotice n) {
        return n.device() + "@" + n.firedAt();
    }

    /**
     * @param firedSeen for a Resolved: whether a Fired of this alert reached Notify (false: the
     *                  message says its DOWN was never sent from here)
     */
    public AlertMessage build(AlertNotice n, boolean firedSeen) {
        return build(n, firedSeen, List.of());
    }

    /**
     * @param behind the checks folded into this message ({@link CheckFolding}), worded as the
     *               server's {@code AlertMessageFactory} words them
     */
    public AlertMessage build(AlertNotice n, boolean firedSeen, List<String> behind) {
        AlertMessage m = build1(n, firedSeen);
        if (behind.isEmpty()) {
            return m;
        }
        AlertMessage.Names names = AlertMessage.Names.of(behind, AggregationPolicy.DEFAULT_LIST_CAP);
        String checks = DeviceList.checks(names.total());
        String subject = m.subject();
        String text = m.text();
        if (n.fired()) {
            subject = subject + " (" + checks + " behind it unknown)";
            String head = "Device " + n.device() + " is DOWN.\n\n";
            text = head + checks + " behind it unknown (they report through it): " + names.text() + "\n\n"
                    + text.substring(head.length());
        } else {
            text = text + checks + " behind it back too: " + names.text() + "\n";
        }
        return new AlertMessage(m.idemKey(), m.ruleName(), m.device(), m.fired(), m.firedAt(), m.resolvedAt(),
                m.lastSeen(), m.outage(), m.suppressedBefore(), m.reason(), subject, text, m.threadKey(), null, names);
    }

    /**
     * A window's digest ({@link DigestWindows}), worded as the server's digest: "20 devices down
     * together", each named (capped, "and N more") with Azure's times and the checks folded
     * behind it. Its thread is the policy's for a digest of that window.
     */
    public AlertMessage digest(DigestWindows.Digest d) {
        boolean fired = d.condition() == AlertCondition.FIRED;
        List<DigestWindows.Member> members = d.members();
        List<String> devices = members.stream().map(m -> m.notice().device()).toList();
        AlertMessage.Names named = AlertMessage.Names.of(devices, AggregationPolicy.DEFAULT_LIST_CAP);
        String headline = OutgoingAlert.Digest.headline(d.condition(), devices.size());
        StringBuilder t = new StringBuilder();
        t.append(headline).append(" together:\n\n");
        for (DigestWindows.Member m : members.subList(0, named.shown().size())) {
            AlertNotice n = m.notice();
            t.append("  ").append(n.device()).append("  ");
            t.append(fired ? "alert fired at " + n.firedAt() : "back at " + n.resolvedAt() + ", alert fired at " + n.firedAt());
            if (!m.behind().isEmpty()) {
                t.append("; ").append(DeviceList.checks(m.behind().size())).append(" behind it ").append(fired ? "unknown" : "back");
            }
            t.append('\n');
        }
        if (named.total() > named.shown().size()) {
            t.append("  ").append(DeviceList.andMore(named.total() - named.shown().size())).append('\n');
        }
        t.append(fired ? "\nOne message for all of them, not one each. Each device's \"resolved\" follows when it is heard again.\n"
                : "\nOne message for all of them, not one each.\n");
        long last = members.stream().mapToLong(m -> DigestWindows.minuteOf(m.flipAt())).max().orElse(d.minute());
        if (last > d.minute()) {
            t.append("Window:       ").append(d.windowStart()).append(" to ").append(Instant.ofEpochSecond((last + 1) * 60))
                    .append(" (the minutes Azure Monitor raised them in)\n");
        } else {
            t.append("Window:       ").append(d.windowStart()).append(" (the minute Azure Monitor raised them in)\n");
        }
        if (workbookUrl != null) {
            t.append("Workbook:     ").append(workbookUrl).append('\n');
        }
        Instant first = fired ? members.get(0).notice().firedAt() : members.get(0).notice().resolvedAt();
        String rule = members.get(0).notice().rule();
        return new AlertMessage("azure:" + StateTable.key(d.id()).substring(0, 32) + ":digest", rule, "", fired,
                fired ? first : members.get(0).notice().firedAt(), fired ? null : first, null, null, 0,
                fired ? "silent for " + this.rule.threshold() : "heard again", "[Heartwatch] " + headline, t.toString(),
                "digest:" + d.condition().name().toLowerCase(java.util.Locale.ROOT) + "@" + d.windowStart(), named,
                AlertMessage.Names.NONE);
    }

    /**
     * A digest's members, each as its own message (its own thread and figures), for a channel that
     * keeps one thread per outage (GitHub). The first {@value AggregationPolicy#DEFAULT_LIST_CAP}
     * read their lines as a single message does; past that (a storm of thousands) each goes with
     * what its alert says, so a storm does not spend minutes on queries.
     */
    public List<AlertMessage> members(DigestWindows.Digest d) {
        List<AlertMessage> out = new ArrayList<>();
        for (DigestWindows.Member m : d.members()) {
            boolean read = out.size() < AggregationPolicy.DEFAULT_LIST_CAP;
            out.add(build(m.notice(), m.firedSeen(), m.behind(), read));
        }
        return out;
    }

    private AlertMessage build(AlertNotice n, boolean firedSeen, List<String> behind, boolean read) {
        if (read) {
            return build(n, firedSeen, behind);
        }
        NotifyMessages unread = new NotifyMessages((device, from, to) -> {
            throw new DeviceLines.Unavailable(NOT_READ + "one of more than " + AggregationPolicy.DEFAULT_LIST_CAP
                    + " devices of a storm");
        }, rule, workbookUrl);
        return unread.build(n, firedSeen, behind);
    }

    private AlertMessage build1(AlertNotice n, boolean firedSeen) {
        DeviceLines read;
        String missing = null;
        try {
            Instant to = n.fired() ? n.firedAt() : n.resolvedAt().plus(rule.heartbeatInterval().multipliedBy(2));
            read = lines.read(n.device(), n.firedAt().minus(rule.lookback()), to);
        } catch (DeviceLines.Unavailable e) {
            read = null;
            missing = e.getMessage();
        }
        return n.fired() ? fired(n, read, missing) : resolved(n, read, missing, firedSeen);
    }

    private AlertMessage fired(AlertNotice n, DeviceLines read, String missing) {
        Instant lastSeen = read == null ? null : read.lastBeatBy(n.firedAt());
        SilenceRule rule = read == null ? this.rule : read.ruleFor(this.rule);
        StringBuilder t = new StringBuilder();
        t.append("Device ").append(n.device()).append(" is DOWN.\n\n");
        if (read == null) {
            t.append("Last heartbeat:   unknown (").append(missingText(missing)).append(")\n");
        } else {
            t.append("Last heartbeat:   ").append(lastSeen == null ? "none in the last " + rule.lookback() : lastSeen).append('\n');
        }
        if (lastSeen != null) {
            t.append("Declared down at: ").append(rule.declaredDownAt(lastSeen)).append(" (last heartbeat + ")
                    .append(limitText(read.schedule(), rule)).append(")\n");
            t.append("Outage began at:  ").append(rule.outageStart(lastSeen))
                    .append(" (estimated: last heartbeat + interval; the agent reports the exact start when it is back)\n");
        }
        t.append("Alert fired:      ").append(n.firedAt()).append(" (Azure Monitor)\n");
        t.append("Rule:             ").append(n.rule()).append('\n');
        links(t, n);
        t.append("\nA \"resolved\" message follows when the device is heard again.\n");
        return new AlertMessage(idemKey(n), n.rule(), n.device(), true, n.firedAt(), null, lastSeen, null, 0,
                "silent for " + rule.threshold(), "[Heartwatch] DOWN: " + n.device(), t.toString(), threadKey(n), null,
                AlertMessage.Names.NONE);
    }

    private AlertMessage resolved(AlertNotice n, DeviceLines read, String missing, boolean firedSeen) {
        Instant back = n.resolvedAt();
        Outage outage = null;
        ReportClip clip = null;
        Instant lastSeen = null;
        SilenceRule rule = read == null ? this.rule : read.ruleFor(this.rule);
        if (read != null) {
            lastSeen = read.lastBeatBy(n.firedAt());
            // The reports as the server counts them: judged against the beats (ReportCheck), clipped
            // ones merged with their clipped interval, and the kept report's verdict stated.
            CheckedReports checked = read.checkedReports();
            outage = OutageText.endingAt(OutageMerge.of(rule).merge(read.beats(), checked.counted(), null), n.firedAt(), back,
                    rule.heartbeatInterval());
            clip = CheckedReports.shownFor(outage, checked::verdict);
        }
        StringBuilder t = new StringBuilder();
        String subject;
        if (outage != null) {
            subject = OutageText.resolvedSubject(n.device(), outage, back);
            t.append("Device ").append(n.device()).append(" is back.\n\n");
            OutageText.appendFigures(t, outage, back, clip);
        } else {
            subject = "[Heartwatch] RESOLVED: " + n.device();
            t.append("Device ").append(n.device()).append(" is back.\n\n");
            t.append(read == null ? "Outage figures: missing (" + missingText(missing) + ")\n"
                    : "Outage figures: none found (no gap longer than the threshold " + rule.threshold()
                            + " and no agent report in the device's lines)\n");
        }
        t.append("Alert fired:  ").append(n.firedAt()).append('\n');
        t.append("Resolved at:  ").append(back).append(" (Azure Monitor)\n");
        t.append("Rule:         ").append(n.rule()).append('\n');
        if (!firedSeen) {
            t.append("\nNo DOWN message of this outage was sent from here (its Fired never reached Notify,"
                    + " e.g. the webhook was added during the outage): this RESOLVED stands alone.\n");
        }
        links(t, n);
        return new AlertMessage(idemKey(n), n.rule(), n.device(), false, n.firedAt(), back, lastSeen, outage, 0,
                "heard again", subject, t.toString(), threadKey(n), null, AlertMessage.Names.NONE);
    }

    /**
     * What the device's limit is, as {@code silent-devices.kql} chose it: the threshold, or the
     * period and grace its last line carried (issue 17), cut to the lookback less one evaluation.
     */
    private static String limitText(BeatSchedule schedule, SilenceRule judged) {
        if (schedule == null) {
            return "threshold " + judged.threshold();
        }
        if (judged.threshold().equals(schedule.period().plus(schedule.grace()))) {
            return "its period " + schedule.period() + " + grace " + schedule.grace();
        }
        return judged.threshold() + ": its period " + schedule.period() + " + grace " + schedule.grace()
                + ", cut to the lookback less one evaluation";
    }

    private void links(StringBuilder t, AlertNotice n) {
        t.append('\n');
        if (workbookUrl != null) {
            t.append("Workbook:     ").append(workbookUrl).append('\n');
        }
        t.append("History:      heartwatch history --device ").append(n.device()).append(" --since ")
                .append(DAY.format(n.firedAt().minus(Duration.ofDays(1)))).append('\n');
    }

    private static String missingText(String reason) {
        if (reason != null && reason.startsWith(NOT_READ)) {
            return reason;
        }
        return "Application Insights could not be read in time: " + reason;
    }

    /** Stable across repeats of the same alert and state (a webhook's receivers drop repeats on it). */
    static String idemKey(AlertNotice n) {
        return "azure:" + StateTable.key(n.alertId()).substring(0, 32) + ":" + n.state().toLowerCase(java.util.Locale.ROOT);
    }
}
