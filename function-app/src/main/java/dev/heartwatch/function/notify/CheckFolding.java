package dev.heartwatch.function.notify;

import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.AlertPlan;
import dev.heartwatch.core.notify.EvaluationAlerts;
import dev.heartwatch.core.notify.OutgoingAlert;
import dev.heartwatch.core.notify.RaisedAlert;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 17 §4 in Azure: a check's alert and its agent's, folded as the server folds them, by
 * core's one {@link AggregationPolicy} (never a second grouping). Azure raises one alert per
 * device and the queue keeps no order, so each alert is judged from the workspace's lines, which
 * are the same whichever alert comes first: the device's last heartbeat line names its
 * {@code parent}, the parent's lines say whether it is down (its last beat + threshold), and the
 * lines naming a device as their parent are its checks. A check is judged as the alert query
 * judges it (issue 17): down at its last beat + its period + grace when its last line carried them
 * ({@link BeatSchedule}), and compared with its parent by when its next beat was due (its last
 * beat + its period), as the server compares them.
 * <ul>
 *   <li>a check's Fired while its parent is down, the check silent with it (within one heartbeat
 *       interval, the policy's fold tolerance): {@link Kind#FOLDED}, nothing sent; the parent's
 *       DOWN names it. A check silent before its parent failed on its own: sent, and stays down;</li>
 *   <li>a parent's Fired: {@link Kind#SEND} naming the checks the policy puts behind it
 *       ("home is down; 3 checks behind it unknown");</li>
 *   <li>a check's Resolved while its parent is still down: {@link Kind#HELD} (no false resolved:
 *       the queue offers it again); a check's Resolved whose DOWN was folded: {@link Kind#FOLDED},
 *       the parent's RESOLVED names it;</li>
 *   <li>a parent's Resolved: {@link Kind#SEND} naming the checks back with it whose outage began
 *       with the parent's.</li>
 * </ul>
 * When the lines cannot be read, nothing is folded: the alert goes alone (a DOWN too many beats
 * a DOWN missing). Digests of many devices are {@link DigestWindows}': a folded alert never
 * reaches a window, and a parent's record there keeps the checks behind it.
 */
public final class CheckFolding {
    private final DeviceLines.Source lines;
    private final SilenceRule rule;
    private final AggregationPolicy policy;

    public CheckFolding(DeviceLines.Source lines, SilenceRule rule) {
        this.lines = lines;
        this.rule = rule;
        // No digest here (each invocation sees one alert): DigestWindows plans the storms.
        this.policy = new AggregationPolicy(Integer.MAX_VALUE, AggregationPolicy.DEFAULT_LIST_CAP,
                rule.heartbeatInterval());
    }

    public enum Kind { SEND, FOLDED, HELD }

    /**
     * @param parent the parent a FOLDED or HELD alert is behind, else null
     * @param behind for SEND: the checks folded into this message, in order
     */
    public record Decision(Kind kind, String parent, List<String> behind) {
        public Decision {
            behind = List.copyOf(behind);
        }

        static final Decision ALONE = new Decision(Kind.SEND, null, List.of());
    }

    /** @param downWasFolded for a Resolved: its Fired was folded behind the parent (the state table says so) */
    public Decision decide(AlertNotice n, boolean downWasFolded) {
        try {
            return n.fired() ? fired(n) : resolved(n, downWasFolded);
        } catch (DeviceLines.Unavailable e) {
            return Decision.ALONE;
        }
    }

    private Decision fired(AlertNotice n) {
        Instant at = n.firedAt();
        Instant from = at.minus(rule.lookback());
        DeviceLines own = lines.read(n.device(), from, at);
        Instant lastSeen = own.lastBeatBy(at);
        RaisedAlert self = new RaisedAlert(n.alertId(), n.device(), AlertCondition.FIRED, at, at, lastSeen);
        String parent = own.parent();
        if (parent != null) {
            DeviceLines parentLines = lines.read(parent, from, at);
            Instant parentLast = parentLines.lastBeatBy(at);
            if (downBy(parentLast, at, parentLines.ruleFor(rule))) {
                // As the server: the check is compared by when its next beat was due (its period).
                RaisedAlert check = new RaisedAlert(n.alertId(), n.device(), AlertCondition.FIRED, at, at,
                        BeatSchedule.heardUntil(lastSeen, own.schedule(), rule.heartbeatInterval()));
                AlertPlan plan = policy.plan(new EvaluationAlerts(at, List.of(check), Map.of(n.device(), parent),
                        Map.of(parent, parentLast == null ? Instant.MIN : parentLast)));
                if (!plan.absorbed().isEmpty()) {
                    return new Decision(Kind.FOLDED, parent, List.of());
                }
                return Decision.ALONE; // silent before its parent: its own failure
            }
        }
        // A parent: its checks silent too are raised with it, and the policy says which go behind it.
        List<RaisedAlert> raised = new ArrayList<>();
        raised.add(self);
        Map<String, String> parents = new LinkedHashMap<>();
        for (Map.Entry<String, DeviceLines.Child> c : lines.children(n.device(), from, at).entrySet()) {
            Instant childLast = lastBy(c.getValue().beats(), at);
            SilenceRule childRule = ruleOf(c.getValue());
            // Down by its own rule, as the alert query judges it: a check on its period + grace.
            if (childLast != null && downBy(childLast, at, childRule)) {
                Instant down = childRule.declaredDownAt(childLast);
                raised.add(new RaisedAlert(c.getKey(), c.getKey(), AlertCondition.FIRED, down, down,
                        BeatSchedule.heardUntil(childLast, c.getValue().schedule(), rule.heartbeatInterval())));
                parents.put(c.getKey(), n.device());
            }
        }
        return behindSelf(self, raised, parents,
                Map.of(n.device(), lastSeen == null ? Instant.MIN : lastSeen), at);
    }

    private Decision resolved(AlertNotice n, boolean downWasFolded) {
        Instant back = n.resolvedAt();
        Instant from = n.firedAt().minus(rule.lookback());
        Instant to = back.plus(rule.heartbeatInterval().multipliedBy(2));
        DeviceLines own = lines.read(n.device(), from, to);
        Instant lastSeen = own.lastBeatBy(n.firedAt());
        Instant downAt = lastSeen == null ? n.firedAt() : own.ruleFor(rule).declaredDownAt(lastSeen);
        RaisedAlert self = new RaisedAlert(n.alertId(), n.device(), AlertCondition.RESOLVED, back, downAt, lastSeen);
        String parent = own.parent();
        if (parent != null) {
            DeviceLines parentLines = lines.read(parent, from, back);
            Instant parentLast = parentLines.lastBeatBy(back);
            if (downBy(parentLast, back, parentLines.ruleFor(rule))) {
                AlertPlan plan = policy.plan(new EvaluationAlerts(back, List.of(self), Map.of(n.device(), parent),
                        Map.of(parent, parentLast == null ? Instant.MIN : parentLast)));
                if (!plan.held().isEmpty()) {
                    return new Decision(Kind.HELD, parent, List.of());
                }
            }
            if (downWasFolded) {
                return new Decision(Kind.FOLDED, parent, List.of());
            }
        }
        // A parent back: its checks whose outage began with its own come back in its message.
        List<RaisedAlert> raised = new ArrayList<>();
        raised.add(self);
        Map<String, String> parents = new LinkedHashMap<>();
        for (Map.Entry<String, DeviceLines.Child> c : lines.children(n.device(), from, to).entrySet()) {
            Instant childLast = lastBy(c.getValue().beats(), n.firedAt());
            boolean heardAgain = c.getValue().beats().stream().anyMatch(t -> t.isAfter(n.firedAt()));
            if (childLast != null && heardAgain) {
                raised.add(new RaisedAlert(c.getKey(), c.getKey(), AlertCondition.RESOLVED, back,
                        ruleOf(c.getValue()).declaredDownAt(childLast), childLast));
                parents.put(c.getKey(), n.device());
            }
        }
        return behindSelf(self, raised, parents, Map.of(), back);
    }

    /** The policy's plan for the alert and its checks: the checks in the alert's own message. */
    private Decision behindSelf(RaisedAlert self, List<RaisedAlert> raised, Map<String, String> parents,
                                Map<String, Instant> downParents, Instant at) {
        if (raised.size() == 1) {
            return Decision.ALONE;
        }
        AlertPlan plan = policy.plan(new EvaluationAlerts(at, raised, parents, downParents));
        for (OutgoingAlert m : plan.messages()) {
            if (m instanceof OutgoingAlert.Single s && s.alert().equals(self)) {
                return new Decision(Kind.SEND, null, s.behind().stream().map(RaisedAlert::device).toList());
            }
        }
        return Decision.ALONE;
    }

    /**
     * Down by {@code at}: never heard in the lookback, or silent for {@code judged}'s threshold (the
     * device's own schedule's limit, or the rule's; one interval's slack: Azure's evaluation).
     */
    private boolean downBy(Instant last, Instant at, SilenceRule judged) {
        return last == null || !judged.declaredDownAt(last).isAfter(at.plus(rule.heartbeatInterval()));
    }

    /** The rule a check is judged by: its last line's schedule's ({@link BeatSchedule}), else the rule. */
    private SilenceRule ruleOf(DeviceLines.Child child) {
        return child.schedule() == null ? rule : child.schedule().ruleFor(rule);
    }

    private static Instant lastBy(List<Instant> beats, Instant at) {
        Instant last = null;
        for (Instant b : beats) {
            if (!b.isAfter(at)) {
                last = b;
            }
        }
        return last;
    }
}
