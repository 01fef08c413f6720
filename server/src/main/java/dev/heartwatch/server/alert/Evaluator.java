package dev.heartwatch.server.alert;

import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.AlertPlan;
import dev.heartwatch.core.notify.EvaluationAlerts;
import dev.heartwatch.core.notify.RaisedAlert;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.Flip;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.store.DeviceRecord;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NewNotification;
import dev.heartwatch.server.store.NotificationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live silence rule: each run reads every device's stored facts, asks {@link SilenceRule}
 * for a flip, and records it as a compare-and-set together with the notification it raises
 * (one transaction), so a state change is recorded once and notified at most once, across
 * evaluators and restarts. Nothing here reads a clock: {@code now} is a parameter.
 *
 * <p>Notification policy, per device:
 * <ul>
 *   <li>to DOWN raises FIRED, unless the device is muted (nothing) or within its cooldown after
 *       the last notification (raised as suppressed);</li>
 *   <li>from DOWN raises RESOLVED when its FIRED was raised (never suppressed: every mailed
 *       "down" gets its "resolved"); a suppressed "down" gets a suppressed "resolved";</li>
 *   <li>when a cooldown ends with suppressed notifications, one summary says how many, FIRED if
 *       the device is down now (opening the alert), else RESOLVED;</li>
 *   <li>retired devices are never evaluated; STOPPED (clean stop) raises nothing.</li>
 * </ul>
 * After the flips, the notifications raised (and any left unplanned by an earlier run) go through
 * core's {@link AggregationPolicy} once, recorded in one transaction: a digest when many devices
 * flip together (kept open while the storm goes on), checks folded into their parent's DOWN,
 * one thread per outage. Until then no worker sends them, so a digest is never overtaken by its
 * members. Delivery is not done here:
 * the channels' workers are woken after the evaluation returns.
 *
 * <p>Checks (issue 17): each device's last beat may name its parent (an agent's check, its agent)
 * and its own {@code period} and {@code grace}, kept by the store. Each run reads the parents
 * from the devices it reads anyway (plus any given at construction), judges a device that sent a
 * schedule on {@code period + grace} ({@link BeatSchedules}) instead of the threshold, and never
 * declares a check DOWN before its parent when it fell silent with it: parents are judged first,
 * so the check's DOWN is folded into the parent's in the same run. A check's RESOLVED whose DOWN
 * went behind its parent goes with the parent's RESOLVED, or is absorbed when that was already
 * planned: it never makes a message of its own.
 *
 * <p>For the first {@code threshold} after the server starts, a device last heard before the
 * start is not declared DOWN: its silence may be the server's own downtime, and its agent gets
 * one threshold to reach the server again. A new device in its {@linkplain NewDeviceWarmUp
 * warm-up} is not declared DOWN either.
 */
public final class Evaluator {
    private final HeartwatchStore store;
    private final SilenceRule rule;
    private final Duration cooldown;
    private final Instant startedAt;
    private final AggregationPolicy policy;
    private final Map<String, String> parents;
    private final NewDeviceWarmUp newDevices;
    /** The rules of the thresholds devices' own schedules asked for, made once each. */
    private final Map<Duration, SilenceRule> byThreshold = new ConcurrentHashMap<>();

    /** An evaluator without a new-device warm-up (every device alerts from its first beat). */
    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt) {
        this(store, rule, cooldown, startedAt, AggregationPolicy.defaults(rule.heartbeatInterval()), Map.of(),
                NewDeviceWarmUp.none());
    }

    /** @param parents device to the device it runs behind (a check to its agent); empty when there are none */
    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt,
                     AggregationPolicy policy, Map<String, String> parents) {
        this(store, rule, cooldown, startedAt, policy, parents, NewDeviceWarmUp.none());
    }

    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt,
                     NewDeviceWarmUp newDevices) {
        this(store, rule, cooldown, startedAt, AggregationPolicy.defaults(rule.heartbeatInterval()), Map.of(), newDevices);
    }

    /**
     * @param parents    device to the device it runs behind (a check to its agent); empty when there are none
     * @param newDevices the warm-up of devices first seen lately
     */
    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt,
                     AggregationPolicy policy, Map<String, String> parents, NewDeviceWarmUp newDevices) {
        this.store = Objects.requireNonNull(store, "store");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.parents = Map.copyOf(parents);
        this.newDevices = Objects.requireNonNull(newDevices, "newDevices");
    }

    public SilenceRule rule() {
        return rule;
    }

    /** One evaluation at {@code now}; returns the flips this run recorded. */
    public List<Flip> evaluate(Instant now) {
        List<Flip> recorded = new ArrayList<>();
        Map<String, DeviceRecord> all = store.devices().all(rule.expectedDevices());
        Map<String, String> parentOf = parentsOf(all.values());
        // Devices that run behind nothing first, so a check sees the status its parent ends this run with.
        List<DeviceRecord> ordered = new ArrayList<>(all.size());
        all.values().stream().filter(r -> !parentOf.containsKey(r.device())).forEach(ordered::add);
        all.values().stream().filter(r -> parentOf.containsKey(r.device())).forEach(ordered::add);
        Map<String, DeviceStatus> statusNow = new HashMap<>();
        for (DeviceRecord r : ordered) {
            if (r.retired()) {
                continue;
            }
            // Issue 17: a check that sent its own period and grace is judged on them (BeatSchedules).
            Optional<Flip> maybe = ruleOf(r).flip(r.facts(), r.status(), now);
            if (maybe.isPresent()) {
                Flip flip = maybe.get();
                if (flip.to() == DeviceStatus.DOWN && (inWarmUp(r, flip, now)
                        || waitsForParent(r, all.get(parentOf.get(r.device())), statusNow, now))) {
                    continue;
                }
                if (record(r, flip, now)) {
                    recorded.add(flip);
                    statusNow.put(r.device(), flip.to());
                }
            }
            summariseIfCooledDown(r, now);
        }
        planRaised(now, parentOf, all);
        return recorded;
    }

    /** The rule {@code r} is judged by: the global one, or the one its own beats' schedule asks for. */
    private SilenceRule ruleOf(DeviceRecord r) {
        return BeatSchedules.threshold(rule, r).map(t -> byThreshold.computeIfAbsent(t, rule::withThreshold)).orElse(rule);
    }

    /** The parents given at construction, and those the devices' last beats name (a check to its agent). */
    private Map<String, String> parentsOf(Collection<DeviceRecord> records) {
        Map<String, String> out = new HashMap<>(parents);
        for (DeviceRecord r : records) {
            if (r.parent() != null && !r.parent().equals(r.device())) {
                out.putIfAbsent(r.device(), r.parent());
            }
        }
        return out;
    }

    /**
     * A check that fell silent with its parent is not declared DOWN before the parent is: its
     * silence is the parent's (the agent or its link), and its DOWN belongs folded into the
     * parent's, in the same evaluation (issue 17 section 4). It waits only while the parent is UP, late
     * (no beat for more than one heartbeat interval) and can still be declared DOWN by its own
     * rule; a parent that beats on time, is held back (its warm-up) or is gone (stopped,
     * unknown) does not hold the check.
     */
    private boolean waitsForParent(DeviceRecord check, DeviceRecord parent, Map<String, DeviceStatus> statusNow,
                                   Instant now) {
        if (parent == null || parent.lastSeen() == null || check.lastSeen() == null || parent.retired()) {
            return false;
        }
        if (statusNow.getOrDefault(parent.device(), parent.status()) != DeviceStatus.UP) {
            return false;
        }
        Duration interval = rule.heartbeatInterval();
        boolean parentLate = now.isAfter(parent.lastSeen().plus(interval));
        boolean silentWithParent = !heardUntil(check).isBefore(parent.lastSeen().minus(interval));
        return parentLate && silentWithParent && now.isBefore(ruleOf(parent).declaredDownAt(parent.lastSeen()));
    }

    /**
     * What the aggregation policy compares with the parent's last beat (its {@code lastSeen},
     * less one heartbeat interval), to tell a check that went silent with its parent from one
     * that failed before: the instant the check's next beat was due (its last beat plus its
     * period, or the interval when it sent none). A check beats once a period, and its beat
     * travels in the agent's batch, once an interval and on a thread of its own, so its last
     * beat may be up to a period and an interval older than the agent's and still be "with" it.
     */
    private Instant heardUntil(DeviceRecord check) {
        if (check.lastSeen() == null) {
            return null;
        }
        Duration period = check.beatPeriod();
        Duration interval = rule.heartbeatInterval();
        return check.lastSeen().plus(period == null || period.compareTo(interval) < 0 ? interval : period);
    }

    /** Runs the aggregation policy over every notification not yet planned, and records its plan. */
    private void planRaised(Instant now, Map<String, String> parentOf, Map<String, DeviceRecord> all) {
        List<NotificationRecord> unplanned = store.outbox().unplanned();
        Map<AlertCondition, Instant> gathering = store.outbox().gatheringDigests();
        if (unplanned.isEmpty() && gathering.isEmpty()) {
            return;
        }
        Map<String, Instant> downParents = new HashMap<>();
        Map<String, Boolean> parentChecked = new HashMap<>();
        Map<String, NotificationRecord> parentResolved = new HashMap<>();
        for (NotificationRecord n : unplanned) {
            if (!n.fired()) {
                parentResolved.putIfAbsent(n.device(), n);
            }
        }
        List<RaisedAlert> raised = new ArrayList<>(unplanned.size());
        List<AlertPlan.Absorbed> resolvedBehind = new ArrayList<>();
        for (NotificationRecord n : unplanned) {
            String parent = parentOf.get(n.device());
            Instant lastSeen = null;
            Instant downAt = n.fired() ? n.flipAt() : n.firedAt();
            if (parent != null) {
                DeviceRecord check = all.get(n.device());
                lastSeen = check == null ? null : heardUntil(check);
                parentChecked.computeIfAbsent(parent, p -> {
                    store.devices().device(p).filter(d -> d.status() == DeviceStatus.DOWN)
                            .ifPresent(d -> downParents.put(p, d.lastSeen() == null ? Instant.MIN : d.lastSeen()));
                    return true;
                });
                if (!n.fired() && n.firedAt() != null && !downParents.containsKey(parent)
                        && store.outbox().firedBehind(n.device(), n.firedAt()).isPresent()) {
                    // Its DOWN went into the parent's outage: its RESOLVED goes with the parent's, never alone.
                    NotificationRecord back = parentResolved.get(parent);
                    if (back == null) {
                        resolvedBehind.add(new AlertPlan.Absorbed(new RaisedAlert(n.idemKey(), n.device(),
                                AlertCondition.RESOLVED, n.flipAt(), downAt, lastSeen), parent));
                        continue;
                    }
                    if (back.firedAt() != null && back.firedAt().isAfter(downAt)) {
                        downAt = back.firedAt(); // the parent's outage, which the policy folds it into
                    }
                }
            }
            raised.add(new RaisedAlert(n.idemKey(), n.device(), n.fired() ? AlertCondition.FIRED : AlertCondition.RESOLVED,
                    n.flipAt(), downAt, lastSeen));
        }
        AlertPlan plan = policy.plan(new EvaluationAlerts(now, raised, parentOf, downParents, gathering));
        if (!resolvedBehind.isEmpty()) {
            List<AlertPlan.Absorbed> absorbed = new ArrayList<>(plan.absorbed());
            absorbed.addAll(resolvedBehind);
            plan = new AlertPlan(plan.messages(), absorbed, plan.held(), plan.released());
        }
        store.outbox().applyPlan(plan, now);
    }

    /** The server's own warm-up after its start, or the device's as a new one. */
    private boolean inWarmUp(DeviceRecord r, Flip flip, Instant now) {
        boolean silentSinceBeforeStart = r.lastSeen() == null || r.lastSeen().isBefore(startedAt);
        return silentSinceBeforeStart && now.isBefore(startedAt.plus(rule.threshold()))
                || newDevices.holdsBack(r, flip, rule.expectedDevices(), store.devices()::beats);
    }

    private boolean coolingDown(DeviceRecord r, Instant now) {
        return r.lastNotified() != null && now.isBefore(r.lastNotified().plus(cooldown));
    }

    private boolean record(DeviceRecord r, Flip flip, Instant now) {
        String key = flip.device() + ":" + flip.to() + ":" + flip.at().toEpochMilli();
        boolean alertOpen = r.alertOpen();
        NewNotification n = null;
        if (flip.to() == DeviceStatus.DOWN) {
            alertOpen = false;
            if (!r.mutedAt(now)) {
                boolean suppressed = coolingDown(r, now);
                alertOpen = !suppressed;
                n = new NewNotification(key, flip.device(), NotificationRecord.FIRED, flip.at(), flip.at(),
                        suppressed, 0, flip.reason());
            }
        } else if (flip.from() == DeviceStatus.DOWN) {
            if (r.alertOpen()) {
                n = new NewNotification(key, flip.device(), NotificationRecord.RESOLVED, flip.at(),
                        store.devices().firedAt(flip.device()).orElse(r.since()), false, 0, flip.reason());
            } else if (!r.mutedAt(now) && coolingDown(r, now)) {
                n = new NewNotification(key, flip.device(), NotificationRecord.RESOLVED, flip.at(), r.since(),
                        true, 0, flip.reason());
            }
            alertOpen = false;
        }
        if (n != null && !n.suppressed()) {
            // Cooldown over: this notification also tells how many were not mailed before it.
            int before = store.outbox().unsummarisedSuppressed(flip.device()).size();
            if (before > 0) {
                n = new NewNotification(n.idemKey(), n.device(), n.condition(), n.flipAt(), n.firedAt(), false, before,
                        n.reason() + "; " + before + " earlier state changes were not mailed during the " + cooldown + " cooldown");
            }
        }
        return store.devices().recordFlip(flip, now, alertOpen, n);
    }

    private void summariseIfCooledDown(DeviceRecord before, Instant now) {
        if (coolingDown(before, now)) {
            return;
        }
        List<NotificationRecord> suppressed = store.outbox().unsummarisedSuppressed(before.device());
        if (suppressed.isEmpty()) {
            return;
        }
        DeviceRecord r = store.devices().device(before.device()).orElse(before);
        NotificationRecord last = suppressed.get(suppressed.size() - 1);
        boolean downNow = r.status() == DeviceStatus.DOWN;
        NewNotification summary;
        if (downNow && !r.alertOpen()) {
            summary = new NewNotification(r.device() + ":SUMMARY:" + last.id(), r.device(), NotificationRecord.FIRED,
                    r.since(), r.since(), false, suppressed.size(),
                    suppressed.size() + " state changes were not mailed during the " + cooldown + " cooldown; down now");
        } else if (!downNow) {
            summary = new NewNotification(r.device() + ":SUMMARY:" + last.id(), r.device(), NotificationRecord.RESOLVED,
                    r.since() == null ? now : r.since(), null, false, suppressed.size(),
                    suppressed.size() + " state changes were not mailed during the " + cooldown + " cooldown; "
                            + r.status().name().toLowerCase() + " now");
        } else {
            summary = null; // down, and the open alert already said so: mark them only
        }
        store.outbox().summarise(r.device(), last.id(), summary, now);
    }
}
