package dev.heartwatch.server.notify;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.server.config.PairMode;
import dev.heartwatch.channels.OutageText;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.notify.DeviceList;
import dev.heartwatch.core.notify.OutgoingAlert;
import dev.heartwatch.core.notify.RaisedAlert;
import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.OutageMerge;
import dev.heartwatch.core.outage.CheckedReports;
import dev.heartwatch.core.outage.ReportClip;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.ScheduledRule;
import dev.heartwatch.server.alert.BeatSchedules;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a stored notification into the message every channel sends. A "resolved" message takes
 * its outage from core's merged model ({@link OutageMerge}) over the device's stored beats and
 * {@code [outage]} reports: the agent's exact start, end and cause where it reported them, the
 * cloud's view (last beat + interval to the first beat back) otherwise, and says which. A digest
 * names the devices it stands for (capped, "and N more"); a device's message names the checks
 * folded behind it; both as the aggregation policy planned them.
 */
public final class AlertMessageFactory {
    private final HeartwatchStore store;
    private final SilenceRule rule;
    private final String ruleName;
    private final int listCap;

    public AlertMessageFactory(HeartwatchStore store, SilenceRule rule, String ruleName) {
        this(store, rule, ruleName, AggregationPolicy.DEFAULT_LIST_CAP);
    }

    /** @param listCap how many devices a message names before "and N more" */
    public AlertMessageFactory(HeartwatchStore store, SilenceRule rule, String ruleName, int listCap) {
        this.store = store;
        this.rule = rule;
        this.ruleName = ruleName;
        this.listCap = listCap;
    }

    /**
     * How long a "resolved" waits after the first beat back before it is built and sent. The
     * agent closes its outage on that first successful beat and reports it with the next one, so
     * two beat intervals let the mail carry the agent's exact start, end and cause.
     */
    public Duration resolveGrace() {
        return rule.heartbeatInterval().multipliedBy(2);
    }

    /** Whether the notification can be built and sent at {@code now} (a "resolved" waits for {@link #resolveGrace()}). */
    public boolean ready(NotificationRecord n, Instant now) {
        return n.fired() || !now.isBefore(n.flipAt().plus(resolveGrace()));
    }

    public AlertMessage build(NotificationRecord n) {
        return build(n, device -> true);
    }

    /**
     * The message for one channel: a digest lists only the members {@code member} accepts (the
     * devices routed to that channel, {@link ChannelRoutes}); a single message is the same for all.
     */
    public AlertMessage build(NotificationRecord n, java.util.function.Predicate<String> member) {
        if (n.digest()) {
            return digest(n, member);
        }
        Instant lastSeen = lastSeenBefore(n);
        if (n.fired()) {
            return fired(n, lastSeen);
        }
        return resolved(n, lastSeen);
    }

    /**
     * A digest's members, each as its own message (its own thread and figures), those {@code
     * member} accepts, in the digest's order: for a channel that keeps one thread per outage.
     */
    public List<AlertMessage> members(NotificationRecord digest, java.util.function.Predicate<String> member) {
        List<AlertMessage> out = new ArrayList<>();
        for (NotificationRecord c : store.outbox().carriedBy(digest.id())) {
            if (c.behind() == null && member.test(c.device())) {
                out.add(build(c));
            }
        }
        return out;
    }

    /** The planned thread; a notification planned before threads existed gets core's key for it. */
    private static String threadKey(NotificationRecord n) {
        if (n.threadKey() != null) {
            return n.threadKey();
        }
        return new RaisedAlert(n.idemKey(), n.device(), n.fired() ? AlertCondition.FIRED : AlertCondition.RESOLVED,
                n.flipAt(), n.fired() ? n.flipAt() : n.firedAt(), null).threadKey();
    }

    /** The checks folded into this device's message. */
    private AlertMessage.Names behind(NotificationRecord n) {
        List<String> checks = new ArrayList<>();
        for (NotificationRecord c : store.outbox().carriedBy(n.id())) {
            if (c.behind() != null) {
                checks.add(c.device());
            }
        }
        return checks.isEmpty() ? AlertMessage.Names.NONE : AlertMessage.Names.of(checks, listCap);
    }

    private AlertMessage digest(NotificationRecord n, java.util.function.Predicate<String> member) {
        Map<String, List<String>> members = new LinkedHashMap<>();
        List<NotificationRecord> leads = new ArrayList<>();
        List<NotificationRecord> carried = new ArrayList<>();
        for (NotificationRecord c : store.outbox().carriedBy(n.id())) {
            if (member.test(c.behind() == null ? c.device() : c.behind())) {
                carried.add(c);
            }
        }
        for (NotificationRecord c : carried) {
            if (c.behind() == null) {
                members.put(c.device(), new ArrayList<>());
                leads.add(c);
            }
        }
        for (NotificationRecord c : carried) {
            if (c.behind() != null) {
                members.computeIfAbsent(c.behind(), k -> new ArrayList<>()).add(c.device());
            }
        }
        List<String> devices = new ArrayList<>(members.keySet());
        AlertMessage.Names named = AlertMessage.Names.of(devices, listCap);
        String headline = OutgoingAlert.Digest.headline(n.fired() ? AlertCondition.FIRED : AlertCondition.RESOLVED, devices.size());
        StringBuilder t = new StringBuilder();
        t.append(headline).append(" together:\n\n");
        for (NotificationRecord c : leads.subList(0, named.shown().size())) {
            t.append("  ").append(c.device()).append("  ");
            t.append(n.fired() ? "declared down at " + c.flipAt() : "back at " + c.flipAt()
                    + (c.firedAt() == null ? "" : ", down since " + c.firedAt()));
            int behind = members.get(c.device()).size();
            if (behind > 0) {
                t.append("; ").append(DeviceList.checks(behind)).append(" behind it ").append(n.fired() ? "unknown" : "back");
            }
            t.append('\n');
        }
        if (named.total() > named.shown().size()) {
            t.append("  ").append(DeviceList.andMore(named.total() - named.shown().size())).append('\n');
        }
        t.append(n.fired() ? "\nOne message for all of them, not one each. Each device's \"resolved\" follows when it is heard again.\n"
                : "\nOne message for all of them, not one each.\n");
        return new AlertMessage(n.idemKey(), ruleName, "", n.fired(), n.fired() ? n.flipAt() : null,
                n.fired() ? null : n.flipAt(), null, null, 0, n.reason(), "[Heartwatch] " + headline, t.toString(),
                threadKey(n), named, AlertMessage.Names.NONE);
    }

    private Instant lastSeenBefore(NotificationRecord n) {
        Instant downAt = n.fired() ? n.flipAt() : n.firedAt();
        if (downAt == null) {
            return null;
        }
        // A silence DOWN happened at lastSeen + threshold: the last beat is at most that old. A
        // fail, an open run or a schedule's due time: the last beat is at or before the DOWN.
        SilenceRule rule = ruleOf(n.device());
        Instant upTo = ScheduledRule.Cause.of(n.reason()) == ScheduledRule.Cause.SILENCE ? downAt.minus(rule.threshold()) : downAt;
        List<Beat> beats = store.facts().beats(n.device(), downAt.minus(rule.lookback()), upTo);
        return beats.isEmpty() ? null : beats.get(beats.size() - 1).at();
    }

    /** The rule the device was judged by: its own beats' schedule, when they sent one (issue 17). */
    private SilenceRule ruleOf(String device) {
        return store.devices().device(device).map(r -> BeatSchedules.ruleFor(rule, r)).orElse(rule);
    }

    private AlertMessage fired(NotificationRecord n, Instant lastSeen) {
        SilenceRule rule = ruleOf(n.device());
        AlertMessage.Names behind = behind(n);
        String subject = "[Heartwatch] DOWN: " + n.device()
                + (behind.total() > 0 ? " (" + DeviceList.checks(behind.total()) + " behind it unknown)" : "")
                + PairMode.headline(n.reason()).map(h -> " - " + h).orElse("");
        StringBuilder t = new StringBuilder();
        t.append("Device ").append(n.device()).append(" is DOWN.\n\n");
        if (behind.total() > 0) {
            t.append(DeviceList.checks(behind.total())).append(" behind it unknown (they report through it): ")
                    .append(behind.text()).append("\n\n");
        }
        t.append("Last heartbeat:   ").append(lastSeen == null ? "never" : lastSeen).append('\n');
        ScheduledRule.Cause cause = ScheduledRule.Cause.of(n.reason());
        t.append("Declared down at: ").append(n.flipAt()).append(switch (cause) {
            case FAIL -> " (the run failed)\n";
            case START -> " (its start + grace, with no success)\n";
            case DUE -> " (its due time + grace, with no heartbeat)\n";
            case SILENCE -> " (last heartbeat + threshold " + rule.threshold() + ")\n";
        });
        if (cause == ScheduledRule.Cause.FAIL) {
            t.append("Outage began at:  ").append(n.flipAt()).append(" (the fail)\n");
        } else if (lastSeen != null && cause == ScheduledRule.Cause.SILENCE) {
            t.append("Outage began at:  ").append(rule.outageStart(lastSeen))
                    .append(" (estimated: last heartbeat + interval; the agent reports the exact start when it is back)\n");
        }
        t.append("Reason:           ").append(n.reason()).append('\n');
        suppressedNote(n, t);
        t.append("\nA \"resolved\" message follows when the device is heard again.\n");
        return new AlertMessage(n.idemKey(), ruleName, n.device(), true, n.flipAt(), null, lastSeen, null,
                n.suppressedBefore(), n.reason(), subject, t.toString(), threadKey(n), null, behind);
    }

    private AlertMessage resolved(NotificationRecord n, Instant lastSeen) {
        Instant back = n.flipAt();
        Outage outage = outageEndingAt(n.device(), n.firedAt(), back);
        StringBuilder t = new StringBuilder();
        String subject;
        if (outage != null) {
            subject = OutageText.resolvedSubject(n.device(), outage, back);
            t.append("Device ").append(n.device()).append(" is back.\n\n");
            ReportClip clip = CheckedReports.shownFor(outage, id -> store.facts().reportClip(n.device(), id));
            OutageText.appendFigures(t, outage, back, clip);
        } else {
            subject = "[Heartwatch] RESOLVED: " + n.device();
            t.append("Device ").append(n.device()).append(" is ").append(n.suppressedBefore() > 0 ? "not down" : "back").append(".\n\n");
        }
        if (n.firedAt() != null) {
            t.append("Alert fired:  ").append(n.firedAt()).append('\n');
        }
        subject += PairMode.headline(n.reason()).map(h -> " - " + h).orElse("");
        t.append("Resolved at:  ").append(back).append('\n');
        t.append("Reason:       ").append(n.reason()).append('\n');
        AlertMessage.Names behind = behind(n);
        if (behind.total() > 0) {
            t.append(DeviceList.checks(behind.total())).append(" behind it back too: ").append(behind.text()).append('\n');
        }
        suppressedNote(n, t);
        return new AlertMessage(n.idemKey(), ruleName, n.device(), false, n.firedAt(), back, lastSeen, outage,
                n.suppressedBefore(), n.reason(), subject, t.toString(), threadKey(n), null, behind);
    }

    private static void suppressedNote(NotificationRecord n, StringBuilder t) {
        if (n.suppressedBefore() > 0) {
            t.append("\nCooldown: ").append(n.suppressedBefore())
                    .append(" state change(s) of this device were recorded but not mailed (it was flapping).\n");
        }
    }

    /** The merged outage that covers the alert's down time and ends by {@code back}. */
    Outage outageEndingAt(String device, Instant firedAt, Instant back) {
        if (back == null) {
            return null;
        }
        SilenceRule rule = ruleOf(device);
        Instant from = back.minus(rule.lookback());
        List<Beat> beats = store.facts().beats(device, from, back);
        // The report of this outage arrives with the beat after the first one back.
        List<ReportedOutage> reports = store.facts().reportsReceived(device, from, back.plus(resolveGrace()).plus(rule.heartbeatInterval()));
        return OutageText.endingAt(OutageMerge.of(rule).merge(beats, reports, null), firedAt, back, rule.heartbeatInterval());
    }

    static String human(Duration d) {
        return OutageText.human(d);
    }

    static String clippedText(ReportClip clip) {
        return OutageText.clippedText(clip);
    }
}
